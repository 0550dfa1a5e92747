// Test support shared by the hardening suites (tests/hostile, tests/exhaustion, tests/secrets):
// the real `cho4 serve` as a child process on a loopback port with a temporary data folder, a raw
// TCP client that sends exactly the bytes it is given (malformed HTTP included) and reads one
// response, and the HMAC/base64 helpers that sign webhooks the way providers do.
//
// Ownership: ServerProcess owns the child process and its data folder (removed on destruction
// unless CHO4_KEEP_TEST_DATA is set); Connection owns one socket. Neither is thread-safe; the
// exhaustion tests give each thread its own Connections.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cho4::hostile {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct HttpResponse {
  int status = 0;  // 0 when the server closed the connection without a response
  std::string reason;
  Headers headers;
  std::string body;
  bool closed = false;  // the server closed the connection (after or instead of a response)

  std::optional<std::string_view> header(std::string_view name) const;
  // The problem `type` slug ("invalid-json") of a problem+json body, or "" when there is none.
  std::string problem_slug() const;
};

// One TCP connection to 127.0.0.1:port. Reads and writes have deadlines: a test never hangs.
class Connection {
 public:
  Connection() = default;
  ~Connection();
  Connection(Connection&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  Connection& operator=(Connection&& o) noexcept;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // False when connect() fails (refused, no descriptors left). A receive buffer size (set before
  // connecting, so the window stays small) makes a client that reads slowly push back quickly.
  bool open(std::uint16_t port, int receive_buffer_bytes = 0);
  bool is_open() const { return fd_ >= 0; }
  // Sends every byte; false when the peer closed or reset the connection.
  bool send_all(std::string_view bytes);
  // Reads one HTTP/1.1 response (Content-Length, chunked, or until close). A response that does
  // not arrive before the deadline comes back with status 0 and closed false.
  HttpResponse read_response(std::chrono::milliseconds deadline);
  // Raw bytes available within the deadline (at most max_bytes); empty on close or timeout.
  std::string read_some(std::chrono::milliseconds deadline, std::size_t max_bytes = 65536);
  // True when the peer has closed the connection (EOF or reset) within the deadline.
  bool wait_closed(std::chrono::milliseconds deadline);
  void close();
  int fd() const { return fd_; }

 private:
  int fd_ = -1;
  std::string buffered_;  // bytes read past the end of the previous response
};

// A whole request over a fresh connection ("Connection: close"); status 0 when it failed.
HttpResponse http(std::uint16_t port, std::string_view method, std::string_view target,
                  const Headers& headers = {}, std::string_view body = {},
                  std::chrono::milliseconds deadline = std::chrono::seconds(15));

// Serialises a request (Host and Content-Length added; Connection: close unless keep_alive).
std::string format_request(std::string_view method, std::string_view target, const Headers& headers,
                           std::string_view body, bool keep_alive);

std::string hmac_hex(std::string_view algorithm /* "SHA256" | "SHA512" */, std::string_view key,
                     std::string_view message);
std::string hmac_base64(std::string_view algorithm, std::string_view key, std::string_view message);
std::string base64_encode(std::string_view bytes);
std::string base64_decode(std::string_view text);

// The `cho4` binary of this build ($CHO4_BINARY_DIR/switch/cho4).
std::filesystem::path cho4_binary();
// True when this build has a `cho4` binary that knows `serve`.
bool server_available();

// `cho4 serve` on 127.0.0.1:<free port> with its own temporary data folder and a config file.
class ServerProcess {
 public:
  struct Options {
    // The JSON configuration (switch/config.h); the harness adds "port_file" and listens on
    // 127.0.0.1:0, so the kernel picks the port and the server reports it.
    std::string config_json = "{}";
    std::vector<std::string> extra_args;                   // appended to the command line
    std::vector<std::pair<std::string, std::string>> env;  // extra environment variables
  };
  ServerProcess() = default;
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  // Starts the server and waits until /healthz answers 200. Returns an error text on failure
  // (with the end of the server's log), "" on success.
  std::string start(const Options& options);
  // SIGTERM, then waits for the exit (SIGKILL after the grace period). Returns the exit status
  // (128 + signal when killed by one).
  int stop();
  bool running() const;

  std::uint16_t port() const { return port_; }
  const std::filesystem::path& dir() const { return dir_; }  // temp root: config, log
  std::filesystem::path data_dir() const { return dir_ / "data"; }
  // Where the ledger store is inside the data folder (`cho4 serve` keeps it in <data>/ledger),
  // for `cho4 ledger check --data`.
  std::filesystem::path ledger_dir() const {
    return std::filesystem::exists(data_dir() / "ledger") ? data_dir() / "ledger" : data_dir();
  }
  std::filesystem::path log_path() const { return dir_ / "server.log"; }
  std::string log_text() const;
  int pid() const { return pid_; }

 private:
  int pid_ = -1;
  std::uint16_t port_ = 0;
  std::filesystem::path dir_;
};

// Runs `cho4 <args...>` to completion; returns {exit status, stdout+stderr}.
std::pair<int, std::string> run_cho4(const std::vector<std::string>& args);

// Reads a whole file ("" when it cannot).
std::string read_file(const std::filesystem::path& p);

}  // namespace cho4::hostile
