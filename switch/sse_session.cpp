#include "switch/sse_session.h"

#include <deque>
#include <string>
#include <string_view>

#include <boost/json.hpp>

#include "core/clock.h"
#include "ledger/engine.h"
#include "switch/device_feed.h"
#include "switch/logger.h"
#include "switch/metrics.h"
#include "switch/notify_hub.h"

namespace cho4::server {
namespace {

UnixMs wall_now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string sse_frame(const Frame& f) {
  std::string out;
  out.reserve(f.json.size() + 48);
  if (f.kind == Frame::Kind::credit) {
    out += "id: " + std::to_string(f.seq) + "\nevent: credit\n";
  } else if (f.kind == Frame::Kind::hello) {
    out += "event: hello\n";
  } else {
    out += "event: history_truncated\n";
  }
  out += "data: ";
  out += f.json;  // serialized JSON has no raw newlines
  out += "\n\n";
  return out;
}

template <class Stream>
class SseSession final : public Connection, public DeviceSink {
 public:
  SseSession(ServerContext& ctx, Stream stream, StreamGrant grant, std::string request_id,
             std::string remote)
      : ctx_(ctx),
        stream_(std::move(stream)),
        grant_(grant),
        request_id_(std::move(request_id)),
        remote_(std::move(remote)),
        feed_(ctx.engine, grant.stall, ctx.config.limits.device_queue_max),
        heartbeat_(stream_.get_executor()) {}

  ~SseSession() override {
    if (subscribed_) {
      ctx_.hub.unsubscribe(grant_.stall, this);
      ctx_.metrics.devices_connected.fetch_sub(1);
    }
  }

  void run() {
    reg_.emplace(ctx_, Connection::shared_from_this());
    net::dispatch(stream_.get_executor(), [s = self()] { s->start(); });
  }

  void shutdown() override {
    net::post(stream_.get_executor(), [s = self()] {
      s->closing_ = true;
      s->heartbeat_.cancel();
      if (!s->writing_) close_stream(s->stream_);
    });
  }

  // The device's token was revoked: end the stream like a shutdown does.
  void disconnect() override { shutdown(); }

  void push(std::shared_ptr<const HubEvent> event) override {
    net::post(stream_.get_executor(),
              [s = self(), event = std::move(event)] { s->on_live(event); });
  }

 private:
  std::shared_ptr<SseSession> self() {
    return std::static_pointer_cast<SseSession>(Connection::shared_from_this());
  }

  void start() {
    std::string head =
        "HTTP/1.1 200 OK\r\nServer: cho4\r\nContent-Type: text/event-stream; charset=utf-8\r\n"
        "Cache-Control: no-store\r\nX-Accel-Buffering: no\r\nConnection: close\r\n"
        "X-Request-Id: " +
        request_id_ + "\r\n\r\n";
    queue_.push_back(Item{std::move(head), Frame{}});
    if (!ctx_.hub.subscribe(grant_.stall, std::static_pointer_cast<DeviceSink>(self()),
                            grant_.token_hash)) {
      end_with_comment("too many devices");
      return do_write();
    }
    subscribed_ = true;
    ctx_.metrics.devices_connected.fetch_add(1);
    std::vector<Frame> frames;
    if (auto st = feed_.start(grant_.after, frames); !st.ok()) {
      replay_failed(st);
      return do_write();
    }
    enqueue_frames(frames);  // writes, behind the head
    arm_heartbeat();
    // The client sends nothing; a read completes only when it goes away.
    stream_.async_read_some(net::buffer(sink_),
                            beast::bind_front_handler(&SseSession::on_read, self()));
  }

  void arm_heartbeat() {
    heartbeat_.expires_after(ms(ctx_.config.limits.heartbeat_interval_ms));
    heartbeat_.async_wait([s = self()](beast::error_code ec) {
      if (ec || s->closing_) return;
      s->enqueue(Item{": ping\n\n", Frame{}}, true);
      s->arm_heartbeat();
    });
  }

  void on_read(beast::error_code ec, std::size_t) {
    if (ec) {
      closing_ = true;
      heartbeat_.cancel();
      close_stream(stream_);
      return;
    }
    stream_.async_read_some(net::buffer(sink_),
                            beast::bind_front_handler(&SseSession::on_read, self()));
  }

  void on_live(const std::shared_ptr<const HubEvent>& event) {
    if (closing_) return;
    std::vector<Frame> frames;
    if (feed_.on_live(event, frames) == DeviceFeed::Live::overflow) return drop_slow();
    enqueue_frames(frames);
  }

