// The pure handlers end to end without sockets: real ledger engine, real SePay adapter and signer.
#include <openssl/evp.h>

#include <set>

#include "switch/device_feed.h"
#include "test_support.h"

namespace cho4::server {
namespace {

using testing::Harness;
using testing::RecordingSink;

TEST(Api, HealthAndReadiness) {
  Harness h;
  EXPECT_EQ(h.call("GET", "/healthz").status, 200);
  auto r = h.call("GET", "/readyz");
  EXPECT_EQ(r.status, 200) << r.raw.body;
  auto m = h.call("GET", "/metrics");
  EXPECT_EQ(m.status, 200);
  EXPECT_NE(m.raw.body.find("cho4_engine_queue_depth"), std::string::npos);
  EXPECT_EQ(h.call("GET", "/nope").status, 404);
  auto na = h.call("DELETE", "/healthz");
  EXPECT_EQ(na.status, 405);
  EXPECT_EQ(*na.raw.header("Allow"), "GET");
}

TEST(Api, ManagementNeedsTheRightToken) {
  Harness h;
  EXPECT_EQ(h.call("POST", "/v1/markets", R"({"name":"x"})").status, 401);
  EXPECT_EQ(h.call("POST", "/v1/markets", R"({"name":"x"})", "cho4_adm_bogus").status, 401);
  auto s = h.make_stall();
  // A manager cannot create markets; a device cannot create stalls or device tokens.
  EXPECT_EQ(h.call("POST", "/v1/markets", R"({"name":"x"})", s.manager).status, 403);
  EXPECT_EQ(h.call("POST", "/v1/stalls/" + s.stall_id + "/device-tokens", "{}", s.device).status,
            403);
  // A manager of another market sees nothing of this one.
  auto other = h.make_stall("5555555555");
  EXPECT_EQ(h.call("GET", "/v1/markets/" + s.market_id, {}, other.manager).status, 403);
  EXPECT_EQ(h.call("GET", "/v1/stalls/" + s.stall_id, {}, other.manager).status, 403);
  EXPECT_EQ(h.call("GET", "/v1/stalls/" + s.stall_id, {}, other.device).status, 403);
  EXPECT_EQ(h.call("GET", "/v1/stalls/" + s.stall_id, {}, s.device).status, 200);
  // Streams: a device token opens its own stall's stream only.
  auto own = h.call("GET", "/v1/stalls/" + s.stall_id + "/events?after=0", {}, s.device);
  ASSERT_TRUE(own.grant);
  EXPECT_EQ(own.grant->after, 0u);
  EXPECT_EQ(h.call("GET", "/v1/stalls/" + other.stall_id + "/events", {}, s.device).status, 403);
  EXPECT_EQ(h.call("GET", "/v1/stalls/" + s.stall_id + "/events").status, 401);
}

TEST(Api, RevokedDeviceTokenLosesTheApiItsStreamsAndItsTickets) {
  Harness h;
  auto s = h.make_stall();
  const std::string base = "/v1/stalls/" + s.stall_id;
  auto ticket = h.call("POST", "/v1/tickets", "{}", s.device);
  ASSERT_EQ(ticket.status, 201);
  const std::string t(ticket.json.at("ticket").as_string());
  // A stream knows the token that opened it (revocation closes it through the hub).
  auto own = h.call("GET", base + "/events?after=0", {}, s.device);
  ASSERT_TRUE(own.grant);
  EXPECT_EQ(own.grant->token_hash, hash_token(s.device));
  auto by_ticket = h.call("GET", base + "/events?ticket=" + t);
  ASSERT_TRUE(by_ticket.grant);
  EXPECT_EQ(by_ticket.grant->token_hash, hash_token(s.device));

  auto list = h.call("GET", base + "/device-tokens", {}, s.manager);
  ASSERT_EQ(list.status, 200);
  const auto& tokens = list.json.at("tokens").as_array();
  ASSERT_EQ(tokens.size(), 1u);
  const std::string id(tokens[0].at("id").as_string());
  EXPECT_EQ(id, hash_token(s.device).substr(0, 16));
  auto revoked = h.call("DELETE", base + "/device-tokens/" + id, {}, s.manager);
  ASSERT_EQ(revoked.status, 200);
  EXPECT_FALSE(revoked.json.at("active").as_bool());

  EXPECT_EQ(h.call("GET", base, {}, s.device).status, 401);
  EXPECT_EQ(h.call("GET", base + "/events", {}, s.device).status, 401);
  EXPECT_EQ(h.call("GET", base + "/events?ticket=" + t).status, 401);
  EXPECT_EQ(h.call("GET", base, {}, s.manager).status, 200);
}

TEST(Api, BadInputAnswersProblemJson) {
  Harness h;
  auto s = h.make_stall();
  auto r = h.call("POST", "/v1/stalls/" + s.stall_id + "/orders", "{not json", s.device);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.raw.content_type, "application/problem+json");
  EXPECT_EQ(r.json.at("type").as_string(), "https://cho4.vn/problems/invalid-json");
  r = h.call("POST", "/v1/stalls/" + s.stall_id + "/orders", R"({"amount_vnd":0})", s.device);
  EXPECT_EQ(r.json.at("type").as_string(), "https://cho4.vn/problems/invalid-field");
  r = h.call("POST", "/v1/stalls/" + s.stall_id + "/orders", R"({"amount_vnd":500000000})",
             s.device);
  EXPECT_EQ(r.status, 400);
  Request req;
  req.method = "POST";
  req.target = req.path = "/v1/stalls/" + s.stall_id + "/orders";
  req.headers.add("Authorization", "Bearer " + s.device);
  req.headers.add("Content-Type", "text/plain");
  req.body = "60000";
  EXPECT_EQ(h.run(req).status, 415);
  EXPECT_EQ(h.call("GET", "/v1/stalls/999999", {}, h.admin()).status, 404);
}

TEST(Api, OrderPaidBySignedWebhookReachesTheStallsDevices) {
  Harness h;
  auto s = h.make_stall();
  auto sink = std::make_shared<RecordingSink>();
  ASSERT_TRUE(h.hub().subscribe(StallId{std::stoull(s.stall_id)}, sink));

  auto o = h.call("POST", "/v1/stalls/" + s.stall_id + "/orders",
                  R"({"amount_vnd":60000,"note":"2 kg cam"})", s.device);
  ASSERT_EQ(o.status, 201) << o.raw.body;
  std::string ref(o.json.at("reference").as_string());
  std::string order_id(o.json.at("id").as_string());
  EXPECT_EQ(o.json.at("status").as_string(), "open");

  auto w = h.sepay(1001, 60000, s.account, "MBVCB.123 " + ref + " thanh toan");
  EXPECT_EQ(w.status, 200) << w.raw.body;
  EXPECT_EQ(w.json.at("success").as_bool(), true);
  ASSERT_EQ(sink->size(), 1u);
  auto ev = boost::json::parse(sink->events[0]->json).as_object();
  EXPECT_EQ(ev.at("outcome").as_string(), "paid");
  EXPECT_EQ(ev.at("order_reference").as_string(), ref);
  EXPECT_EQ(ev.at("amount_vnd").as_int64(), 60000);
  EXPECT_EQ(ev.at("display").as_string(), "Đã nhận 60.000\u00a0₫");
  EXPECT_EQ(ev.at("replayed").as_bool(), false);
  EXPECT_EQ(h.call("GET", "/v1/orders/" + order_id, {}, s.device).json.at("status").as_string(),
            "paid");

  // The provider delivers the same webhook again: success, no second event.
  auto again = h.sepay(1001, 60000, s.account, "MBVCB.123 " + ref + " thanh toan");
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(sink->size(), 1u);
  EXPECT_EQ(h.metrics().webhooks("sepay-test", "duplicate"), 1u);
  EXPECT_EQ(h.metrics().webhooks("sepay-test", "paid"), 1u);

  // History and totals see it.
  auto hist = h.call("GET", "/v1/stalls/" + s.stall_id + "/credits", {}, s.device);
  ASSERT_EQ(hist.status, 200) << hist.raw.body;
  ASSERT_EQ(hist.json.at("credits").as_array().size(), 1u);
  auto tot = h.call("GET", "/v1/stalls/" + s.stall_id + "/totals", {}, s.device);
  EXPECT_EQ(tot.json.at("total_in_vnd").as_int64(), 60000) << tot.raw.body;
  EXPECT_EQ(h.call("GET", "/v1/stalls/" + s.stall_id, {}, s.device).json.at("verified").as_bool(),
            true);
}

TEST(Api, UnderpaidCarriesTheShortfall) {
  Harness h;
  auto s = h.make_stall();
  auto sink = std::make_shared<RecordingSink>();
  ASSERT_TRUE(h.hub().subscribe(StallId{std::stoull(s.stall_id)}, sink));
  auto o =
      h.call("POST", "/v1/stalls/" + s.stall_id + "/orders", R"({"amount_vnd":200000})", s.device);
  std::string ref(o.json.at("reference").as_string());
  ASSERT_EQ(h.sepay(2001, 60000, s.account, ref).status, 200);
  ASSERT_EQ(sink->size(), 1u);
  auto ev = boost::json::parse(sink->events[0]->json).as_object();
  EXPECT_EQ(ev.at("outcome").as_string(), "underpaid");
  EXPECT_EQ(ev.at("shortfall_vnd").as_int64(), 140000);
  EXPECT_EQ(ev.at("display").as_string(),
            "THIẾU 140.000\u00a0₫ — đã nhận 60.000\u00a0₫ / 200.000\u00a0₫");
}

TEST(Api, WrongSignatureIsRefusedAndStoresNothing) {
  Harness h;
  auto s = h.make_stall();
  auto before = h.engine().stats().credits;
  auto r = h.sepay(3001, 60000, s.account, "x", "sha256=" + std::string(64, '0'));
  EXPECT_EQ(r.status, 401) << r.raw.body;
  EXPECT_EQ(h.engine().stats().credits, before);
  EXPECT_FALSE(h.engine().credit_by_key("sepay-test", "3001").ok());
  EXPECT_EQ(h.metrics().webhooks("sepay-test", "unauthenticated"), 1u);
  EXPECT_EQ(h.call("POST", "/v1/webhooks/nobody", "{}").status, 404);
}

TEST(Api, AuthenticatedButUnparseableIsDeadLettered) {
  Harness h;
  // Sign a body that is JSON but not a SePay transaction.
  auto signer = adapters::make_builtin_signer(
      testing::sepay_config(),
      [](std::string_view) -> std::optional<std::string> { return std::nullopt; });
  ASSERT_TRUE(signer.ok());
  BankCredit c;
  c.adapter_instance = "sepay-test";
  c.provider_txn_id = "4001";
  c.account = "1";
  c.amount = Money::vnd(1);
  auto req = (*signer)->sign(std::span<const BankCredit>(&c, 1), h.clock().now_ms());
  ASSERT_TRUE(req.ok());
  // Re-sign a different body with the same scheme: "<timestamp>.<body>".
  std::string body = R"({"id":"not-a-number"})";
  auto ts = std::string(*req->headers.get("X-SePay-Timestamp"));
  unsigned char mac[EVP_MAX_MD_SIZE];
  std::size_t len = 0;
  std::string msg = ts + "." + body;
  ASSERT_TRUE(EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA256", nullptr, testing::kSepaySecret,
                        sizeof testing::kSepaySecret - 1,
                        reinterpret_cast<const unsigned char*>(msg.data()), msg.size(), mac,
                        sizeof mac, &len));
  std::string hex;
  for (std::size_t i = 0; i < len; ++i) {
    char b[3];
    std::snprintf(b, sizeof b, "%02x", mac[i]);
    hex += b;
  }
  Request r;
  r.method = "POST";
  r.target = r.path = "/v1/webhooks/sepay-test";
  r.headers.add("Content-Type", "application/json");
  r.headers.add("X-SePay-Timestamp", ts);
  r.headers.add("X-SePay-Signature", "sha256=" + hex);
  r.body = body;
  auto res = h.run(r);
  EXPECT_EQ(res.status, 200) << res.raw.body;
  EXPECT_EQ(h.metrics().webhooks("sepay-test", "dead_letter"), 1u);
  auto dl = h.call("GET", "/v1/dead-letters", {}, h.admin());
  ASSERT_EQ(dl.status, 200);
  ASSERT_EQ(dl.json.at("dead_letters").as_array().size(), 1u);
  EXPECT_EQ(dl.json.at("dead_letters").as_array()[0].at("body").as_string(), body);
}

