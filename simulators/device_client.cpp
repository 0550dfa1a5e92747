#include "simulators/device_client.h"

#include <algorithm>
#include <optional>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace cho4::sim {
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

// Bounds on what a device accepts from the server.
constexpr std::size_t kEventBytesMax = 64 * 1024;
constexpr auto kConnectTimeout = std::chrono::seconds(5);

std::string id_text(const boost::json::value* v) {
  if (!v) return {};
  if (v->is_string()) return std::string(v->as_string());
  if (v->is_uint64()) return std::to_string(v->as_uint64());
  if (v->is_int64()) return std::to_string(v->as_int64());
  return {};
}

void record(DeviceState& d, DeviceShared& shared, std::string_view json, auto&& send_ack) {
  DeviceEvent ev;
  if (!parse_event_json(json, ev)) return;
  ev.received_us = shared.clock->now_us();
  shared.events.fetch_add(1, std::memory_order_relaxed);
  if (ev.seq > d.cursor) d.cursor = ev.seq;
  d.log.events.push_back(std::move(ev));
  send_ack(d.log.events.back().seq);
}

// Clears the device's kick hook (which references the session's socket) on every way out.
struct KickReset {
  DeviceState& d;
  ~KickReset() {
    d.kick = nullptr;
    d.connected = false;
  }
};

asio::awaitable<void> sleep_ms(std::int64_t ms) {
  asio::steady_timer t(co_await asio::this_coro::executor, std::chrono::milliseconds(ms));
  auto [ec] = co_await t.async_wait(asio::as_tuple(asio::use_awaitable));
  (void)ec;
}

asio::awaitable<void> websocket_session(DeviceState& d, DeviceShared& shared) {
  auto token = asio::as_tuple(asio::use_awaitable);
  websocket::stream<beast::tcp_stream> ws(co_await asio::this_coro::executor);
  d.kick = [&ws] {
    beast::error_code ec;
    beast::get_lowest_layer(ws).socket().close(ec);
  };
  KickReset reset{d};
  beast::get_lowest_layer(ws).expires_after(kConnectTimeout);
  if (auto [ec] = co_await beast::get_lowest_layer(ws).async_connect(shared.endpoint, token); ec)
    co_return;
  beast::get_lowest_layer(ws).expires_never();
  ws.set_option(websocket::stream_base::timeout::suggested(beast::role_type::client));
  ws.set_option(websocket::stream_base::decorator([t = d.token](websocket::request_type& req) {
    req.set(http::field::authorization, "Bearer " + t);
  }));
  ws.read_message_max(kEventBytesMax);
  if (auto [ec] =
          co_await ws.async_handshake("127.0.0.1", "/v1/stalls/" + d.stall_id + "/ws", token);
      ec)
    co_return;
  const std::string hello =
      boost::json::serialize(boost::json::object{{"type", "hello"}, {"after", d.cursor}});
  if (auto [ec, n] = co_await ws.async_write(asio::buffer(hello), token); ec) co_return;
  d.connected = true;
  ++d.connects;
  // Acks go out between reads; the stream allows one read and one write in flight, and a
  // queued ack would only measure delivery, so at most one is pending and later ones coalesce.
  std::uint64_t ack_pending = 0;
  bool writing = false;
  beast::flat_buffer buf;
  while (!shared.stopping.load(std::memory_order_relaxed)) {
    auto [ec, n] = co_await ws.async_read(buf, token);
    if (ec) break;
    const std::string_view msg(static_cast<const char*>(buf.data().data()), buf.size());
    record(d, shared, msg, [&](std::uint64_t seq) { ack_pending = std::max(ack_pending, seq); });
    buf.consume(buf.size());
    if (shared.send_acks && ack_pending && !writing) {
      writing = true;
      auto ack = std::make_shared<std::string>(
          boost::json::serialize(boost::json::object{{"type", "ack"}, {"seq", ack_pending}}));
      ack_pending = 0;
      ws.async_write(asio::buffer(*ack),
                     [ack, &writing](beast::error_code, std::size_t) { writing = false; });
    }
  }
  // Wait for an ack write still referencing `ws` before it goes out of scope.
  while (writing) co_await sleep_ms(1);
}

