#include "switch/websocket_session.h"

#include <deque>

#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <boost/json.hpp>

#include "core/clock.h"
#include "ledger/engine.h"
#include "switch/device_feed.h"
#include "switch/logger.h"
#include "switch/metrics.h"
#include "switch/notify_hub.h"

namespace cho4::server {
namespace websocket = beast::websocket;
namespace {

// How long a client without ?after= may take to send its hello before it gets live events only.
constexpr std::int64_t kHelloWaitMs = 2'000;
static_assert(kHelloWaitMs < kKeepAliveIdleMs);

UnixMs wall_now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

template <class Stream>
class WebSocketSession final : public Connection, public DeviceSink {
 public:
  WebSocketSession(ServerContext& ctx, Stream stream, StreamGrant grant, std::string remote)
      : ctx_(ctx),
        ws_(std::move(stream)),
        grant_(grant),
        remote_(std::move(remote)),
        feed_(ctx.engine, grant.stall, ctx.config.limits.device_queue_max),
        hello_timer_(ws_.get_executor()) {}

  ~WebSocketSession() override {
    if (subscribed_) {
      ctx_.hub.unsubscribe(grant_.stall, this);
      ctx_.metrics.devices_connected.fetch_sub(1);
    }
  }

  void run(http::request<http::string_body> upgrade) {
    reg_.emplace(ctx_, Connection::shared_from_this());
    beast::get_lowest_layer(ws_).expires_never();
    auto opt = websocket::stream_base::timeout::suggested(beast::role_type::server);
    opt.idle_timeout = ms(ctx_.config.limits.keep_alive_idle_ms);
    opt.keep_alive_pings = true;
    ws_.set_option(opt);
    ws_.set_option(websocket::stream_base::decorator(
        [](websocket::response_type& res) { res.set(http::field::server, "cho4"); }));
    ws_.read_message_max(kWebSocketMessageBytesMax);
    ws_.async_accept(upgrade, beast::bind_front_handler(&WebSocketSession::on_accept, self()));
  }

  void shutdown() override { close_with(websocket::close_code::going_away); }

  // The device's token was revoked: a policy close, so the client does not retry with it.
  void disconnect() override { close_with(websocket::close_code::policy_error); }

  void push(std::shared_ptr<const HubEvent> event) override {
    net::post(ws_.get_executor(), [s = self(), event = std::move(event)] { s->on_live(event); });
  }

 private:
  std::shared_ptr<WebSocketSession> self() {
    return std::static_pointer_cast<WebSocketSession>(Connection::shared_from_this());
  }

  void close_with(websocket::close_code code) {
    net::post(ws_.get_executor(), [s = self(), code] {
      s->closing_ = true;
      s->close_code_ = code;
      if (!s->writing_ && s->ws_.is_open()) s->ws_.async_close(code, [s](beast::error_code) {});
    });
  }

  void on_accept(beast::error_code ec) {
    if (ec) return;
    if (!ctx_.hub.subscribe(grant_.stall, std::static_pointer_cast<DeviceSink>(self()),
                            grant_.token_hash)) {
      return ws_.async_close(
          websocket::close_reason(websocket::close_code::try_again_later, "too many devices"),
          [s = self()](beast::error_code) {});
    }
    subscribed_ = true;
    ctx_.metrics.devices_connected.fetch_add(1);
    if (grant_.after) {
      begin(grant_.after);
    } else {
      hello_timer_.expires_after(ms(kHelloWaitMs));
      hello_timer_.async_wait([s = self()](beast::error_code e) {
        if (!e && !s->feed_.started()) s->begin(std::nullopt);
      });
    }
    do_read();
  }

  void begin(std::optional<std::uint64_t> after) {
    hello_timer_.cancel();
    std::vector<Frame> frames;
    if (auto st = feed_.start(after, frames); !st.ok()) return replay_failed(st);
    for (auto& f : frames) enqueue(std::move(f));
  }

  // Once the last page of a replay is written, the next one (DeviceFeed::next_page). Queues
  // without writing: the caller writes.
  void continue_replay() {
    if (closing_ || !feed_.replaying()) return;
    std::vector<Frame> frames;
    if (auto st = feed_.next_page(frames); !st.ok()) return replay_failed(st);
    for (auto& f : frames) queue_.push_back(std::move(f));
  }

  // The store could not be read for the replay: the device reconnects later with its cursor.
  void replay_failed(const Status& st) {
    ctx_.log.error("replay failed", {{"stall_id", grant_.stall.value}, {"error", st.message()}});
    close_with(websocket::close_code::try_again_later, "store unavailable");
  }