TEST(Api, TicketsOpenOnlyTheirStallsStream) {
  Harness h;
  auto s = h.make_stall();
  auto other = h.make_stall("5555555555");
  auto t = h.call("POST", "/v1/tickets", "{}", s.device);
  ASSERT_EQ(t.status, 201) << t.raw.body;
  std::string ticket(t.json.at("ticket").as_string());
  auto ok = h.call("GET", "/v1/stalls/" + s.stall_id + "/events?ticket=" + ticket);
  ASSERT_TRUE(ok.grant);
  EXPECT_FALSE(ok.grant->after);
  EXPECT_EQ(h.call("GET", "/v1/stalls/" + other.stall_id + "/events?ticket=" + ticket).status, 403);
  ticket.back() = ticket.back() == '0' ? '1' : '0';
  EXPECT_EQ(h.call("GET", "/v1/stalls/" + s.stall_id + "/events?ticket=" + ticket).status, 401);
  // Expired after its lifetime.
  std::string fresh(h.call("POST", "/v1/tickets", "{}", s.device).json.at("ticket").as_string());
  h.clock().advance_ms(kTicketLifetimeMs + 1);
  EXPECT_EQ(h.call("GET", "/v1/stalls/" + s.stall_id + "/events?ticket=" + fresh).status, 401);
}

