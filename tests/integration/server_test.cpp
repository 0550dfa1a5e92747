// The real `cho4 serve` over real sockets: the issue's "Done when" list.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <set>
#include <thread>

#include <sys/wait.h>
#include <unistd.h>

#include "server_process.h"

namespace cho4::itest {
namespace {

namespace json = boost::json;

// Generous waits for events: they arrive in milliseconds, but CI machines are shared.
constexpr int kEventWaitMs = 10'000;
// How long a test waits to be sure that nothing (more) arrives.
constexpr int kQuietMs = 500;

std::string create_order(const ServerProcess& s, const StallInfo& st, std::int64_t amount) {
  auto o = http(s.port(), "POST", "/v1/stalls/" + st.stall_id + "/orders",
                R"({"amount_vnd":)" + std::to_string(amount) + R"(,"note":"2 kg cam"})", st.device);
  EXPECT_EQ(o.status, 201) << o.body;
  return std::string(o.json().at("reference").as_string());
}

std::size_t credit_count(const ServerProcess& s, const StallInfo& st) {
  auto h =
      http(s.port(), "GET", "/v1/stalls/" + st.stall_id + "/credits?limit=1000", {}, st.device);
  EXPECT_EQ(h.status, 200) << h.body;
  return h.json().at("credits").as_array().size();
}

TEST(Server, WebhookToDevicesWithReplayAndScopes) {
  ServerProcess server;
  ASSERT_TRUE(server.started());
  auto st = make_stall(server, "0123456789");
  auto other = make_stall(server, "5555555555");
  auto ref = create_order(server, st, 60000);

  WsClient ws(server.port(), "/v1/stalls/" + st.stall_id + "/ws", st.device, 0);
  ASSERT_TRUE(ws.connected());
  SseClient sse(server.port(), "/v1/stalls/" + st.stall_id + "/events?after=0", st.device);
  ASSERT_EQ(sse.status(), 200);

  Client c(server.port());
  auto w = sepay_webhook(1001, 60000, st.account, "MBVCB.3278907687 " + ref + " mua rau");
  auto r = send_webhook(c, w);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json().at("success").as_bool(), true);

  auto e1 = ws.next(kEventWaitMs);
  ASSERT_TRUE(e1);
  EXPECT_EQ(e1->at("outcome").as_string(), "paid");
  EXPECT_EQ(e1->at("seq").to_number<std::uint64_t>(), 1u);
  EXPECT_EQ(e1->at("order_reference").as_string(), ref);
  EXPECT_EQ(e1->at("display").as_string(), "Đã nhận 60.000\u00a0₫");
  EXPECT_EQ(e1->at("speech").as_string(), "Đã nhận sáu mươi nghìn đồng");
  EXPECT_FALSE(e1->at("replayed").as_bool());
  ws.ack(1);
  auto s1 = sse.next(kEventWaitMs);
  ASSERT_TRUE(s1);
  EXPECT_EQ(s1->at("outcome").as_string(), "paid");
  EXPECT_EQ(s1->at("sse_id").as_string(), "1");

  // Delivered again by the provider: success, no second event.
  r = send_webhook(c, w);
  EXPECT_EQ(r.status, 200);
  EXPECT_FALSE(ws.next(kQuietMs));

  // Underpaid: the shortfall, loudly.
  auto ref2 = create_order(server, st, 200000);
  ASSERT_EQ(send_webhook(c, sepay_webhook(1002, 60000, st.account, ref2)).status, 200);
  auto e2 = ws.next(kEventWaitMs);
  ASSERT_TRUE(e2);
  EXPECT_EQ(e2->at("seq").to_number<std::uint64_t>(),
            2u);  // the redelivery made no event in between
  EXPECT_EQ(e2->at("outcome").as_string(), "underpaid");
  EXPECT_EQ(e2->at("shortfall_vnd").as_int64(), 140000);
  EXPECT_EQ(e2->at("display").as_string(),
            "THIẾU 140.000\u00a0₫ — đã nhận 60.000\u00a0₫ / 200.000\u00a0₫");
  auto s2 = sse.next(kEventWaitMs);
  ASSERT_TRUE(s2);
  EXPECT_EQ(s2->at("outcome").as_string(), "underpaid");