  void on_live(const std::shared_ptr<const HubEvent>& event) {
    std::vector<Frame> frames;
    auto r = feed_.on_live(event, frames);
    if (r == DeviceFeed::Live::overflow) return drop_slow();
    for (auto& f : frames) enqueue(std::move(f));
  }

  void enqueue(Frame f) {
    if (closing_) return;
    // Only live traffic counts toward the slow-device cut: the replay is paced a page at a time.
    if (f.live) {
      if (live_queued_ >= ctx_.config.limits.device_queue_max) return drop_slow();
      ++live_queued_;
    }
    queue_.push_back(std::move(f));
    if (!writing_) do_write();
  }

  void drop_slow() {
    if (closing_) return;
    ctx_.metrics.devices_dropped_slow.fetch_add(1);
    ctx_.log.warn(
        "slow device disconnected",
        {{"stall_id", grant_.stall.value}, {"remote", remote_}, {"queued", queue_.size()}});
    closing_ = true;
    discard_unwritten(queue_, writing_);
    // Cut the socket: a close handshake would wait behind the very writes that are stuck.
    beast::error_code ec;
    beast::get_lowest_layer(ws_).socket().close(ec);
  }

  void close_with(websocket::close_code code, const char* why) {
    closing_ = true;
    ws_.async_close(websocket::close_reason(code, why), [s = self()](beast::error_code) {});
  }

  void do_write() {
    writing_ = true;
    ws_.text(true);
    ws_.async_write(net::buffer(queue_.front().json),
                    beast::bind_front_handler(&WebSocketSession::on_write, self()));
  }

  void on_write(beast::error_code ec, std::size_t) {
    writing_ = false;
    if (ec || queue_.empty()) return;
    const Frame& f = queue_.front();
    if (f.kind == Frame::Kind::credit) {
      ctx_.metrics.events_delivered.fetch_add(1);
      if (!f.replayed && f.received_at_ms > 0)
        ctx_.metrics.notify_latency_seconds().observe(
            static_cast<double>(wall_now_ms() - f.received_at_ms) / 1000.0);
    }
    if (f.live) --live_queued_;
    queue_.pop_front();
    if (closing_) {
      if (ws_.is_open()) ws_.async_close(close_code_, [s = self()](beast::error_code) {});
      return;
    }
    if (queue_.empty()) continue_replay();
    if (!queue_.empty()) do_write();
  }

  void do_read() {
    ws_.async_read(read_buf_, beast::bind_front_handler(&WebSocketSession::on_read, self()));
  }

  void on_read(beast::error_code ec, std::size_t) {
    if (ec) {
      hello_timer_.cancel();
      return;  // closed by the client, timed out, or cut: the destructor unsubscribes
    }
    std::string text = beast::buffers_to_string(read_buf_.data());
    read_buf_.consume(read_buf_.size());
    boost::system::error_code jec;
    auto v = boost::json::parse(text, jec);
    if (!jec && v.is_object()) {
      const auto& o = v.as_object();
      auto* type = o.if_contains("type");
      if (type && type->is_string() && type->as_string() == "hello" && !feed_.started()) {
        std::optional<std::uint64_t> after;
        if (auto* a = o.if_contains("after")) {
          if (a->is_uint64())
            after = a->as_uint64();
          else if (a->is_int64() && a->as_int64() >= 0)
            after = static_cast<std::uint64_t>(a->as_int64());
        }
        begin(after);
      } else if (type && type->is_string() && type->as_string() == "ack") {
        ctx_.metrics.device_acks.fetch_add(1);
      }
    }
    do_read();
  }

  ServerContext& ctx_;
  websocket::stream<Stream> ws_;
  StreamGrant grant_;
  std::string remote_;
  DeviceFeed feed_;
  net::steady_timer hello_timer_;
  std::optional<Registration> reg_;
  beast::flat_buffer read_buf_;
  std::deque<Frame> queue_;
  std::size_t live_queued_ = 0;  // frames in queue_ with live set
  bool writing_ = false;
  bool closing_ = false;
  websocket::close_code close_code_ = websocket::close_code::going_away;
  bool subscribed_ = false;
};

}  // namespace

template <class Stream>
void start_websocket_session(ServerContext& ctx, Stream stream,
                             http::request<http::string_body> upgrade, StreamGrant grant,
                             std::string remote) {
  auto s =
      std::make_shared<WebSocketSession<Stream>>(ctx, std::move(stream), grant, std::move(remote));
  s->run(std::move(upgrade));
}

template void start_websocket_session<PlainStream>(ServerContext&, PlainStream,
                                                   http::request<http::string_body>, StreamGrant,
                                                   std::string);
template void start_websocket_session<TlsStream>(ServerContext&, TlsStream,
                                                 http::request<http::string_body>, StreamGrant,
                                                 std::string);

}  // namespace cho4::server