TEST(DeviceFeed, ReplaysExactlyWhatFollowsTheCursorThenSkipsDuplicates) {
  Harness h;
  auto s = h.make_stall();
  StallId stall{std::stoull(s.stall_id)};
  for (int i = 0; i < 3; ++i)
    ASSERT_EQ(h.sepay(5000 + i, 10000 + i, s.account, "tien rau").status, 200);

  DeviceFeed feed(h.engine(), stall, 16);
  std::vector<Frame> frames;
  ASSERT_TRUE(feed.start(1, frames).ok());
  ASSERT_EQ(frames.size(), 3u);  // hello + seq 2, 3
  EXPECT_EQ(frames[0].kind, Frame::Kind::hello);
  EXPECT_EQ(frames[1].seq, 2u);
  EXPECT_EQ(frames[2].seq, 3u);
  EXPECT_TRUE(frames[1].replayed);
  EXPECT_NE(frames[1].json.find("\"replayed\":true"), std::string::npos);

  // A live copy of seq 3 (raced with the snapshot) is skipped; seq 4 goes out live.
  auto page = h.engine().outbox_after(stall, 2, 10);
  ASSERT_TRUE(page.ok());
  auto ev3 = std::make_shared<HubEvent>(HubEvent{page->events.at(0), "{}"});
  frames.clear();
  EXPECT_EQ(feed.on_live(ev3, frames), DeviceFeed::Live::skipped);
  ASSERT_EQ(h.sepay(5003, 20000, s.account, "tien rau").status, 200);
  page = h.engine().outbox_after(stall, 3, 10);
  auto ev4 = std::make_shared<HubEvent>(HubEvent{page->events.at(0), "live"});
  EXPECT_EQ(feed.on_live(ev4, frames), DeviceFeed::Live::sent);
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].seq, 4u);
  EXPECT_FALSE(frames[0].replayed);
  EXPECT_EQ(feed.last_sent(), 4u);

  // Without a cursor a device starts live from the newest event.
  DeviceFeed fresh(h.engine(), stall, 16);
  frames.clear();
  ASSERT_TRUE(fresh.start(std::nullopt, frames).ok());
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(fresh.last_sent(), 4u);
}

