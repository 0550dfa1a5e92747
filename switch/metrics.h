// Metrics: the server's counters, gauges and histograms, rendered in the Prometheus text format
// at /metrics. Thread-safe: counters are atomics or guarded by one mutex per family; recording is
// cheap enough for the request path and the ledger's on-commit hook.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace cho4::server {

// A cumulative histogram with fixed upper bounds (Prometheus `le` buckets).
class Histogram {
 public:
  explicit Histogram(std::vector<double> bounds);
  void observe(double value);
  // Appends "name_bucket{le=…} n" lines, _sum and _count, with `labels` ("" or `a="b"`).
  void render(std::string& out, std::string_view name, std::string_view labels = {}) const;
  std::uint64_t count() const;

 private:
  std::vector<double> bounds_;
  mutable std::mutex mu_;
  std::vector<std::uint64_t> counts_;  // one per bound, plus +Inf
  double sum_ = 0;
  std::uint64_t count_ = 0;
};

// A counter family keyed by a label string (already formatted: `route="/x",status="200"`).
class LabeledCounter {
 public:
  void add(std::string_view labels, std::uint64_t n = 1);
  std::uint64_t get(std::string_view labels) const;
  void render(std::string& out, std::string_view name) const;

 private:
  mutable std::mutex mu_;
  std::map<std::string, std::uint64_t, std::less<>> values_;  // found by view: no copy per add
};

class Metrics {
 public:
  Metrics();

  // Request accounting, by route pattern ("unmatched" when no route) and status.
  void record_request(std::string_view route, int status);
  // Webhook outcomes by adapter instance: "accepted", "duplicate", "unauthenticated",
  // "dead_letter", "overloaded", "store_unavailable", "bad_request" and the ledger outcomes.
  void record_webhook(std::string_view instance, std::string_view outcome);

  Histogram& batch_size() { return batch_size_; }
  // Ledger submit → durable completion: queue wait + group commit (WriteBatch, fsync).
  Histogram& commit_latency_seconds() { return commit_latency_; }
  Histogram& notify_latency_seconds() { return notify_latency_; }
  Histogram& webhook_latency_seconds() { return webhook_latency_; }

  std::atomic<std::int64_t> connections{0};
  std::atomic<std::int64_t> devices_connected{0};
  std::atomic<std::uint64_t> devices_dropped_slow{0};
  std::atomic<std::uint64_t> events_published{0};
  std::atomic<std::uint64_t> events_delivered{0};
  std::atomic<std::uint64_t> dead_letters{0};
  std::atomic<std::uint64_t> connections_refused{0};
  std::atomic<std::uint64_t> request_timeouts{0};
  std::atomic<std::uint64_t> device_acks{0};

  // Gauges sampled from elsewhere at render time.
  struct Sampled {
    std::int64_t queue_depth = 0;
    std::int64_t queue_capacity = 0;
    bool store_healthy = true;
  };
  std::string render(const Sampled& sampled) const;

  std::uint64_t requests(std::string_view route, int status) const;
  std::uint64_t webhooks(std::string_view instance, std::string_view outcome) const;

 private:
  LabeledCounter requests_;
  LabeledCounter webhooks_;
  Histogram batch_size_;
  Histogram commit_latency_;
  Histogram notify_latency_;
  Histogram webhook_latency_;
};

// Escapes a Prometheus label value (backslash, quote, newline).
std::string prom_escape(std::string_view v);

}  // namespace cho4::server