  // Drop the WebSocket device, credit twice, reconnect with its cursor: exactly the two missed
  // events, marked replayed, then live ones again.
  ws.close();
  ASSERT_EQ(send_webhook(c, sepay_webhook(1003, 15000, st.account, "tien rau")).status, 200);
  ASSERT_EQ(send_webhook(c, sepay_webhook(1004, 25000, st.account, "tien ca")).status, 200);
  WsClient again(server.port(), "/v1/stalls/" + st.stall_id + "/ws", st.device, 2);
  auto m1 = again.next(kEventWaitMs);
  auto m2 = again.next(kEventWaitMs);
  ASSERT_TRUE(m1 && m2);
  EXPECT_EQ(m1->at("seq").to_number<std::uint64_t>(), 3u);
  EXPECT_EQ(m2->at("seq").to_number<std::uint64_t>(), 4u);
  EXPECT_TRUE(m1->at("replayed").as_bool());
  EXPECT_TRUE(m2->at("replayed").as_bool());
  EXPECT_EQ(m1->at("outcome").as_string(), "static");
  EXPECT_EQ(m2->at("amount_vnd").as_int64(), 25000);
  EXPECT_FALSE(again.next(kQuietMs));
  // SSE device resumes from Last-Event-ID the same way.
  SseClient sse2(server.port(), "/v1/stalls/" + st.stall_id + "/events", st.device, "3");
  auto r4 = sse2.next(kEventWaitMs);
  ASSERT_TRUE(r4);
  EXPECT_EQ(r4->at("seq").to_number<std::uint64_t>(), 4u);
  EXPECT_TRUE(r4->at("replayed").as_bool());
  ASSERT_EQ(send_webhook(c, sepay_webhook(1005, 5000, st.account, "tien hanh")).status, 200);
  auto live = again.next(kEventWaitMs);
  ASSERT_TRUE(live);
  EXPECT_EQ(live->at("seq").to_number<std::uint64_t>(), 5u);
  EXPECT_FALSE(live->at("replayed").as_bool());

  // Wrong signature: 401 and the ledger unchanged.
  std::size_t before = credit_count(server, st);
  auto bad = sepay_webhook(1006, 99000, st.account, "gia mao");
  for (auto& [k, v] : bad.headers)
    if (k == "X-SePay-Signature" || k == "x-sepay-signature") v = "sha256=" + std::string(64, 'a');
  auto rb = send_webhook(c, bad);
  EXPECT_EQ(rb.status, 401) << rb.body;
  EXPECT_EQ(rb.header("Content-Type"), "application/problem+json");
  EXPECT_EQ(credit_count(server, st), before);
  EXPECT_FALSE(again.next(kQuietMs));

  // A stall's device token cannot open another stall's stream.
  SseClient foreign(server.port(), "/v1/stalls/" + other.stall_id + "/events", st.device);
  EXPECT_EQ(foreign.status(), 403);
  WsClient foreign_ws(server.port(), "/v1/stalls/" + other.stall_id + "/ws", st.device, 0);
  EXPECT_FALSE(foreign_ws.connected());

