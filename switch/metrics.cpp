#include "switch/metrics.h"

#include <charconv>
#include <cstdio>

namespace cho4::server {

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)), counts_(bounds_.size() + 1, 0) {}

void Histogram::observe(double value) {
  std::lock_guard lock(mu_);
  std::size_t i = 0;
  while (i < bounds_.size() && value > bounds_[i]) ++i;
  ++counts_[i];
  sum_ += value;
  ++count_;
}

std::uint64_t Histogram::count() const {
  std::lock_guard lock(mu_);
  return count_;
}

namespace {
std::string fmt_double(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}
std::string with_le(std::string_view labels, std::string_view le) {
  std::string s = "{";
  if (!labels.empty()) {
    s += labels;
    s += ',';
  }
  s += "le=\"";
  s += le;
  s += "\"}";
  return s;
}
}  // namespace

void Histogram::render(std::string& out, std::string_view name, std::string_view labels) const {
  std::lock_guard lock(mu_);
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i <= bounds_.size(); ++i) {
    cumulative += counts_[i];
    out += name;
    out += "_bucket";
    out += with_le(labels, i < bounds_.size() ? fmt_double(bounds_[i]) : "+Inf");
    out += ' ' + std::to_string(cumulative) + '\n';
  }
  std::string lb = labels.empty() ? "" : "{" + std::string(labels) + "}";
  out += std::string(name) + "_sum" + lb + ' ' + fmt_double(sum_) + '\n';
  out += std::string(name) + "_count" + lb + ' ' + std::to_string(count_) + '\n';
}

void LabeledCounter::add(std::string_view labels, std::uint64_t n) {
  std::lock_guard lock(mu_);
  if (auto it = values_.find(labels); it != values_.end()) {
    it->second += n;
  } else {
    values_.emplace(std::string(labels), n);
  }
}

std::uint64_t LabeledCounter::get(std::string_view labels) const {
  std::lock_guard lock(mu_);
  auto it = values_.find(labels);
  return it == values_.end() ? 0 : it->second;
}

void LabeledCounter::render(std::string& out, std::string_view name) const {
  std::lock_guard lock(mu_);
  for (const auto& [labels, v] : values_)
    out += std::string(name) + '{' + labels + "} " + std::to_string(v) + '\n';
}

namespace {
void append_escaped(std::string& out, std::string_view v) {
  for (char c : v) {
    if (c == '\\' || c == '"') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
}

// `k1="v1",k2="v2"` in a per-thread buffer, valid until the thread's next call: every request
// records two counters, and building each label set as a fresh string cost several allocations
// per request.
std::string_view two_labels(std::string_view k1, std::string_view v1, std::string_view k2,
                            std::string_view v2) {
  thread_local std::string buf;
  buf.assign(k1);
  buf += "=\"";
  append_escaped(buf, v1);
  buf += "\",";
  buf += k2;
  buf += "=\"";
  append_escaped(buf, v2);
  buf += '"';
  return buf;
}

std::string_view request_labels(std::string_view route, int status) {
  char digits[16];
  const auto end = std::to_chars(digits, digits + sizeof digits, status).ptr;
  return two_labels("route", route, "status", std::string_view(digits, end - digits));
}

std::string_view webhook_labels(std::string_view instance, std::string_view outcome) {
  return two_labels("instance", instance, "outcome", outcome);
}
}  // namespace

std::string prom_escape(std::string_view v) {
  std::string out;
  append_escaped(out, v);
  return out;
}

Metrics::Metrics()
    : batch_size_({1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000}),
      commit_latency_(
          {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1}),
      notify_latency_({0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5}),
      webhook_latency_({0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5}) {}

void Metrics::record_request(std::string_view route, int status) {
  requests_.add(request_labels(route, status));
}

void Metrics::record_webhook(std::string_view instance, std::string_view outcome) {
  webhooks_.add(webhook_labels(instance, outcome));
}

std::uint64_t Metrics::requests(std::string_view route, int status) const {
  return requests_.get(request_labels(route, status));
}

std::uint64_t Metrics::webhooks(std::string_view instance, std::string_view outcome) const {
  return webhooks_.get(webhook_labels(instance, outcome));
}

std::string Metrics::render(const Sampled& s) const {
  std::string out;
  out.reserve(8192);
  auto gauge = [&](std::string_view name, std::string_view help, auto v) {
    out += "# HELP " + std::string(name) + ' ' + std::string(help) + '\n';
    out += "# TYPE " + std::string(name) + " gauge\n";
    out += std::string(name) + ' ' + std::to_string(v) + '\n';
  };
  auto counter = [&](std::string_view name, std::string_view help, auto v) {
    out += "# HELP " + std::string(name) + ' ' + std::string(help) + '\n';
    out += "# TYPE " + std::string(name) + " counter\n";
    out += std::string(name) + ' ' + std::to_string(v) + '\n';
  };
  out += "# HELP cho4_http_requests_total HTTP requests by route pattern and status.\n";
  out += "# TYPE cho4_http_requests_total counter\n";
  requests_.render(out, "cho4_http_requests_total");
  out += "# HELP cho4_webhooks_total Webhook deliveries by adapter instance and outcome.\n";
  out += "# TYPE cho4_webhooks_total counter\n";
  webhooks_.render(out, "cho4_webhooks_total");
  gauge("cho4_engine_queue_depth", "Commands waiting for the ledger writer.", s.queue_depth);
  gauge("cho4_engine_queue_capacity", "Capacity of the ledger writer's queue.", s.queue_capacity);
  gauge("cho4_store_healthy", "1 when the ledger store accepts writes.", s.store_healthy ? 1 : 0);
  out +=
      "# HELP cho4_batch_size Stall events per committed ledger batch (batches that made "
      "events).\n# TYPE cho4_batch_size "
      "histogram\n";
  batch_size_.render(out, "cho4_batch_size");
  out +=
      "# HELP cho4_commit_latency_seconds Ledger submit to durable completion (queue wait, group "
      "commit, WriteBatch fsync).\n# TYPE cho4_commit_latency_seconds histogram\n";
  commit_latency_.render(out, "cho4_commit_latency_seconds");
  out +=
      "# HELP cho4_notify_latency_seconds Webhook received to event written to a device.\n# TYPE "
      "cho4_notify_latency_seconds histogram\n";
  notify_latency_.render(out, "cho4_notify_latency_seconds");
  out +=
      "# HELP cho4_webhook_latency_seconds Webhook received to durable acknowledgement.\n# TYPE "
      "cho4_webhook_latency_seconds histogram\n";
  webhook_latency_.render(out, "cho4_webhook_latency_seconds");
  gauge("cho4_connections", "Open client connections.", connections.load());
  gauge("cho4_devices_connected", "Devices listening on WebSocket or SSE.",
        devices_connected.load());
  counter("cho4_devices_dropped_slow_total", "Devices disconnected because their queue filled.",
          devices_dropped_slow.load());
  counter("cho4_events_published_total", "Stall events received from the ledger.",
          events_published.load());
  counter("cho4_events_delivered_total", "Events written to devices.", events_delivered.load());
  counter("cho4_device_acks_total", "Acks received from WebSocket devices.", device_acks.load());
  counter("cho4_dead_letters_total", "Authenticated webhooks that could not be parsed.",
          dead_letters.load());
  counter("cho4_connections_refused_total", "Connections refused over the connection limit.",
          connections_refused.load());
  counter("cho4_request_timeouts_total", "Connections cut off for a slow request.",
          request_timeouts.load());
  return out;
}

}  // namespace cho4::server
