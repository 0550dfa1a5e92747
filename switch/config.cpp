#include "switch/config.h"

#include <charconv>
#include <fstream>
#include <sstream>

#include <boost/json.hpp>

namespace cho4::server {
namespace json = boost::json;
namespace {

Status field_error(std::string_view key, std::string_view why) {
  return invalid_argument("config: " + std::string(key) + ": " + std::string(why));
}

template <class T>
Status read_uint(const json::object& o, std::string_view key, T& out) {
  auto* v = o.if_contains(key);
  if (!v) return {};
  std::uint64_t n;
  if (v->is_uint64())
    n = v->as_uint64();
  else if (v->is_int64() && v->as_int64() >= 0)
    n = static_cast<std::uint64_t>(v->as_int64());
  else
    return field_error(key, "must be a non-negative integer");
  out = static_cast<T>(n);
  if (static_cast<std::uint64_t>(out) != n) return field_error(key, "out of range");
  return {};
}

Status read_string(const json::object& o, std::string_view key, std::string& out) {
  auto* v = o.if_contains(key);
  if (!v) return {};
  if (!v->is_string()) return field_error(key, "must be a string");
  out = std::string(v->as_string());
  return {};
}

Status read_bool(const json::object& o, std::string_view key, bool& out) {
  auto* v = o.if_contains(key);
  if (!v) return {};
  if (!v->is_bool()) return field_error(key, "must be true or false");
  out = v->as_bool();
  return {};
}

Status only_keys(const json::object& o, std::initializer_list<std::string_view> allowed,
                 std::string_view where) {
  for (const auto& kv : o) {
    bool known = false;
    for (auto a : allowed) known = known || kv.key() == a;
    if (!known)
      return invalid_argument("config: unknown key '" + std::string(kv.key()) + "' in " +
                              std::string(where));
  }
  return {};
}

}  // namespace

Status parse_listen(std::string_view text, std::string& host, std::uint16_t& port) {
  std::string_view h;
  std::string_view p;
  if (!text.empty() && text.front() == '[') {
    auto close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':')
      return invalid_argument("listen: expected [v6-address]:port");
    h = text.substr(1, close - 1);
    p = text.substr(close + 2);
  } else {
    auto colon = text.rfind(':');
    if (colon == std::string_view::npos) return invalid_argument("listen: expected HOST:PORT");
    h = text.substr(0, colon);
    p = text.substr(colon + 1);
  }
  unsigned value = 0;
  auto [ptr, ec] = std::from_chars(p.data(), p.data() + p.size(), value);
  if (p.empty() || ec != std::errc() || ptr != p.data() + p.size() || value > 65535)
    return invalid_argument("listen: bad port '" + std::string(p) + "'");
  host = h.empty() ? "0.0.0.0" : std::string(h);
  port = static_cast<std::uint16_t>(value);
  return {};
}

