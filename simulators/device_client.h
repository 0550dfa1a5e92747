// Device clients: a stall's phone or speaker listening for payments over WebSocket
// (/v1/stalls/{id}/ws, hello with its cursor, acks) or Server-Sent Events
// (/v1/stalls/{id}/events?after=cursor). Each keeps the cursor (highest seq it holds), logs every
// event as received (duplicates and replays included: the verdict dedupes by seq), and reconnects
// with its cursor after a scheduled drop or when the server goes away. It never heals a gap by
// itself: a live event the server fails to deliver must show up in the verdict.
// All devices run as coroutines on one io_context thread; DeviceState is owned by that thread
// until the io_context stops.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "core/status.h"
#include "simulators/verdict.h"

namespace cho4::sim {

// Microseconds since the run began, on the steady clock; shared by senders and devices so that
// bank-send → device latencies subtract readings of one clock.
class RunClock {
 public:
  RunClock() { restart(); }
  // Moves time zero to `zero_in` from now (the scenario's start; until then now_us() is
  // negative). Safe while other threads read the clock.
  void restart(std::chrono::microseconds zero_in = {}) {
    start_ns_.store((std::chrono::steady_clock::now() + zero_in).time_since_epoch().count(),
                    std::memory_order_release);
  }
  std::int64_t now_us() const {
    return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() -
                                                                 start())
        .count();
  }
  std::chrono::steady_clock::time_point at_us(std::int64_t us) const {
    return start() + std::chrono::microseconds(us);
  }

 private:
  std::chrono::steady_clock::time_point start() const {
    return std::chrono::steady_clock::time_point(
        std::chrono::steady_clock::duration(start_ns_.load(std::memory_order_acquire)));
  }
  std::atomic<std::chrono::steady_clock::rep> start_ns_{0};
};

struct DeviceState {
  std::string stall_id;
  std::string token;
  bool websocket = true;
  std::uint64_t cursor = 0;
  DeviceLog log;
  std::uint64_t connects = 0;
  bool connected = false;
  // Closes the current connection (a scheduled drop, or the end of the run).
  std::function<void()> kick;
};

struct DeviceShared {
  boost::asio::ip::tcp::endpoint endpoint;
  const RunClock* clock = nullptr;
  std::atomic<bool> stopping{false};
  std::int64_t reconnect_after_ms = 300;
  bool send_acks = true;
  std::atomic<std::uint64_t> events{0};  // every event any device received (progress line)
};

// Runs one device until shared.stopping: connect, receive, reconnect.
boost::asio::awaitable<void> run_device(DeviceState& device, DeviceShared& shared);

// Drops the device's connection at each of these times (run clock, ms).
boost::asio::awaitable<void> drop_device(DeviceState& device, DeviceShared& shared,
                                         std::vector<std::int64_t> drop_at_ms);

// Parses one event's JSON (WebSocket message or SSE data) into a DeviceEvent; false for
// non-credit messages (hello, history_truncated, pings).
bool parse_event_json(std::string_view json, DeviceEvent& out);

// Reads every event of a stall from cursor 0 over SSE up to the last sequence the stream's hello
// announces (the verdict's catch-up read of the server's truth); fails when the stream falls
// silent for quiet_ms before that. Blocking; its own io_context.
Result<std::vector<DeviceEvent>> read_all_events(boost::asio::ip::tcp::endpoint endpoint,
                                                 const std::string& stall_id,
                                                 const std::string& token, std::int64_t quiet_ms);

// The same for many stalls, `concurrency` streams at a time on one io_context, so 1,000 stalls
// take seconds.
// Results are in the order of `stalls` (stall id, device token).
std::vector<Result<std::vector<DeviceEvent>>> read_all_events(
    boost::asio::ip::tcp::endpoint endpoint,
    const std::vector<std::pair<std::string, std::string>>& stalls, std::int64_t quiet_ms,
    std::size_t concurrency);

}  // namespace cho4::sim
