// DeviceFeed: what one connected device is sent, in order, without gaps or repeats. It owns the
// device's cursor: start() and next_page() replay the stall's outbox after the client's cursor
// from the store, a page at a time (marked replayed, preceded by history_truncated when the
// cursor is older than the retained history), and on_live() passes on live events from the hub
// that come after what was already sent (live events that arrive before start() are held,
// boundedly, until then; those that arrive during the replay are read by its later pages).
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
#include "switch/limits.h"
#include "switch/notify_hub.h"

namespace cho4::ledger {
class Engine;
struct OutboxPage;
}  // namespace cho4::ledger

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
  bool replayed = false;            // missed while the device was away (the event's flag)
  // Passed on from the hub by on_live(), as opposed to read by the replay. Only these count
  // toward a session's slow-device cut: a replay is paced by the session, a page at a time.
  bool live = false;
};

class DeviceFeed {
 public:
  DeviceFeed(const ledger::Engine& engine, StallId stall, std::size_t pending_max,
             std::size_t replay_page_events = kReplayPageEvents)
      : engine_(engine),
        stall_(stall),
        pending_max_(pending_max),
        page_events_(replay_page_events) {}

  // Starts the feed: `after` is the client's cursor (nullopt: live only, from the stall's newest
  // event). Appends a hello frame, maybe history_truncated, then the first page of missed events;
  // when that page ends the replay, also any live events held so far. Fails when the store cannot
  // be read.
  Status start(std::optional<std::uint64_t> after, std::vector<Frame>& out);

  // While replaying(): appends the next page of missed events. A session calls it once it has
  // written the last page. The page that reaches the stall's newest event ends the replay; live
  // events flow after it. Events newer than the stall's newest at start() arrived during the
  // catch-up: they go out unmarked, as they would have live. Fails when the store cannot be read.
  Status next_page(std::vector<Frame>& out);
  bool replaying() const { return replaying_; }

  enum class Live { sent, skipped, held, overflow };
  // A live event from the hub. `sent`: appended to out. `skipped`: already sent, or the replay
  // will read it (the hub publishes only what the store already holds). `held`: not started yet.
  // `overflow`: too many held (the device is too slow to even say hello) — disconnect it.
  Live on_live(const std::shared_ptr<const HubEvent>& event, std::vector<Frame>& out);

  bool started() const { return started_; }
  std::uint64_t last_sent() const { return last_sent_; }
  StallId stall() const { return stall_; }

 private:
  void emit_live(const HubEvent& e, std::vector<Frame>& out);
  // Appends a page's events after last_sent_; ends the replay when the page reaches the newest.
  void append_replay(const ledger::OutboxPage& page, std::vector<Frame>& out);

  const ledger::Engine& engine_;
  StallId stall_;
  std::size_t pending_max_;
  std::size_t page_events_;
  bool started_ = false;
  bool replaying_ = false;
  std::uint64_t last_sent_ = 0;
  // The stall's newest seq at start(): the events up to it were missed while away.
  std::uint64_t missed_through_ = 0;
  std::deque<std::shared_ptr<const HubEvent>> pending_;
};

}  // namespace cho4::server
