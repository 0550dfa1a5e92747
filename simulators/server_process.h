// ServerProcess: a `cho4 serve` child the simulator owns. It writes the generated configuration
// (127.0.0.1, port 0, the simulator's adapter instances, secrets only in the child's environment),
// starts the binary on a data folder, learns the bound port from DIR/server.port, waits for
// /healthz, and can SIGKILL it and start it again on the same data (--kill-every). Stops the child
// (SIGTERM, then SIGKILL after a grace period) when destroyed. Not thread-safe: one owner thread;
// pid() and rss_kb() may be read from others.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/status.h"

namespace cho4::sim {

struct ServerLaunch {
  std::string binary;  // path to `cho4`
  std::string data_dir;
  std::string config_json;                               // the whole configuration document
  std::vector<std::pair<std::string, std::string>> env;  // extra environment (secrets)
  std::string log_file;                                  // the child's stdout+stderr go here
  std::int64_t start_timeout_ms = 30'000;
};

class ServerProcess {
 public:
  explicit ServerProcess(ServerLaunch launch);
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  // Starts the child and waits until it answers /healthz. Fails with the log's tail.
  Status start();
  // SIGKILL (no goodbye), reap.
  void kill_now();
  // SIGTERM, wait up to grace_ms, then SIGKILL. Returns the exit status text.
  std::string stop(std::int64_t grace_ms = 15'000);

  std::uint16_t port() const { return port_; }
  pid_t pid() const { return pid_.load(); }
  bool running() const { return pid_.load() > 0; }
  // Resident set size of the child, from /proc (0 when not running).
  std::uint64_t rss_kb() const;
  std::string admin_token() const;
  std::string log_tail(std::size_t bytes = 2000) const;

 private:
  ServerLaunch launch_;
  std::atomic<pid_t> pid_{-1};
  std::uint16_t port_ = 0;
};

// Raises this process's open-file limit to the hard limit (or `want`, if lower); returns the
// new soft limit.
std::uint64_t raise_open_file_limit(std::uint64_t want);

// Runs a command to completion, capturing stdout+stderr (the ledger check). exit code or -1.
int run_command(const std::vector<std::string>& argv, std::string& output);

}  // namespace cho4::sim
