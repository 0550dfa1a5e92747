// Server: the network side of `cho4 serve` — an io_context with N I/O threads, the listener
// (plain or TLS), and graceful shutdown: on SIGTERM/SIGINT (or stop()) it stops accepting, lets
// in-flight requests finish (their ledger completions included), closes WebSockets with a close
// frame and SSE streams, then returns from run(). The caller then destroys the ledger engine,
// which flushes its queue. Beast stays behind the pimpl.
//
// Thread-safety: stop() from any thread; everything else from the thread that owns the Server.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>

#include "core/status.h"
#include "switch/config.h"

namespace cho4::ledger {
class Engine;
}

namespace cho4::server {

class Api;
class Metrics;
class NotifyHub;
class Logger;

class Server {
 public:
  Server(const ServerConfig& config, Api& api, Metrics& metrics, NotifyHub& hub,
         ledger::Engine& engine, Logger& log);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Loads TLS material (when configured), binds and listens. After it, port() is the bound port.
  Status open();
  std::uint16_t port() const;
  // Runs the I/O threads until shutdown completes. Handles SIGTERM and SIGINT itself when
  // handle_signals is true.
  void run(bool handle_signals = true);
  // Begins graceful shutdown (idempotent, thread-safe).
  void stop();
  // Called once when shutdown begins (before connections are asked to finish): e.g. to turn
  // /readyz to 503 and refuse new webhooks with Retry-After. Set before run().
  void on_shutdown(std::function<void()> fn);
  // Open connections right now (for /metrics and readiness).
  std::size_t connections() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace cho4::server
