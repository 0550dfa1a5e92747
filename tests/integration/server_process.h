// Test support for integration tests of the real `cho4 serve` binary: start it with fork+exec on
// 127.0.0.1:0 with a temporary data folder and a JSON config, learn its port from
// <data>/server.port, talk to it over real sockets (a small synchronous Beast client, plain or
// TLS, plus SSE and WebSocket device clients), sign SePay webhooks with the adapters' signing side,
// and stop it with SIGTERM. Reusable by other suites (hardening, simulators).
#pragma once

#include <csignal>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "adapters/signing.h"
#include "core/bank_credit.h"

namespace cho4::itest {

inline constexpr char kSepaySecret[] = "itest-sepay-hmac-secret-0123456789";

// The path of the `cho4` binary under test, for running its other subcommands.
const char* cho4_binary();

boost::json::object sepay_instance();  // {"kind":"sepay","name":"sepay-it","auth":"hmac",…}

class ServerProcess {
 public:
  // Writes `config` (data_dir and listen are set here) and starts the binary.
  explicit ServerProcess(boost::json::object config = {}, std::vector<std::string> extra_args = {},
                         std::filesystem::path data_dir = {});
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  bool started() const { return port_ != 0; }
  std::uint16_t port() const { return port_; }
  const std::filesystem::path& data_dir() const { return data_; }
  std::string admin_token() const;
  // Sends a signal; stop() = SIGTERM and wait. Returns the exit status (or -1).
  void signal(int sig);
  int wait();
  int stop();

 private:
  std::filesystem::path data_;
  bool own_data_ = false;
  pid_t pid_ = -1;
  std::uint16_t port_ = 0;
};

struct HttpResult {
  int status = 0;  // 0: connection failed or closed without a response
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string header(std::string_view name) const;
  boost::json::value json() const;
};

// One keep-alive HTTP/1.1 connection (plain or TLS with verification off for a self-signed cert).
class Client {
 public:
  explicit Client(std::uint16_t port, bool tls = false);
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;
  bool connected() const;
  HttpResult request(std::string_view method, std::string_view target, std::string body = {},
                     std::vector<std::pair<std::string, std::string>> headers = {});
  // Raw bytes in, whatever arrives out (until close or timeout_ms).
  std::string raw(std::string_view bytes, int timeout_ms);
  // Writes bytes without reading.
  bool write(std::string_view bytes);
  // True when the server closes the connection within timeout_ms.
  bool closed_by_server(int timeout_ms);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// One request on a fresh connection.
HttpResult http(std::uint16_t port, std::string_view method, std::string_view target,
                std::string body = {}, std::string bearer = {},
                std::vector<std::pair<std::string, std::string>> headers = {});

// The device streams. next() waits up to timeout_ms for the next credit event (skipping hello,
// heartbeats) and returns its JSON object, or nullopt.
class SseClient {
 public:
  SseClient(std::uint16_t port, std::string target, std::string bearer,
            std::string last_event_id = {});
  ~SseClient();
  int status() const;
  std::optional<boost::json::object> next(int timeout_ms);
  std::string last_id() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

class WsClient {
 public:
  // Connects and sends {"type":"hello","after":N} when `after` is set.
  WsClient(std::uint16_t port, std::string target, std::string bearer,
           std::optional<std::uint64_t> after);
  ~WsClient();
  bool connected() const;
  std::optional<boost::json::object> next(int timeout_ms);
  void ack(std::uint64_t seq);
  void close();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// A SePay-signed webhook request for one incoming credit (signed with kSepaySecret, now).
struct SignedWebhook {
  std::string target;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};
SignedWebhook sepay_webhook(std::uint64_t txn_id, std::int64_t amount, const std::string& account,
                            const std::string& content, const std::string& instance = "sepay-it");
HttpResult send_webhook(Client& c, const SignedWebhook& w);

// Market + manager + stall + device token, through the API (admin token from the data dir).
struct StallInfo {
  std::string market_id, manager, stall_id, device, account;
};
StallInfo make_stall(ServerProcess& server, const std::string& account);

}  // namespace cho4::itest
