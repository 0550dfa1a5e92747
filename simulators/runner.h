// The simulator's run: start (or attach to) a server, create the world over the API, connect
// every device, drive the scenario open-loop with its faults (and --kill-every restarts), then
// read everything back and judge it. run_simulation owns every thread it starts and joins them
// before returning.
#pragma once

#include <cstdint>
#include <string>

#include "core/status.h"
#include "simulators/model.h"
#include "simulators/report.h"
#include "simulators/scenario.h"
#include "simulators/verdict.h"

namespace cho4::sim {

struct RunOptions {
  std::uint64_t seed = 1;
  WorldConfig world;
  ScenarioConfig scenario;
  // Managed server: the `cho4` binary and a data folder (fresh or from an earlier run).
  std::string server_bin;
  std::string data_dir;
  int server_threads = 0;  // --threads for the server; 0: its default
  // Attached server: its URL and an admin token.
  std::string url;
  std::string admin_token;
  std::int64_t kill_every_ms = 0;
  // SePay's retry schedule (0,1,1,2,3,5,8,13 minutes) with one minute compressed to this.
  std::int64_t retry_minute_ms = 250;
  std::int64_t request_timeout_ms = 5000;
  std::size_t connections_max = 256;
  std::int64_t settle_ms = 10'000;  // most time to wait for devices to catch up at the end
  bool ledger_check = true;
  bool progress = false;  // live line on stderr
  std::string report_text_path;
  std::string report_html_path;
  std::string summary_json_path;
  std::string command_line;
};

struct RunResult {
  ReportHeader header;
  RunStats stats;
  Verdict verdict;
  std::string text;  // the text report
};

// Fails only when the run could not happen (server does not start, setup refused); a run that
// happened returns its verdict, passing or not.
Result<RunResult> run_simulation(const RunOptions& options);

}  // namespace cho4::sim