  // Metrics saw all of it.
  auto metrics = http(server.port(), "GET", "/metrics");
  EXPECT_NE(metrics.body.find(R"(cho4_webhooks_total{instance="sepay-it",outcome="duplicate"} 1)"),
            std::string::npos);
  EXPECT_NE(
      metrics.body.find(R"(cho4_webhooks_total{instance="sepay-it",outcome="unauthenticated"} 1)"),
      std::string::npos);
  EXPECT_EQ(server.stop(), 0);
}

// A device that missed more events than a replay page holds catches up page by page, over both
// transports, with payments still arriving: every event once, in order, and the device is not
// cut off as slow although the whole backlog is far beyond its queue bound.
TEST(Server, LongCatchUpArrivesInOrderWhilePaymentsKeepComing) {
  ServerProcess server(json::object{{"limits", json::object{{"device_queue_max", 16}}}});
  ASSERT_TRUE(server.started());
  auto st = make_stall(server, "0123456789");
  constexpr std::uint64_t kMissed = 1500;  // several pages of kReplayPageEvents (256)
  constexpr std::uint64_t kDuring = 20;
  Client c(server.port());
  for (std::uint64_t i = 0; i < kMissed; ++i)
    ASSERT_EQ(send_webhook(c, sepay_webhook(20000 + i, 1000, st.account, "rau")).status, 200);

  WsClient ws(server.port(), "/v1/stalls/" + st.stall_id + "/ws", st.device, 0);
  ASSERT_TRUE(ws.connected());
  SseClient sse(server.port(), "/v1/stalls/" + st.stall_id + "/events?after=0", st.device);
  ASSERT_EQ(sse.status(), 200);
  for (std::uint64_t i = 0; i < kDuring; ++i)
    ASSERT_EQ(send_webhook(c, sepay_webhook(30000 + i, 2000, st.account, "ca")).status, 200);

  auto read_all = [&](auto& device, const char* name) {
    for (std::uint64_t seq = 1; seq <= kMissed + kDuring; ++seq) {
      auto e = device.next(kEventWaitMs);
      ASSERT_TRUE(e) << name << " stopped before seq " << seq;
      ASSERT_EQ(e->at("seq").template to_number<std::uint64_t>(), seq) << name;
      if (seq <= kMissed) {
        EXPECT_TRUE(e->at("replayed").as_bool()) << name << " seq " << seq;
      }
    }
    EXPECT_FALSE(device.next(kQuietMs)) << name;
  };
  read_all(ws, "ws");
  read_all(sse, "sse");
  auto metrics = http(server.port(), "GET", "/metrics");
  EXPECT_NE(metrics.body.find("cho4_devices_dropped_slow_total 0"), std::string::npos);
  EXPECT_NE(metrics.body.find("cho4_devices_connected 2"), std::string::npos);
  EXPECT_EQ(server.stop(), 0);
}

TEST(Server, RequestLimitsAndTimeouts) {
  json::object limits{{"header_bytes_max", 2048},      {"webhook_body_bytes_max", 4096},
                      {"header_read_timeout_ms", 300}, {"body_read_timeout_ms", 300},
                      {"keep_alive_idle_ms", 5000},    {"connections_max", 6}};
  ServerProcess server(json::object{{"limits", limits}});
  ASSERT_TRUE(server.started());

  // A body over the limit: 413 (announced by Content-Length, refused before it is read).
  Client c(server.port());
  auto big = c.request("POST", "/v1/webhooks/sepay-it", std::string(5000, 'x'));
  EXPECT_EQ(big.status, 413);
  EXPECT_EQ(big.json().at("type").as_string(), "https://cho4.vn/problems/payload-too-large");

  // Headers over the limit: 431.
  Client h(server.port());
  auto huge = h.request("GET", "/healthz", {}, {{"X-Filler", std::string(4000, 'y')}});
  EXPECT_TRUE(huge.status == 431 || huge.status == 400) << huge.status;

  // Half a request, then silence: cut off after the header timeout.
  Client slow(server.port());
  ASSERT_TRUE(slow.write("POST /v1/webhooks/sepay-it HTTP/1.1\r\nHost: x\r\nContent-Le"));
  EXPECT_TRUE(slow.closed_by_server(5000));
  // Complete headers, half a body: cut off after the body timeout.
  Client slow_body(server.port());
  ASSERT_TRUE(slow_body.write(
      "POST /v1/webhooks/sepay-it HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
      "Content-Length: 100\r\n\r\n{\"id\":"));
  EXPECT_TRUE(slow_body.closed_by_server(5000));

  // Connection limit: 6 open connections work; the 7th is refused; the 6 keep working. The
  // connections above were closed by the server, which lets go of each a moment after the client
  // sees the close: a connection refused (503) while one still counts is retried, for at most 5 s.
  std::vector<std::unique_ptr<Client>> open;
  for (int i = 0; i < 6; ++i) {
    int status = 0;
    for (int attempt = 0; attempt < 100 && status != 200; ++attempt) {
      if (attempt > 0) std::this_thread::sleep_for(std::chrono::milliseconds(50));
      auto client = std::make_unique<Client>(server.port());
      status = client->request("GET", "/healthz").status;
      if (status == 200) open.push_back(std::move(client));
    }
    ASSERT_EQ(status, 200) << "connection " << i + 1 << " of the 6 allowed";
  }
  Client extra(server.port());
  auto refused = extra.request("GET", "/healthz");
  EXPECT_NE(refused.status, 200);
  for (auto& o : open) EXPECT_EQ(o->request("GET", "/healthz").status, 200);
  open.clear();
  EXPECT_EQ(server.stop(), 0);
}

// Runs the cho4 binary with `args`; returns its exit status.
int run_cho4(const std::string& args) {
  int rc = std::system((std::string(cho4_binary()) + " " + args + " >/dev/null 2>&1").c_str());
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

TEST(Server, BackupWhileServing) {
  ServerProcess server;
  ASSERT_TRUE(server.started());
  auto st = make_stall(server, "0123456789");
  Client c(server.port());
  ASSERT_EQ(send_webhook(c, sepay_webhook(8100, 25000, st.account, "rau")).status, 200);
  const auto out = server.data_dir().parent_path() / ("backups-" + std::to_string(::getpid()));
  std::filesystem::remove_all(out);
  const std::string data = server.data_dir().string();
  // The store is locked by the server: `cho4 backup --data` asks the server, with its token.
  EXPECT_EQ(run_cho4("backup --data " + data + " --to " + (out / "one").string()), 0);
  EXPECT_EQ(run_cho4("ledger check --data " + (out / "one").string()), 0);
  // --server with a token file; the target must not exist yet.
  const auto token_file = out / "admin.token";
  {
    std::error_code ec;
    std::filesystem::create_directories(out, ec);
    std::ofstream(token_file) << server.admin_token() << "\n";
  }
  const std::string url = "http://127.0.0.1:" + std::to_string(server.port());
  EXPECT_EQ(run_cho4("backup --server " + url + " --token-file " + token_file.string() + " --to " +
                     (out / "two").string()),
            0);
  EXPECT_EQ(run_cho4("ledger check --data " + (out / "two").string()), 0);
  EXPECT_NE(run_cho4("backup --server " + url + " --token-file " + token_file.string() + " --to " +
                     (out / "two").string()),
            0);
  { std::ofstream(token_file) << "not-a-token\n"; }
  EXPECT_NE(run_cho4("backup --server " + url + " --token-file " + token_file.string() + " --to " +
                     (out / "three").string()),
            0);
  EXPECT_FALSE(std::filesystem::exists(out / "three"));
  // The server kept serving throughout.
  EXPECT_EQ(credit_count(server, st), 1u);
  std::filesystem::remove_all(out);
}

TEST(Server, TinyQueueAnswers503WithRetryAfter) {
  // One queued command at a time and a writer that waits for company: bursts overflow.
  ServerProcess server(json::object{{"limits", json::object{{"engine_queue_capacity", 1}}},
                                    {"ledger", json::object{{"batch_max_wait_us", 200000}}},
                                    {"io_threads", 2}});
  ASSERT_TRUE(server.started());
  auto st = make_stall(server, "0123456789");
  constexpr int kConnections = 24;
  std::vector<std::unique_ptr<Client>> cs;
  std::vector<SignedWebhook> ws;
  for (int i = 0; i < kConnections; ++i) {
    cs.push_back(std::make_unique<Client>(server.port()));
    ws.push_back(sepay_webhook(7000 + i, 1000 + i, st.account, "burst"));
  }
  std::atomic<int> ok{0}, overloaded{0}, with_retry_after{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kConnections; ++i)
    threads.emplace_back([&, i] {
      auto r = send_webhook(*cs[i], ws[i]);
      if (r.status == 200) ok++;
      if (r.status == 503) {
        overloaded++;
        if (!r.header("Retry-After").empty()) with_retry_after++;
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_GT(overloaded.load(), 0);
  EXPECT_EQ(with_retry_after.load(), overloaded.load());
  EXPECT_EQ(ok.load() + overloaded.load(), kConnections);
  // Only the acknowledged ones were recorded.
  EXPECT_EQ(credit_count(server, st), static_cast<std::size_t>(ok.load()));
}

TEST(Server, TlsHandshakeAndWebhook) {
  namespace fs = std::filesystem;
  auto dir = fs::temp_directory_path() / ("cho4-tls-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::string cmd =
      "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 -keyout " +
      (dir / "key.pem").string() + " -out " + (dir / "cert.pem").string() + " >/dev/null 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  ServerProcess server(
      json::object{{"tls", json::object{{"cert_file", (dir / "cert.pem").string()},
                                        {"key_file", (dir / "key.pem").string()}}}});
  ASSERT_TRUE(server.started());
  Client c(server.port(), /*tls=*/true);
  ASSERT_TRUE(c.connected());
  EXPECT_EQ(c.request("GET", "/healthz").status, 200);
  auto w = sepay_webhook(9001, 42000, "0123456789", "qua TLS");
  auto r = send_webhook(c, w);
  EXPECT_EQ(r.status, 200) << r.body;
  // A plain-text client gets nothing useful from a TLS port.
  Client plain(server.port());
  EXPECT_EQ(plain.request("GET", "/healthz").status, 0);
  EXPECT_EQ(server.stop(), 0);
  fs::remove_all(dir);
}

TEST(Server, SigtermUnderLoadLosesNoAcknowledgedWebhook) {
  namespace fs = std::filesystem;
  auto data = fs::temp_directory_path() / ("cho4-sigterm-" + std::to_string(::getpid()));
  fs::remove_all(data);
  StallInfo st;
  std::set<std::uint64_t> acked;
  std::mutex mu;
  {
    ServerProcess server(json::object{}, {}, data);
    ASSERT_TRUE(server.started());
    st = make_stall(server, "0123456789");
    std::atomic<bool> stop{false};
    std::atomic<std::uint64_t> next_id{100000};
    std::vector<std::thread> senders;
    for (int t = 0; t < 4; ++t)
      senders.emplace_back([&] {
        auto c = std::make_unique<Client>(server.port());
        while (!stop.load()) {
          std::uint64_t id = next_id.fetch_add(1);
          auto r = send_webhook(*c, sepay_webhook(id, 1000, st.account, "tai"));
          if (r.status == 200) {
            std::lock_guard lock(mu);
            acked.insert(id);
          }
          if (!c->connected()) {
            c = std::make_unique<Client>(server.port());
            if (!c->connected()) return;  // the listener is gone
          }
        }
      });
    // Let load build up, then SIGTERM while requests are in flight.
    while (true) {
      {
        std::lock_guard lock(mu);
        if (acked.size() >= 200) break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    server.signal(SIGTERM);
    EXPECT_EQ(server.wait(), 0);
    stop = true;
    for (auto& t : senders) t.join();
  }
  ASSERT_GE(acked.size(), 200u);
  ServerProcess again(json::object{}, {}, data);
  ASSERT_TRUE(again.started());
  auto h =
      http(again.port(), "GET", "/v1/stalls/" + st.stall_id + "/credits?limit=1000", {}, st.device);
  ASSERT_EQ(h.status, 200);
  std::set<std::uint64_t> stored;
  std::string cursor;
  for (;;) {
    auto page = h.json();
    for (const auto& c : page.at("credits").as_array())
      stored.insert(std::stoull(std::string(c.at("provider_txn_id").as_string())));
    auto next = page.at("next_cursor");
    if (next.is_null()) break;
    h = http(
        again.port(), "GET",
        "/v1/stalls/" + st.stall_id + "/credits?limit=1000&cursor=" + std::string(next.as_string()),
        {}, st.device);
    ASSERT_EQ(h.status, 200);
  }
  for (auto id : acked)
    EXPECT_TRUE(stored.count(id)) << "acknowledged webhook " << id << " was lost";
  EXPECT_EQ(again.stop(), 0);
  fs::remove_all(data);
}

}  // namespace
}  // namespace cho4::itest
