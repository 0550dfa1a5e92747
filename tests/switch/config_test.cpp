#include "switch/config.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <string>

namespace cho4::server {
namespace {

TEST(Config, ParsesEveryDocumentedKey) {
  auto c = parse_config(R"({
    "listen": "0.0.0.0:8443", "data_dir": "/var/lib/cho4", "io_threads": 4,
    "public_url": "https://cho4.example.vn", "log_requests": false,
    "limits": {"header_bytes_max": 8192, "body_bytes_max": 1048576, "webhook_body_bytes_max": 32768,
               "header_read_timeout_ms": 5000, "body_read_timeout_ms": 10000,
               "keep_alive_idle_ms": 30000, "write_timeout_ms": 10000, "connections_max": 100,
               "device_queue_max": 64, "heartbeat_interval_ms": 10000, "engine_queue_capacity": 1000},
    "ledger": {"batch_max_entries": 500, "batch_max_wait_us": 200, "order_lifetime_s": 600,
               "outbox_retention_s": 86400, "background_low_priority": false},
    "tls": {"cert_file": "/etc/cho4/cert.pem", "key_file": "/etc/cho4/key.pem"},
    "adapters": [{"kind": "sepay", "name": "sepay-main", "auth": "hmac", "secret_env": "X"}]
  })");
  ASSERT_TRUE(c.ok()) << c.error().to_string();
  EXPECT_EQ(c->listen_host, "0.0.0.0");
  EXPECT_EQ(c->listen_port, 8443);
  EXPECT_EQ(c->io_threads, 4u);
  EXPECT_FALSE(c->log_requests);
  EXPECT_EQ(c->limits.header_bytes_max, 8192u);
  EXPECT_EQ(c->limits.connections_max, 100u);
  EXPECT_EQ(c->limits.engine_queue_capacity, 1000u);
  EXPECT_EQ(c->ledger.order_lifetime_s, 600);
  EXPECT_FALSE(c->ledger.background_low_priority);
  EXPECT_TRUE(c->tls.enabled());
  EXPECT_EQ(c->adapters.size(), 1u);
}

TEST(Config, TheCheckedInExampleParses) {
  const char* src = std::getenv("CHO4_SOURCE_DIR");
  ASSERT_NE(src, nullptr);
  auto c = load_config_file(std::string(src) + "/examples/cho4.json");
  ASSERT_TRUE(c.ok()) << c.error().to_string();
  EXPECT_FALSE(c->adapters.empty());
}

TEST(Config, RejectsUnknownKeysAndBadValues) {
  EXPECT_FALSE(parse_config(R"({"listn": "127.0.0.1:1"})").ok());
  EXPECT_FALSE(parse_config(R"({"limits": {"body_limit": 1}})").ok());
  EXPECT_FALSE(parse_config(R"({"io_threads": 0})").ok());
  EXPECT_FALSE(parse_config(R"({"io_threads": -1})").ok());
  EXPECT_FALSE(parse_config(R"({"limits": {"header_bytes_max": 10}})").ok());
  EXPECT_FALSE(
      parse_config(R"({"limits": {"webhook_body_bytes_max": 2000000, "body_bytes_max": 1000}})")
          .ok());
  EXPECT_FALSE(parse_config(R"({"tls": {"cert_file": "a.pem"}})").ok());
  EXPECT_FALSE(parse_config(R"({"listen": "nohost"})").ok());
  EXPECT_FALSE(parse_config(R"({"listen": "h:99999"})").ok());
  EXPECT_FALSE(parse_config("[1,2]").ok());
  EXPECT_FALSE(parse_config("{").ok());
}

TEST(Config, ListenForms) {
  std::string host;
  std::uint16_t port = 1;
  ASSERT_TRUE(parse_listen("127.0.0.1:0", host, port).ok());
  EXPECT_EQ(host, "127.0.0.1");
  EXPECT_EQ(port, 0);
  ASSERT_TRUE(parse_listen("[::1]:8080", host, port).ok());
  EXPECT_EQ(host, "::1");
  EXPECT_EQ(port, 8080);
  ASSERT_TRUE(parse_listen(":9000", host, port).ok());
  EXPECT_EQ(host, "0.0.0.0");
}

std::map<std::string, std::string> g_env;
char* fake_getenv(const char* name) {
  auto it = g_env.find(name);
  return it == g_env.end() ? nullptr : it->second.data();
}

TEST(Config, EnvironmentOverridesTheFile) {
  ServerConfig c;
  g_env = {
      {"CHO4_LISTEN", "127.0.0.1:9999"}, {"CHO4_DATA_DIR", "/tmp/x"}, {"CHO4_IO_THREADS", "3"}};
  ASSERT_TRUE(apply_env(c, fake_getenv).ok());
  EXPECT_EQ(c.listen_port, 9999);
  EXPECT_EQ(c.data_dir, "/tmp/x");
  EXPECT_EQ(c.io_threads, 3u);
  g_env = {{"CHO4_IO_THREADS", "three"}};
  EXPECT_FALSE(apply_env(c, fake_getenv).ok());
}

}  // namespace
}  // namespace cho4::server