Result<ServerConfig> parse_config(std::string_view json_text) {
  boost::system::error_code ec;
  json::value root = json::parse(json_text, ec);
  if (ec) return invalid_argument("config: not valid JSON: " + ec.message());
  if (!root.is_object()) return invalid_argument("config: the top level must be an object");
  const auto& o = root.as_object();
  CHO4_RETURN_IF_ERROR(only_keys(
      o,
      {"listen", "data_dir", "io_threads", "public_url", "web_dir", "port_file",
       "signage_secret_env", "log_requests", "limits", "ledger", "tls", "adapters", "$comment"},
      "the top level"));
  ServerConfig c;
  std::string listen;
  CHO4_RETURN_IF_ERROR(read_string(o, "listen", listen));
  if (!listen.empty()) CHO4_RETURN_IF_ERROR(parse_listen(listen, c.listen_host, c.listen_port));
  CHO4_RETURN_IF_ERROR(read_string(o, "data_dir", c.data_dir));
  CHO4_RETURN_IF_ERROR(read_uint(o, "io_threads", c.io_threads));
  CHO4_RETURN_IF_ERROR(read_string(o, "public_url", c.public_url));
  CHO4_RETURN_IF_ERROR(read_string(o, "web_dir", c.web_dir));
  CHO4_RETURN_IF_ERROR(read_string(o, "port_file", c.port_file));
  CHO4_RETURN_IF_ERROR(read_string(o, "signage_secret_env", c.signage_secret_env));
  CHO4_RETURN_IF_ERROR(read_bool(o, "log_requests", c.log_requests));
  if (auto* l = o.if_contains("limits")) {
    if (!l->is_object()) return field_error("limits", "must be an object");
    const auto& lo = l->as_object();
    CHO4_RETURN_IF_ERROR(only_keys(
        lo,
        {"header_bytes_max", "body_bytes_max", "webhook_body_bytes_max", "header_read_timeout_ms",
         "body_read_timeout_ms", "keep_alive_idle_ms", "write_timeout_ms", "connections_max",
         "device_queue_max", "heartbeat_interval_ms", "engine_queue_capacity"},
        "limits"));
    auto& L = c.limits;
    CHO4_RETURN_IF_ERROR(read_uint(lo, "header_bytes_max", L.header_bytes_max));
    CHO4_RETURN_IF_ERROR(read_uint(lo, "body_bytes_max", L.body_bytes_max));
    CHO4_RETURN_IF_ERROR(read_uint(lo, "webhook_body_bytes_max", L.webhook_body_bytes_max));
    CHO4_RETURN_IF_ERROR(read_uint(lo, "header_read_timeout_ms", L.header_read_timeout_ms));
    CHO4_RETURN_IF_ERROR(read_uint(lo, "body_read_timeout_ms", L.body_read_timeout_ms));
    CHO4_RETURN_IF_ERROR(read_uint(lo, "keep_alive_idle_ms", L.keep_alive_idle_ms));
    CHO4_RETURN_IF_ERROR(read_uint(lo, "write_timeout_ms", L.write_timeout_ms));
    CHO4_RETURN_IF_ERROR(read_uint(lo, "connections_max", L.connections_max));
    CHO4_RETURN_IF_ERROR(read_uint(lo, "device_queue_max", L.device_queue_max));
    CHO4_RETURN_IF_ERROR(read_uint(lo, "heartbeat_interval_ms", L.heartbeat_interval_ms));
    CHO4_RETURN_IF_ERROR(read_uint(lo, "engine_queue_capacity", L.engine_queue_capacity));
  }
  if (auto* l = o.if_contains("ledger")) {
    if (!l->is_object()) return field_error("ledger", "must be an object");
    const auto& lo = l->as_object();
    CHO4_RETURN_IF_ERROR(only_keys(lo,
                                   {"batch_max_entries", "batch_max_wait_us", "order_lifetime_s",
                                    "outbox_retention_s", "background_low_priority"},
                                   "ledger"));
    CHO4_RETURN_IF_ERROR(read_uint(lo, "batch_max_entries", c.ledger.batch_max_entries));
    CHO4_RETURN_IF_ERROR(read_uint(lo, "batch_max_wait_us", c.ledger.batch_max_wait_us));
    CHO4_RETURN_IF_ERROR(read_uint(lo, "order_lifetime_s", c.ledger.order_lifetime_s));
    CHO4_RETURN_IF_ERROR(read_uint(lo, "outbox_retention_s", c.ledger.outbox_retention_s));
    CHO4_RETURN_IF_ERROR(
        read_bool(lo, "background_low_priority", c.ledger.background_low_priority));
  }
  if (auto* t = o.if_contains("tls")) {
    if (!t->is_object()) return field_error("tls", "must be an object");
    CHO4_RETURN_IF_ERROR(only_keys(t->as_object(), {"cert_file", "key_file"}, "tls"));
    CHO4_RETURN_IF_ERROR(read_string(t->as_object(), "cert_file", c.tls.cert_file));
    CHO4_RETURN_IF_ERROR(read_string(t->as_object(), "key_file", c.tls.key_file));
  }
  if (auto* a = o.if_contains("adapters")) {
    if (!a->is_array()) return field_error("adapters", "must be an array of instances");
    c.adapters = a->as_array();
  }
  CHO4_RETURN_IF_ERROR(validate(c));
  return c;
}

Result<ServerConfig> load_config_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return io_error("config: cannot read " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return parse_config(ss.str());
}

Status apply_env(ServerConfig& c, GetEnv getenv_fn) {
  if (const char* v = getenv_fn("CHO4_LISTEN"); v && *v)
    CHO4_RETURN_IF_ERROR(parse_listen(v, c.listen_host, c.listen_port));
  if (const char* v = getenv_fn("CHO4_DATA_DIR"); v && *v) c.data_dir = v;
  if (const char* v = getenv_fn("CHO4_IO_THREADS"); v && *v) {
    std::string_view s(v);
    std::size_t n = 0;
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
    if (ec != std::errc() || ptr != s.data() + s.size())
      return invalid_argument("CHO4_IO_THREADS: not a number");
    c.io_threads = n;
  }
  if (const char* v = getenv_fn("CHO4_TLS_CERT"); v && *v) c.tls.cert_file = v;
  if (const char* v = getenv_fn("CHO4_TLS_KEY"); v && *v) c.tls.key_file = v;
  return validate(c);
}

Status validate(const ServerConfig& c) {
  const auto& L = c.limits;
  if (c.io_threads == 0 || c.io_threads > kIoThreadsMax)
    return invalid_argument("config: io_threads must be 1.." + std::to_string(kIoThreadsMax));
  if (L.header_bytes_max < 1024 || L.header_bytes_max > 1024 * 1024)
    return invalid_argument("config: limits.header_bytes_max must be 1 KiB..1 MiB");
  if (L.body_bytes_max == 0 || L.body_bytes_max > kBodyBytesCeiling)
    return invalid_argument("config: limits.body_bytes_max out of range");
  if (L.webhook_body_bytes_max == 0 || L.webhook_body_bytes_max > L.body_bytes_max)
    return invalid_argument("config: limits.webhook_body_bytes_max must be 1..body_bytes_max");
  if (L.header_read_timeout_ms <= 0 || L.body_read_timeout_ms <= 0 || L.keep_alive_idle_ms <= 0 ||
      L.write_timeout_ms <= 0 || L.heartbeat_interval_ms <= 0)
    return invalid_argument("config: timeouts must be positive");
  if (L.connections_max == 0) return invalid_argument("config: limits.connections_max must be > 0");
  if (L.device_queue_max == 0)
    return invalid_argument("config: limits.device_queue_max must be > 0");
  if (L.engine_queue_capacity == 0)
    return invalid_argument("config: limits.engine_queue_capacity must be > 0");
  if (c.tls.cert_file.empty() != c.tls.key_file.empty())
    return invalid_argument("config: tls needs both cert_file and key_file");
  if (c.data_dir.empty()) return invalid_argument("config: data_dir must not be empty");
  return {};
}

}  // namespace cho4::server
