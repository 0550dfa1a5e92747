// ServerConfig: everything `cho4 serve` is told, from a JSON file (examples/cho4.json), then
// environment variables, then command-line flags (later wins). Secrets are not written in the
// file: adapter instances name environment variables ("secret_env") that the adapters registry
// reads. A plain value; built once in main and read-only afterwards.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <boost/json/array.hpp>

#include "core/status.h"
#include "switch/limits.h"

namespace cho4::server {

struct ServerLimits {
  std::size_t header_bytes_max = kHeaderBytesMax;
  std::size_t body_bytes_max = kBodyBytesMax;
  std::size_t webhook_body_bytes_max = kWebhookBodyBytesMax;
  std::int64_t header_read_timeout_ms = kHeaderReadTimeoutMs;
  std::int64_t body_read_timeout_ms = kBodyReadTimeoutMs;
  std::int64_t keep_alive_idle_ms = kKeepAliveIdleMs;
  std::int64_t write_timeout_ms = kWriteTimeoutMs;
  std::size_t connections_max = kConnectionsMax;
  std::size_t device_queue_max = kDeviceQueueMax;
  std::int64_t heartbeat_interval_ms = kHeartbeatIntervalMs;
  std::size_t engine_queue_capacity = kEngineQueueDefault;
};

struct LedgerTuning {
  std::size_t batch_max_entries = 1000;
  std::int64_t batch_max_wait_us = 1000;
  std::int64_t order_lifetime_s = 15 * 60;
  std::int64_t outbox_retention_s = 7 * 24 * 3600;
  bool background_low_priority = true;  // RocksDB flushes and compactions at nice 19
};

struct TlsConfig {
  std::string cert_file;  // PEM certificate chain; TLS is on when both files are set
  std::string key_file;   // PEM private key
  bool enabled() const { return !cert_file.empty() && !key_file.empty(); }
};

struct ServerConfig {
  std::string listen_host = "127.0.0.1";
  std::uint16_t listen_port = 8080;
  std::string data_dir = "cho4-data";
  std::size_t io_threads = 2;
  std::string
      public_url;  // how devices reach us ("https://cho4.example.vn"); printed and used in links
  std::string web_dir;    // optional: static files for / and /stall/{id}
  std::string port_file;  // optional: write the bound port here (tests use --listen 127.0.0.1:0)
  // optional: the environment variable holding the markets' signage check-code secret
  // (docs/signage.md); printed signs then carry check codes and sign checks verify them.
  std::string signage_secret_env;
  bool demo = false;
  bool log_requests = true;
  ServerLimits limits;
  LedgerTuning ledger;
  TlsConfig tls;
  boost::json::array adapters;  // passed as-is to adapters::Registry
};

// Parses a configuration document; unknown keys are errors (typos must not pass silently).
Result<ServerConfig> parse_config(std::string_view json_text);
Result<ServerConfig> load_config_file(const std::string& path);

// Applies CHO4_LISTEN, CHO4_DATA_DIR, CHO4_IO_THREADS, CHO4_TLS_CERT, CHO4_TLS_KEY when set.
// `getenv` is injected so tests need not touch the process environment.
using GetEnv = char* (*)(const char*);
Status apply_env(ServerConfig& config, GetEnv getenv_fn);

// "127.0.0.1:8080", "[::1]:0", ":8080" (all interfaces) → host and port.
Status parse_listen(std::string_view text, std::string& host, std::uint16_t& port);

// Checks relations between values (non-zero sizes, timeouts > 0, ceilings).
Status validate(const ServerConfig& config);

}  // namespace cho4::server
