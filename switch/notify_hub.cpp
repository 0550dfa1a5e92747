#include "switch/notify_hub.h"

#include <algorithm>

#include "switch/event_text.h"
#include "switch/limits.h"
#include "switch/metrics.h"

namespace cho4::server {

bool NotifyHub::subscribe(StallId stall, const std::shared_ptr<DeviceSink>& sink,
                          std::string token_hash) {
  std::lock_guard lock(mu_);
  auto& list = by_stall_[stall];
  std::erase_if(list, [](const auto& e) { return e.sink.expired(); });
  if (list.size() >= kDevicesPerStallMax) return false;
  list.push_back(Subscriber{sink, sink.get(), std::move(token_hash)});
  return true;
}

void NotifyHub::unsubscribe(StallId stall, const DeviceSink* sink) {
  std::lock_guard lock(mu_);
  auto it = by_stall_.find(stall);
  if (it == by_stall_.end()) return;
  // Never lock() here: see Subscriber::address.
  std::erase_if(it->second, [&](const auto& e) { return e.address == sink || e.sink.expired(); });
  if (it->second.empty()) by_stall_.erase(it);
}

std::size_t NotifyHub::disconnect_token(StallId stall, std::string_view token_hash) {
  if (token_hash.empty()) return 0;
  std::vector<std::shared_ptr<DeviceSink>> targets;
  {
    std::lock_guard lock(mu_);
    auto it = by_stall_.find(stall);
    if (it == by_stall_.end()) return 0;
    for (const auto& e : it->second)
      if (e.token_hash == token_hash)
        if (auto p = e.sink.lock()) targets.push_back(std::move(p));
  }
  // Outside the lock: a sink's disconnect may end up unsubscribing.
  for (auto& t : targets) t->disconnect();
  return targets.size();
}

std::size_t NotifyHub::devices(StallId stall) const {
  std::lock_guard lock(mu_);
  auto it = by_stall_.find(stall);
  return it == by_stall_.end() ? 0 : it->second.size();
}

void NotifyHub::publish(std::span<const ledger::OutboxEvent> events) {
  std::vector<std::shared_ptr<DeviceSink>> targets;
  for (const auto& e : events) {
    std::uint64_t n = published_.fetch_add(1);
    if (metrics_) metrics_->events_published.fetch_add(1);
#ifdef CHO4_FAULT_DROP_EVENTS
    // Test-only build: lose one live event in a hundred so the simulator's verdict can fail.
    if (n % 100 == 99) {
      dropped_by_fault_.fetch_add(1);
      continue;
    }
#else
    (void)n;
#endif
    targets.clear();
    {
      std::lock_guard lock(mu_);
      auto it = by_stall_.find(e.stall);
      if (it == by_stall_.end()) continue;
      for (const auto& device : it->second)
        if (auto p = device.sink.lock()) targets.push_back(std::move(p));
    }
    // Most stalls have no device connected at a given moment: the text is built only for those
    // that do (a device that connects later reads the event from the outbox).
    if (targets.empty()) continue;
    auto shared = std::make_shared<HubEvent>(HubEvent{e, event_json_text(e, false)});
    for (auto& t : targets) t->push(shared);
  }
}

}  // namespace cho4::server
