// The run's figures and the two reports made from them: a plain-text summary for the terminal
// and CI logs, and a self-contained HTML page with inline SVG charts (throughput and p50/p99 over
// time, the latency histogram). RunStats is filled by the runner's single stats owner; the
// report functions are pure.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "simulators/histogram.h"
#include "simulators/verdict.h"

namespace cho4::sim {

struct SecondStats {
  std::uint64_t sent = 0;       // webhook deliveries sent in this second
  std::uint64_t acked = 0;      // deliveries answered 2xx in this second
  std::uint64_t errors = 0;     // 5xx, timeouts, connection failures
  LatencyHistogram webhook_us;  // ack latency from intended send time
  LatencyHistogram device_us;   // bank send → device
};

struct RunStats {
  std::vector<SecondStats> seconds;
  LatencyHistogram webhook_us;
  LatencyHistogram order_us;  // POST /orders round trips
  std::uint64_t payments = 0;
  std::uint64_t deliveries = 0;    // every HTTP webhook attempt
  std::uint64_t retries = 0;       // attempts after a 5xx, timeout or lost ack
  std::uint64_t rejected_401 = 0;  // forged deliveries refused, as they must be
  std::uint64_t forged_accepted = 0;
  std::uint64_t http_errors = 0;
  std::uint64_t gave_up = 0;  // payments never acknowledged after the whole schedule
  std::uint64_t orders_created = 0;
  std::uint64_t pngs_decoded = 0;
  std::uint64_t png_decode_failures = 0;
  std::uint64_t device_reconnects = 0;
  std::uint64_t kills = 0;
  std::uint64_t server_rss_max_kb = 0;
  std::int64_t elapsed_ms = 0;

  SecondStats& at_second(std::int64_t s);
};

struct ReportHeader {
  std::uint64_t seed = 0;
  std::uint64_t fingerprint = 0;
  std::string target;    // server URL
  std::string scenario;  // one line: rate, arrival, duration, faults
  std::uint64_t stalls = 0;
  std::uint64_t devices = 0;
  std::string command_line;
};

std::string text_report(const ReportHeader& header, const RunStats& stats, const Verdict& verdict);
std::string html_report(const ReportHeader& header, const RunStats& stats, const Verdict& verdict);

// One JSON object with the run's headline figures (for bench/run and other scripts): seed,
// passed, discrepancies, payments, achieved rate, webhook and bank send → device percentiles in
// µs, server RSS, kills.
std::string summary_json(const ReportHeader& header, const RunStats& stats, const Verdict& verdict,
                         double target_rate_per_s);

// The live progress line ("12.3 s  4,000/s  err 0  p99 3.1 ms …"), without a newline.
std::string progress_line(const RunStats& stats, std::int64_t now_ms, std::int64_t duration_ms);

}  // namespace cho4::sim
