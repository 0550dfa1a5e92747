#include "switch/notify_hub.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "switch/limits.h"
#include "switch/metrics.h"
#include "test_support.h"

namespace cho4::server {
namespace {

using testing::RecordingSink;

ledger::OutboxEvent ev(std::uint64_t stall, std::uint64_t seq) {
  ledger::OutboxEvent e;
  e.stall = StallId{stall};
  e.seq = seq;
  e.amount = Money::vnd(1000 * static_cast<std::int64_t>(seq));
  e.outcome = ledger::Outcome::static_qr;
  return e;
}

TEST(NotifyHub, EveryDeviceOfTheStallGetsEveryEventAndNoOtherStalls) {
  Metrics m;
  NotifyHub hub(&m);
  auto a1 = std::make_shared<RecordingSink>();
  auto a2 = std::make_shared<RecordingSink>();
  auto b = std::make_shared<RecordingSink>();
  ASSERT_TRUE(hub.subscribe(StallId{1}, a1));
  ASSERT_TRUE(hub.subscribe(StallId{1}, a2));
  ASSERT_TRUE(hub.subscribe(StallId{2}, b));
  std::vector<ledger::OutboxEvent> batch = {ev(1, 1), ev(2, 1), ev(1, 2)};
  hub.publish(batch);
#ifndef CHO4_FAULT_DROP_EVENTS
  EXPECT_EQ(a1->size(), 2u);
  EXPECT_EQ(a2->size(), 2u);
  EXPECT_EQ(b->size(), 1u);
  EXPECT_EQ(a1->events[1]->event.seq, 2u);
  // The JSON is rendered once and shared by every device.
  EXPECT_EQ(a1->events[0].get(), a2->events[0].get());
#endif
  EXPECT_EQ(m.events_published.load(), 3u);
  hub.unsubscribe(StallId{1}, a1.get());
  hub.publish(std::vector<ledger::OutboxEvent>{ev(1, 3)});
  EXPECT_EQ(a1->size(), 2u);
  EXPECT_EQ(hub.devices(StallId{1}), 1u);
}

TEST(NotifyHub, ForgetsDevicesThatWentAwayAndCapsDevicesPerStall) {
  NotifyHub hub;
  {
    auto gone = std::make_shared<RecordingSink>();
    ASSERT_TRUE(hub.subscribe(StallId{1}, gone));
  }
  hub.publish(std::vector<ledger::OutboxEvent>{ev(1, 1)});  // must not crash on the dead sink
  std::vector<std::shared_ptr<RecordingSink>> sinks;
  for (std::size_t i = 0; i < kDevicesPerStallMax; ++i) {
    sinks.push_back(std::make_shared<RecordingSink>());
    ASSERT_TRUE(hub.subscribe(StallId{1}, sinks.back()));
  }
  EXPECT_FALSE(hub.subscribe(StallId{1}, std::make_shared<RecordingSink>()));
}

// A sink that counts disconnect() calls (the revoked-token path).
class DisconnectCountingSink final : public DeviceSink {
 public:
  void push(std::shared_ptr<const HubEvent>) override {}
  void disconnect() override { ++disconnects; }
  int disconnects = 0;
};

TEST(NotifyHub, DisconnectsOnlyTheDevicesOfTheRevokedToken) {
  NotifyHub hub;
  auto revoked_a = std::make_shared<DisconnectCountingSink>();
  auto revoked_b = std::make_shared<DisconnectCountingSink>();
  auto kept = std::make_shared<DisconnectCountingSink>();
  auto other_stall = std::make_shared<DisconnectCountingSink>();
  ASSERT_TRUE(hub.subscribe(StallId{1}, revoked_a, "hash-1"));
  ASSERT_TRUE(hub.subscribe(StallId{1}, revoked_b, "hash-1"));
  ASSERT_TRUE(hub.subscribe(StallId{1}, kept, "hash-2"));
  ASSERT_TRUE(hub.subscribe(StallId{2}, other_stall, "hash-1"));
  EXPECT_EQ(hub.disconnect_token(StallId{1}, "hash-1"), 2u);
  EXPECT_EQ(revoked_a->disconnects, 1);
  EXPECT_EQ(revoked_b->disconnects, 1);
  EXPECT_EQ(kept->disconnects, 0);
  EXPECT_EQ(other_stall->disconnects, 0);
  EXPECT_EQ(hub.disconnect_token(StallId{1}, ""), 0u);  // an empty hash names no token
  EXPECT_EQ(hub.disconnect_token(StallId{3}, "hash-1"), 0u);
}

// A sink that leaves the hub in its destructor, as the WebSocket and SSE sessions do.
class SelfUnsubscribingSink final : public DeviceSink {
 public:
  SelfUnsubscribingSink(NotifyHub& hub, StallId stall) : hub_(hub), stall_(stall) {}
  ~SelfUnsubscribingSink() override { hub_.unsubscribe(stall_, this); }
  void push(std::shared_ptr<const HubEvent>) override {}

 private:
  NotifyHub& hub_;
  StallId stall_;
};

// Regression: unsubscribe() looked at each device of the stall through a strong reference taken
// under the hub's lock. When another thread let go of that device at the same moment, the last
// reference died inside the lock, the device's destructor called unsubscribe() again on the same
// thread, and the server hung for good (4 devices of one stall cut off together as slow).
TEST(NotifyHub, DevicesLeavingTogetherOnTwoThreadsDoNotDeadlock) {
  // Leaked on purpose if the threads hang, so a regression fails this test instead of the run.
  auto* hub = new NotifyHub;
  constexpr int kThreads = 4;
  constexpr int kRounds = 20'000;
  std::atomic<int> finished{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([hub, &finished] {
      for (int i = 0; i < kRounds; ++i) {
        auto sink = std::make_shared<SelfUnsubscribingSink>(*hub, StallId{1});
        hub->subscribe(StallId{1}, sink);
        hub->publish(std::vector<ledger::OutboxEvent>{ev(1, 1)});
      }  // the last reference goes here, while the other threads walk the stall's devices
      finished.fetch_add(1);
    });
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (finished.load() < kThreads && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  if (finished.load() < kThreads) {
    for (auto& t : threads) t.detach();
    FAIL() << "threads still inside the hub after 60 s: a device's destructor re-entered its lock";
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(hub->devices(StallId{1}), 0u);
  delete hub;
}

#ifdef CHO4_FAULT_DROP_EVENTS
TEST(NotifyHub, FaultBuildDropsOneInAHundred) {
  NotifyHub hub;
  auto s = std::make_shared<RecordingSink>();
  ASSERT_TRUE(hub.subscribe(StallId{1}, s));
  std::vector<ledger::OutboxEvent> batch;
  for (std::uint64_t i = 1; i <= 200; ++i) batch.push_back(ev(1, i));
  hub.publish(batch);
  EXPECT_EQ(s->size(), 198u);
  EXPECT_EQ(hub.dropped_by_fault(), 2u);
}
#endif

}  // namespace
}  // namespace cho4::server