TEST(DeviceFeed, HoldsLiveEventsUntilStartedAndCutsOffOverflow) {
  Harness h;
  auto s = h.make_stall();
  StallId stall{std::stoull(s.stall_id)};
  ASSERT_EQ(h.sepay(6000, 10000, s.account, "a").status, 200);
  auto page = h.engine().outbox_after(stall, 0, 10);
  ASSERT_TRUE(page.ok());
  auto ev = std::make_shared<HubEvent>(HubEvent{page->events.at(0), "{}"});
  DeviceFeed feed(h.engine(), stall, 2);
  std::vector<Frame> frames;
  EXPECT_EQ(feed.on_live(ev, frames), DeviceFeed::Live::held);
  EXPECT_EQ(feed.on_live(ev, frames), DeviceFeed::Live::held);
  EXPECT_EQ(feed.on_live(ev, frames), DeviceFeed::Live::overflow);
  ASSERT_TRUE(feed.start(0, frames).ok());
  // hello + the replayed seq 1; the held copies of seq 1 are not sent twice.
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(frames[1].seq, 1u);
}

// A stall that received `credits` payments (transaction ids from `first_txn`) and a device feed
// over it that replays two events a page.
struct PagedReplay {
  PagedReplay(int credits, std::uint64_t first_txn)
      : s(h.make_stall()), stall{std::stoull(s.stall_id)}, feed(h.engine(), stall, 16, 2) {
    for (int i = 0; i < credits; ++i)
      EXPECT_EQ(h.sepay(first_txn + i, 10000 + i, s.account, "tien rau").status, 200);
  }
  Harness h;
  Harness::StallSetup s;
  StallId stall;
  DeviceFeed feed;
};