  void enqueue_frames(std::vector<Frame>& frames) {
    // Braced initialization evaluates in order: the text is rendered before the frame moves.
    for (auto& f : frames) enqueue(Item{sse_frame(f), std::move(f)}, /*control=*/false);
  }

  // Once the last page of a replay is written, the next one (DeviceFeed::next_page). Queues
  // without writing: the caller writes.
  void continue_replay() {
    if (closing_ || !feed_.replaying()) return;
    std::vector<Frame> frames;
    if (auto st = feed_.next_page(frames); !st.ok()) return replay_failed(st);
    for (auto& f : frames) queue_.push_back(Item{sse_frame(f), std::move(f)});
  }

  // The store could not be read for the replay: the device reconnects later with its cursor.
  // Queues only.
  void replay_failed(const Status& st) {
    ctx_.log.error("replay failed", {{"stall_id", grant_.stall.value}, {"error", st.message()}});
    end_with_comment("store unavailable");
  }

  // The stream ends after what is queued, with a last comment that says why. Queues only.
  void end_with_comment(std::string_view why) {
    closing_ = true;
    heartbeat_.cancel();
    queue_.push_back(Item{": " + std::string(why) + "\n\n", Frame{}});
  }

  struct Item {
    std::string text;
    Frame frame;
  };

  void enqueue(Item item, bool control) {
    if (closing_) return;
    // Only live traffic counts toward the slow-device cut: the replay is paced a page at a time.
    if (!control && item.frame.live) {
      if (live_queued_ >= ctx_.config.limits.device_queue_max) return drop_slow();
      ++live_queued_;
    }
    queue_.push_back(std::move(item));
    if (!writing_) do_write();
  }

  void drop_slow() {
    ctx_.metrics.devices_dropped_slow.fetch_add(1);
    ctx_.log.warn(
        "slow device disconnected",
        {{"stall_id", grant_.stall.value}, {"remote", remote_}, {"queued", queue_.size()}});
    closing_ = true;
    discard_unwritten(queue_, writing_);
    heartbeat_.cancel();
    close_stream(stream_);
  }

  void do_write() {
    if (queue_.empty()) return;
    writing_ = true;
    beast::get_lowest_layer(stream_).expires_after(ms(ctx_.config.limits.write_timeout_ms));
    net::async_write(stream_, net::buffer(queue_.front().text),
                     beast::bind_front_handler(&SseSession::on_write, self()));
  }

  void on_write(beast::error_code ec, std::size_t) {
    writing_ = false;
    beast::get_lowest_layer(stream_).expires_never();
    if (ec || queue_.empty()) {
      closing_ = true;
      heartbeat_.cancel();
      return;
    }
    const Frame& f = queue_.front().frame;
    if (f.kind == Frame::Kind::credit && f.seq > 0) {
      ctx_.metrics.events_delivered.fetch_add(1);
      if (!f.replayed && f.received_at_ms > 0)
        ctx_.metrics.notify_latency_seconds().observe(
            static_cast<double>(wall_now_ms() - f.received_at_ms) / 1000.0);
    }
    if (f.live) --live_queued_;
    queue_.pop_front();
    if (queue_.empty()) continue_replay();
    if (!queue_.empty()) return do_write();
    if (closing_) close_stream(stream_);
  }

  ServerContext& ctx_;
  Stream stream_;
  StreamGrant grant_;
  std::string request_id_;
  std::string remote_;
  DeviceFeed feed_;
  net::steady_timer heartbeat_;
  std::optional<Registration> reg_;
  std::deque<Item> queue_;
  std::size_t live_queued_ = 0;  // items in queue_ whose frame is live
  char sink_[256];
  bool writing_ = false;
  bool closing_ = false;
  bool subscribed_ = false;
};

}  // namespace

template <class Stream>
void start_sse_session(ServerContext& ctx, Stream stream, StreamGrant grant, std::string request_id,
                       std::string remote) {
  std::make_shared<SseSession<Stream>>(ctx, std::move(stream), grant, std::move(request_id),
                                       std::move(remote))
      ->run();
}

template void start_sse_session<PlainStream>(ServerContext&, PlainStream, StreamGrant, std::string,
                                             std::string);
template void start_sse_session<TlsStream>(ServerContext&, TlsStream, StreamGrant, std::string,
                                           std::string);

}  // namespace cho4::server