// Feeds SSE bytes; calls on_data for each complete event's data line(s).
class SseParser {
 public:
  template <class F>
  void feed(std::string_view bytes, F&& on_data) {
    pending_.append(bytes);
    for (;;) {
      auto end = pending_.find("\n\n");
      if (end == std::string::npos) break;
      std::string_view block(pending_.data(), end);
      std::string data;
      std::size_t pos = 0;
      while (pos <= block.size()) {
        auto nl = block.find('\n', pos);
        if (nl == std::string_view::npos) nl = block.size();
        auto line = block.substr(pos, nl - pos);
        if (line.substr(0, 5) == "data:") {
          auto v = line.substr(5);
          if (!v.empty() && v.front() == ' ') v.remove_prefix(1);
          if (!data.empty()) data += '\n';
          data += v;
        }
        pos = nl + 1;
      }
      if (!data.empty()) on_data(std::string_view(data));
      pending_.erase(0, end + 2);
    }
    if (pending_.size() > kEventBytesMax) pending_.clear();
  }

 private:
  std::string pending_;
};

template <class OnData>
asio::awaitable<bool> sse_stream(beast::tcp_stream& stream, const std::string& target,
                                 const std::string& token, std::uint64_t after, OnData&& on_data,
                                 std::chrono::milliseconds idle_timeout) {
  auto tok = asio::as_tuple(asio::use_awaitable);
  http::request<http::empty_body> req{http::verb::get, target + "?after=" + std::to_string(after),
                                      11};
  req.set(http::field::host, "127.0.0.1");
  req.set(http::field::accept, "text/event-stream");
  req.set(http::field::authorization, "Bearer " + token);
  if (auto [ec, n] = co_await http::async_write(stream, req, tok); ec) co_return false;
  beast::flat_buffer buf;
  http::response_parser<http::buffer_body> parser;
  parser.body_limit(boost::none);
  if (auto [ec, n] = co_await http::async_read_header(stream, buf, parser, tok); ec)
    co_return false;
  if (parser.get().result_int() != 200) co_return false;
  SseParser sse;
  char chunk[8192];
  while (!parser.is_done()) {
    parser.get().body().data = chunk;
    parser.get().body().size = sizeof chunk;
    if (idle_timeout.count() > 0) stream.expires_after(idle_timeout);
    // read_some returns as soon as some body bytes arrived (a full read would wait for the
    // buffer to fill, delaying events by kilobytes).
    auto [ec, n] = co_await http::async_read_some(stream, buf, parser, tok);
    if (ec == http::error::need_buffer) ec = {};
    const std::size_t got = sizeof chunk - parser.get().body().size;
    if (got) sse.feed(std::string_view(chunk, got), on_data);
    if (ec) break;
  }
  co_return true;
}

asio::awaitable<void> sse_session(DeviceState& d, DeviceShared& shared) {
  auto token = asio::as_tuple(asio::use_awaitable);
  beast::tcp_stream stream(co_await asio::this_coro::executor);
  d.kick = [&stream] {
    beast::error_code ec;
    stream.socket().close(ec);
  };
  KickReset reset{d};
  stream.expires_after(kConnectTimeout);
  if (auto [ec] = co_await stream.async_connect(shared.endpoint, token); ec) co_return;
  stream.expires_never();
  d.connected = true;
  ++d.connects;
  co_await sse_stream(
      stream, "/v1/stalls/" + d.stall_id + "/events", d.token, d.cursor,
      [&](std::string_view data) { record(d, shared, data, [](std::uint64_t) {}); },
      std::chrono::milliseconds(0));
}

}  // namespace

bool parse_event_json(std::string_view json, DeviceEvent& out) {
  boost::system::error_code ec;
  auto v = boost::json::parse(json, ec);
  if (ec || !v.is_object()) return false;
  const auto& o = v.as_object();
  if (auto* t = o.if_contains("type"); t && t->is_string() && t->as_string() != "credit")
    return false;
  const auto* seq = o.if_contains("seq");
  if (!seq) return false;
  if (seq->is_uint64())
    out.seq = seq->as_uint64();
  else if (seq->is_int64() && seq->as_int64() > 0)
    out.seq = std::uint64_t(seq->as_int64());
  else
    return false;
  out.credit_id = id_text(o.if_contains("credit_id"));
  const auto* r = o.if_contains("replayed");
  out.replayed = r && r->is_bool() && r->as_bool();
  return true;
}

asio::awaitable<void> run_device(DeviceState& device, DeviceShared& shared) {
  while (!shared.stopping.load(std::memory_order_relaxed)) {
    if (device.websocket)
      co_await websocket_session(device, shared);
    else
      co_await sse_session(device, shared);
    if (shared.stopping.load(std::memory_order_relaxed)) break;
    co_await sleep_ms(shared.reconnect_after_ms);
  }
}

