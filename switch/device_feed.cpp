#include "switch/device_feed.h"

#include <boost/json.hpp>

#include "ledger/engine.h"
#include "switch/event_text.h"
#include "switch/limits.h"

namespace cho4::server {

Status DeviceFeed::start(std::optional<std::uint64_t> after, std::vector<Frame>& out) {
  std::uint64_t cursor = after.value_or(0);
  auto page = engine_.outbox_after(stall_, after ? cursor : ~std::uint64_t{0} - 1,
                                   after ? page_events_ : 0);
  if (!page.ok()) return page.error();
  if (!after) cursor = page->last_seq;
  if (cursor > page->last_seq) cursor = page->last_seq;  // a cursor from the future: resync

  boost::json::object hello;
  hello["type"] = "hello";
  hello["stall_id"] = stall_.value;
  hello["last_seq"] = page->last_seq;
  hello["after"] = cursor;
  out.push_back(Frame{Frame::Kind::hello, 0, boost::json::serialize(hello), 0, false});
  last_sent_ = cursor;
  missed_through_ = page->last_seq;
  started_ = true;
  if (after) append_replay(*page, out);
  if (replaying_) {
    pending_.clear();  // the store holds them: the replay's later pages read them
    return {};
  }
  while (!pending_.empty()) {
    auto e = std::move(pending_.front());
    pending_.pop_front();
    if (e->event.seq > last_sent_) emit_live(*e, out);
  }
  return {};
}

Status DeviceFeed::next_page(std::vector<Frame>& out) {
  if (!replaying_) return {};
  auto page = engine_.outbox_after(stall_, last_sent_, page_events_);
  if (!page.ok()) return page.error();
  append_replay(*page, out);
  return {};
}

void DeviceFeed::append_replay(const ledger::OutboxPage& page, std::vector<Frame>& out) {
  // Older than the retained history: at start, or because retention trimmed the events between
  // two pages of a slow catch-up.
  if (page.oldest_retained_seq > last_sent_ + 1) {
    boost::json::object t;
    t["type"] = "history_truncated";
    t["oldest_seq"] = page.oldest_retained_seq;
    out.push_back(Frame{Frame::Kind::history_truncated, 0, boost::json::serialize(t), 0, false});
  }
  for (const auto& e : page.events) {
    if (e.seq <= last_sent_) continue;
    const bool missed = e.seq <= missed_through_;
    out.push_back(
        Frame{Frame::Kind::credit, e.seq, event_json_text(e, missed), e.received_at_ms, missed});
    last_sent_ = e.seq;
  }
  // A short page is the last one, whatever it ends on: seqs are gap-free, so it can only stop
  // short of last_seq if history was trimmed under it, and then a live event's gap repair reads
  // what follows.
  replaying_ = last_sent_ < page.last_seq && page.events.size() >= page_events_;
}

DeviceFeed::Live DeviceFeed::on_live(const std::shared_ptr<const HubEvent>& event,
                                     std::vector<Frame>& out) {
  if (!started_) {
    if (pending_.size() >= pending_max_) return Live::overflow;
    pending_.push_back(event);
    return Live::held;
  }
  if (event->event.seq <= last_sent_ || replaying_) return Live::skipped;
  emit_live(*event, out);
  return Live::sent;
}

void DeviceFeed::emit_live(const HubEvent& e, std::vector<Frame>& out) {
  // A gap (an event the hub did not pass on) is filled from the store, so devices never miss one.
  // The fault-injection build must really lose events, so it skips the repair.
#ifndef CHO4_FAULT_DROP_EVENTS
  if (e.event.seq > last_sent_ + 1) {
    auto page = engine_.outbox_after(stall_, last_sent_, e.event.seq - last_sent_ - 1);
    if (page.ok()) {
      for (const auto& g : page->events) {
        if (g.seq <= last_sent_ || g.seq >= e.event.seq) continue;
        out.push_back(Frame{Frame::Kind::credit, g.seq, event_json_text(g, false), g.received_at_ms,
                            false, /*live=*/true});
        last_sent_ = g.seq;
      }
    }
  }
#endif
  out.push_back(Frame{Frame::Kind::credit, e.event.seq, e.json, e.event.received_at_ms, false,
                      /*live=*/true});
  last_sent_ = e.event.seq;
}

}  // namespace cho4::server