TEST(DeviceFeed, ReplaysAPageAtATimeAndReadsEventsThatArriveMeanwhileFromTheStore) {
  PagedReplay r(5, 7000);
  auto& [h, s, stall, feed] = r;
  auto event = [&](std::uint64_t seq) {
    auto page = h.engine().outbox_after(stall, seq - 1, 1);
    EXPECT_TRUE(page.ok() && page->events.size() == 1);
    return std::make_shared<HubEvent>(HubEvent{page->events.at(0), "live"});
  };
  std::vector<Frame> frames;
  ASSERT_TRUE(feed.start(0, frames).ok());
  ASSERT_EQ(frames.size(), 3u);  // hello + seq 1, 2
  EXPECT_EQ(frames[2].seq, 2u);
  EXPECT_TRUE(feed.replaying());

  // Seq 6 arrives during the replay: the hub's copy is skipped, a later page reads it.
  ASSERT_EQ(h.sepay(7005, 16000, s.account, "tien ca").status, 200);
  frames.clear();
  EXPECT_EQ(feed.on_live(event(6), frames), DeviceFeed::Live::skipped);
  EXPECT_TRUE(frames.empty());

  std::vector<std::uint64_t> seqs;
  std::vector<bool> replayed;
  while (feed.replaying()) {
    frames.clear();
    ASSERT_TRUE(feed.next_page(frames).ok());
    ASSERT_LE(frames.size(), 2u);
    for (const auto& f : frames) {
      seqs.push_back(f.seq);
      replayed.push_back(f.replayed);
      EXPECT_FALSE(f.live);
    }
  }
  EXPECT_EQ(seqs, (std::vector<std::uint64_t>{3, 4, 5, 6}));
  // 1–5 were missed while away; 6 arrived during the catch-up and is not marked replayed.
  EXPECT_EQ(replayed, (std::vector<bool>{true, true, true, false}));
  EXPECT_EQ(feed.last_sent(), 6u);

  // After the replay, live events flow from the hub.
  ASSERT_EQ(h.sepay(7006, 17000, s.account, "tien ca").status, 200);
  frames.clear();
  EXPECT_EQ(feed.on_live(event(7), frames), DeviceFeed::Live::sent);
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].seq, 7u);
  EXPECT_TRUE(frames[0].live);
  EXPECT_FALSE(frames[0].replayed);
}