asio::awaitable<void> drop_device(DeviceState& device, DeviceShared& shared,
                                  std::vector<std::int64_t> drop_at_ms) {
  for (auto t : drop_at_ms) {
    asio::steady_timer timer(co_await asio::this_coro::executor, shared.clock->at_us(t * 1000));
    auto [ec] = co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
    (void)ec;
    if (shared.stopping.load()) co_return;
    if (device.kick) device.kick();
  }
}

namespace {

// The last_seq of a stream's hello frame, or nullopt for any other frame.
std::optional<std::uint64_t> hello_last_seq(std::string_view json) {
  boost::system::error_code ec;
  auto v = boost::json::parse(json, ec);
  if (ec || !v.is_object()) return std::nullopt;
  const auto& o = v.as_object();
  auto* type = o.if_contains("type");
  auto* last = o.if_contains("last_seq");
  if (!type || !type->is_string() || type->as_string() != "hello" || !last) return std::nullopt;
  if (last->is_uint64()) return last->as_uint64();
  if (last->is_int64() && last->as_int64() >= 0) return std::uint64_t(last->as_int64());
  return std::nullopt;
}

// One stall's catch-up read on `io`: true when the stream delivered every event up to the
// last_seq its hello announced. The read ends there, not on a quiet period, so a server still
// busy with a backlog cannot make the read look complete while it is cut short; silence longer
// than `quiet_ms` fails it.
asio::awaitable<bool> read_stall_events(asio::io_context& io, tcp::endpoint endpoint,
                                        const std::string& stall_id, const std::string& token,
                                        std::int64_t quiet_ms, std::vector<DeviceEvent>& events) {
  beast::tcp_stream stream(io);
  stream.expires_after(kConnectTimeout);
  auto [ec] = co_await stream.async_connect(endpoint, asio::as_tuple(asio::use_awaitable));
  if (ec) co_return false;
  std::optional<std::uint64_t> last_seq;
  std::uint64_t max_seq = 0;
  auto complete = [&] { return last_seq && max_seq >= *last_seq; };
  co_await sse_stream(
      stream, "/v1/stalls/" + stall_id + "/events", token, 0,
      [&](std::string_view data) {
        DeviceEvent ev;
        if (parse_event_json(data, ev)) {
          max_seq = std::max(max_seq, ev.seq);
          events.push_back(std::move(ev));
        } else if (auto last = hello_last_seq(data)) {
          last_seq = last;
        }
        if (complete()) {
          beast::error_code ignored;
          stream.socket().close(ignored);  // ends the read loop
        }
      },
      std::chrono::milliseconds(quiet_ms));
  co_return complete();
}

}  // namespace

std::vector<Result<std::vector<DeviceEvent>>> read_all_events(
    tcp::endpoint endpoint, const std::vector<std::pair<std::string, std::string>>& stalls,
    std::int64_t quiet_ms, std::size_t concurrency) {
  asio::io_context io;
  std::vector<std::vector<DeviceEvent>> events(stalls.size());
  std::vector<char> ok(stalls.size(), 0);
  std::size_t next = 0;
  // `concurrency` workers take the next stall until none is left (one thread: no locking).
  for (std::size_t w = 0; w < std::max<std::size_t>(1, concurrency); ++w)
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
          while (next < stalls.size()) {
            const std::size_t i = next++;
            ok[i] = co_await read_stall_events(io, endpoint, stalls[i].first, stalls[i].second,
                                               quiet_ms, events[i]);
          }
        },
        asio::detached);
  io.run();
  std::vector<Result<std::vector<DeviceEvent>>> out;
  out.reserve(stalls.size());
  for (std::size_t i = 0; i < stalls.size(); ++i) {
    if (ok[i]) {
      out.emplace_back(std::move(events[i]));
    } else {
      out.emplace_back(unavailable("could not read the events of stall " + stalls[i].first));
    }
  }
  return out;
}

Result<std::vector<DeviceEvent>> read_all_events(tcp::endpoint endpoint,
                                                 const std::string& stall_id,
                                                 const std::string& token, std::int64_t quiet_ms) {
  return std::move(read_all_events(endpoint, {{stall_id, token}}, quiet_ms, 1).front());
}

}  // namespace cho4::sim
