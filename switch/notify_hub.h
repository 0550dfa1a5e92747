// NotifyHub: fans each committed ledger outbox event out to every device listening to its stall.
//
// The ledger engine calls publish() on its writer thread after each durable batch; publish renders
// each event's JSON once and hands a shared, immutable copy to every subscribed DeviceSink, whose
// push() must not block (sessions post to their own strand and keep a bounded queue; a full queue
// disconnects that device only). Replay of missed events is the session's job: it subscribes
// first, then reads the outbox after its cursor from a ledger snapshot, and skips live events it
// already sent (by seq), so nothing is lost or doubled in between.
//
// Thread-safe: subscribe/unsubscribe from I/O threads, publish from the writer thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/ids.h"
#include "ledger/types.h"

namespace cho4::server {

class Metrics;

// One event as published: the ledger's record plus its JSON (replayed=false) rendered once.
struct HubEvent {
  ledger::OutboxEvent event;
  std::string json;  // event_json_text(event, false)
};

// A connected device (WebSocket or SSE session). push() is called from the writer thread.
class DeviceSink {
 public:
  virtual ~DeviceSink() = default;
  virtual void push(std::shared_ptr<const HubEvent> event) = 0;
  // The token behind the device was revoked: end the stream (from any thread, must not block).
  virtual void disconnect() {}
};

class NotifyHub {
 public:
  explicit NotifyHub(Metrics* metrics = nullptr) : metrics_(metrics) {}
  NotifyHub(const NotifyHub&) = delete;
  NotifyHub& operator=(const NotifyHub&) = delete;

  // Adds a device to a stall's fan-out. Fails (false) when the stall already has
  // kDevicesPerStallMax devices. `token_hash` names the token the device authenticated with.
  bool subscribe(StallId stall, const std::shared_ptr<DeviceSink>& sink,
                 std::string token_hash = {});
  void unsubscribe(StallId stall, const DeviceSink* sink);
  // Disconnects the stall's devices that authenticated with `token_hash`; returns how many.
  std::size_t disconnect_token(StallId stall, std::string_view token_hash);

  // From the engine's on-commit hook.
  void publish(std::span<const ledger::OutboxEvent> events);

  std::size_t devices(StallId stall) const;
  std::uint64_t published() const { return published_.load(); }
  std::uint64_t dropped_by_fault() const { return dropped_by_fault_.load(); }

 private:
  Metrics* metrics_;
  mutable std::mutex mu_;
  struct Subscriber {
    std::weak_ptr<DeviceSink> sink;
    // Identity for unsubscribe(), compared without promoting `sink`: a strong reference taken
    // under mu_ may turn out to be the last one, and the device's destructor unsubscribes.
    const DeviceSink* address = nullptr;
    std::string token_hash;
  };
  std::unordered_map<StallId, std::vector<Subscriber>> by_stall_;
  std::atomic<std::uint64_t> published_{0};
  std::atomic<std::uint64_t> dropped_by_fault_{0};
};

}  // namespace cho4::server