TEST(DeviceFeed, HistoryTrimmedBetweenTwoPagesIsAnnouncedAsTruncated) {
  PagedReplay r(5, 9000);
  auto& [h, s, stall, feed] = r;
  std::vector<Frame> frames;
  ASSERT_TRUE(feed.start(0, frames).ok());
  ASSERT_EQ(frames.size(), 3u);  // hello + seq 1, 2
  ASSERT_TRUE(feed.replaying());

  // A week and a day later, enough batches for the engine's periodic trim: seq 1–5 are dropped.
  h.clock().advance_ms(8LL * 24 * 3600 * 1000);
  for (int i = 0; i < 300; ++i) ASSERT_EQ(h.sepay(9100 + i, 1000, s.account, "b").status, 200);
  auto oldest = h.engine().outbox_after(stall, 0, 1);
  ASSERT_TRUE(oldest.ok());
  ASSERT_GT(oldest->oldest_retained_seq, 3u) << "the trim did not run";

  frames.clear();
  ASSERT_TRUE(feed.next_page(frames).ok());
  ASSERT_EQ(frames.size(), 3u);
  EXPECT_EQ(frames[0].kind, Frame::Kind::history_truncated);
  EXPECT_NE(frames[0].json.find("\"oldest_seq\":" + std::to_string(oldest->oldest_retained_seq)),
            std::string::npos);
  EXPECT_EQ(frames[1].seq, oldest->oldest_retained_seq);
  EXPECT_EQ(frames[2].seq, oldest->oldest_retained_seq + 1);
}

TEST(DeviceFeed, AReplayThatFitsOnePageEndsAtStart) {
  PagedReplay r(2, 8000);
  auto& feed = r.feed;
  std::vector<Frame> frames;
  ASSERT_TRUE(feed.start(0, frames).ok());
  ASSERT_EQ(frames.size(), 3u);  // a full page that reaches the newest event
  EXPECT_FALSE(feed.replaying());
  frames.clear();
  ASSERT_TRUE(feed.next_page(frames).ok());
  EXPECT_TRUE(frames.empty());
}

TEST(OpenApi, EveryRouteIsDocumented) {
  Harness h;
  auto doc = boost::json::parse(h.call("GET", "/openapi.json").raw.body).as_object();
  const auto& paths = doc.at("paths").as_object();
  std::set<std::string> routes;
  for (const auto& e : h.api().router().entries()) {
    routes.insert(e.method + " " + e.pattern);
    auto* p = paths.if_contains(e.pattern);
    ASSERT_TRUE(p) << e.pattern << " is not in switch/openapi.json";
    std::string m = e.method;
    for (auto& c : m) c = static_cast<char>(std::tolower(c));
    EXPECT_TRUE(p->as_object().contains(m)) << e.method << " " << e.pattern;
  }
  EXPECT_GE(routes.size(), 30u);
}

}  // namespace
}  // namespace cho4::server
