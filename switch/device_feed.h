// DeviceFeed: what one connected device is sent, in order, without gaps or repeats. It owns the
// device's cursor: start() replays the stall's outbox after the client's cursor from a ledger
// snapshot (marked replayed, preceded by history_truncated when the cursor is older than the
// retained history), and on_live() passes on live events from the hub that come after what was
// already sent (live events that arrive before start() are held, boundedly, until then).
//
// Socket-free so the replay rules are unit-tested. Not thread-safe: used on one session's strand.
#pragma once

#include <cstdint>
#include <deque>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/ids.h"
#include "core/status.h"
#include "switch/notify_hub.h"

namespace cho4::ledger {
class Engine;
}

namespace cho4::server {

// Drops a device session's queued frames except the one being written (the front, while
// `writing`): its buffer must outlive the write, whose successful completion may already be
// queued behind the events that overflowed the queue.
template <class Queue>
void discard_unwritten(Queue& queue, bool writing) {
  if (writing && !queue.empty())
    queue.erase(std::next(queue.begin()), queue.end());
  else
    queue.clear();
}

struct Frame {
  enum class Kind { hello, credit, history_truncated } kind = Kind::credit;
  std::uint64_t seq = 0;            // 0 for hello / history_truncated
  std::string json;                 // the message (WebSocket text) or SSE `data:`
  std::int64_t received_at_ms = 0;  // for credit frames: when the webhook arrived (latency metric)
  bool replayed = false;
};

class DeviceFeed {
 public:
  DeviceFeed(const ledger::Engine& engine, StallId stall, std::size_t pending_max)
      : engine_(engine), stall_(stall), pending_max_(pending_max) {}

  // Starts the feed: `after` is the client's cursor (nullopt: live only, from the stall's newest
  // event). Appends a hello frame, maybe history_truncated, then the replayed events and any live
  // events held so far. Fails when the store cannot be read.
  Status start(std::optional<std::uint64_t> after, std::vector<Frame>& out);

  enum class Live { sent, skipped, held, overflow };
  // A live event from the hub. `sent`: appended to out. `held`: not started yet. `overflow`: too
  // many held (the device is too slow to even say hello) — disconnect it.
  Live on_live(const std::shared_ptr<const HubEvent>& event, std::vector<Frame>& out);

  bool started() const { return started_; }
  std::uint64_t last_sent() const { return last_sent_; }
  StallId stall() const { return stall_; }

 private:
  void emit_live(const HubEvent& e, std::vector<Frame>& out);

  const ledger::Engine& engine_;
  StallId stall_;
  std::size_t pending_max_;
  bool started_ = false;
  std::uint64_t last_sent_ = 0;
  std::deque<std::shared_ptr<const HubEvent>> pending_;
};

}  // namespace cho4::server
