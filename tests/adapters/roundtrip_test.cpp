// For every adapter and authentication mode: a seeded random set of credits is signed the way
// the provider sends it, authenticated and parsed back to exactly the same credits.
#include <gtest/gtest.h>

#include <thread>

#include "test_util.h"

namespace cho4::adapters {
namespace {

constexpr int kCreditsPerMode = 200;

struct Mode {
  std::string label;
  std::string config;
  test::CreditShape shape;
  VerifiedScheme scheme;
  bool token = false;
  std::size_t batch = 1;  // credits per request
};

void PrintTo(const Mode& m, std::ostream* os) {
  *os << m.label;
}

class RoundTrip : public ::testing::TestWithParam<Mode> {};

TEST_P(RoundTrip, SignAuthenticateParse) {
  const Mode& m = GetParam();
  auto adapter = test::make_adapter(m.config);
  auto signer = test::make_signer(m.config);
  ASSERT_TRUE(adapter && signer);
  std::string name = test::config(m.config).at("name").as_string().c_str();
  std::mt19937_64 rng(20260108 + std::hash<std::string>{}(m.label));
  std::string token = m.token ? test::obtain_token(*adapter, *signer, test::kNow) : "";
  int outgoing = 0;
  for (int i = 0; i < kCreditsPerMode; i += static_cast<int>(m.batch)) {
    std::vector<BankCredit> credits;
    for (std::size_t k = 0; k < m.batch; ++k) credits.push_back(test::random_credit(rng, m.shape));
    UnixMs now = test::kNow + i * 1000;
    auto req = signer->sign(credits, now, token);
    ASSERT_TRUE(req.ok()) << req.error().to_string();
    auto auth = adapter->authenticate(*req, now);
    ASSERT_TRUE(auth.ok()) << to_string(auth.error()) << "\n" << req->body;
    EXPECT_EQ(*auth, m.scheme);
    auto parsed = adapter->parse(*req, now + 5);
    ASSERT_TRUE(parsed.ok()) << to_string(parsed.error()) << "\n" << req->body;
    ASSERT_EQ(parsed->size(), credits.size());
    for (std::size_t k = 0; k < credits.size(); ++k) {
      EXPECT_EQ((*parsed)[k], test::as_parsed(credits[k], name, now + 5, m.scheme))
          << "credit " << i + k << "\n"
          << req->body;
      outgoing += credits[k].direction == Direction::out;
    }
  }
  if (m.shape.outgoing) {
    EXPECT_GT(outgoing, 0) << "the random set must include outgoing transfers";
  }
}

INSTANTIATE_TEST_SUITE_P(
    Adapters, RoundTrip,
    ::testing::Values(
        Mode{"sepay_none",
             R"({"kind":"sepay","name":"sepay-open","auth":"none"})",
             {.numeric_id = true},
             VerifiedScheme::none},
        Mode{"sepay_apikey",
             R"({"kind":"sepay","name":"sepay-key","auth":"apikey","api_key":"k-123"})",
             {.numeric_id = true},
             VerifiedScheme::api_key},
        Mode{
            "sepay_hmac",
            R"({"kind":"sepay","name":"sepay-main","auth":"hmac","secret_env":"CHO4_TEST_SEPAY_SECRET"})",
            {.numeric_id = true},
            VerifiedScheme::hmac_sha256},
        Mode{
            "sepay_oauth2",
            R"({"kind":"sepay","name":"sepay-oauth","auth":"oauth2","client_id":"sepay","client_secret":"cs-1"})",
            {.numeric_id = true},
            VerifiedScheme::oauth2_bearer,
            true},
        Mode{"payos",
             R"({"kind":"payos","name":"payos-main","checksum_key":"ck-payos"})",
             {.outgoing = false, .bank_reference_is_id = true, .has_bank = false},
             VerifiedScheme::payos_signature},
        Mode{"casso_v1",
             R"({"kind":"casso","name":"casso-v1","version":1,"secure_token":"st-1"})",
             {.numeric_id = true, .date_only = true, .has_bank = false, .sub_account = false},
             VerifiedScheme::api_key,
             false,
             5},
        Mode{"casso_v2",
             R"({"kind":"casso","name":"casso-v2","version":2,"secret":"cs-2"})",
             {.numeric_id = true},
             VerifiedScheme::casso_hmac_sha512},
        Mode{
            "vietqr",
            R"({"kind":"vietqr","name":"vietqr-sync","username":"vqr","password":"pw","bank":"970436"})",
            {.bank_reference_is_id = true, .fixed_bank = "970436", .sub_account = false},
            VerifiedScheme::vietqr_bearer,
            true},
        Mode{
            "standard_webhooks",
            R"({"kind":"standard_webhooks","name":"sw","secret":"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"})",
            {},
            VerifiedScheme::standard_webhooks},
        Mode{
            "standard_webhooks_batch",
            R"({"kind":"standard_webhooks","name":"sw-batch","secret":"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"})",
            {},
            VerifiedScheme::standard_webhooks,
            false,
            4}),
    [](const auto& param_info) { return param_info.param.label; });

// One adapter instance serves every I/O thread: concurrent authenticate + parse agree with the
// single-threaded result (per-thread HMAC contexts, no shared mutable state).
TEST(RoundTripEdges, ConcurrentThreadsShareOneInstance) {
  const std::string cfg = R"({"kind":"sepay","name":"sepay-main","auth":"hmac","secret":"s"})";
  auto adapter = test::make_adapter(cfg);
  auto signer = test::make_signer(cfg);
  std::mt19937_64 rng(17);
  std::vector<HttpRequest> requests;
  std::vector<BankCredit> credits;
  for (int i = 0; i < 64; ++i) {
    credits.push_back(test::random_credit(rng, {.numeric_id = true}));
    requests.push_back(signer->sign(std::span(&credits.back(), 1), test::kNow).value());
  }
  constexpr int kThreads = 4;
  std::vector<int> good(kThreads, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 5; ++round) {
        for (std::size_t i = 0; i < requests.size(); ++i) {
          bool ok = adapter->authenticate(requests[i], test::kNow).ok();
          auto parsed = adapter->parse(requests[i], test::kNow);
          ok = ok && parsed.ok() &&
               parsed->front() == test::as_parsed(credits[i], "sepay-main", test::kNow,
                                                  VerifiedScheme::hmac_sha256);
          good[t] += ok;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int n : good) EXPECT_EQ(n, 5 * 64);
}

TEST(RoundTripEdges, VietqrFloatAmountAndCamelCaseKeys) {
  const std::string cfg =
      R"({"kind":"vietqr","name":"vietqr-sync","username":"vqr","password":"pw"})";
  auto adapter = test::make_adapter(cfg);
  auto signer = test::make_signer(cfg);
  std::string token = test::obtain_token(*adapter, *signer, test::kNow);
  HttpRequest req;
  req.method = "POST";
  req.headers.add("Authorization", "Bearer " + token);
  req.body =
      R"({"transactionid":"c0e43e2c-75b8-4c7f-8826-b72945d89a9f","transactiontime":1767844560000,"referencenumber":"FT26008507756020","amount":25000.0,"content":"QR VQR712a7d45ea DU5gUz Ma giao dich Trace756759 Trace 756759","bankaccount":"2625081990","orderId":"","sign":"","terminalCode":"","urlLink":"","serviceCode":"","subTerminalCode":""})";
  ASSERT_TRUE(adapter->authenticate(req, test::kNow).ok());
  auto credits = adapter->parse(req, test::kNow);
  ASSERT_TRUE(credits.ok()) << to_string(credits.error());
  EXPECT_EQ(credits->front().amount.vnd(), 25000);
  EXPECT_EQ(credits->front().provider_txn_id, "FT26008507756020");
  EXPECT_EQ(credits->front().occurred_at_ms, 1767844560000);
  auto reply = adapter->success_response(*credits);
  EXPECT_EQ(
      reply.body,
      R"({"error":false,"errorReason":null,"toastMessage":"","object":{"reftransactionid":"FT26008507756020"}})");
  // camelCase keys from other VietQR.vn versions.
  req.body =
      R"({"transactionId":"x","transactionTime":1767844560000,"referenceNumber":"FT1","amount":500,"content":"a","bankAccount":"1","transType":"D"})";
  credits = adapter->parse(req, test::kNow);
  ASSERT_TRUE(credits.ok()) << to_string(credits.error());
  EXPECT_EQ(credits->front().direction, Direction::out);
  EXPECT_EQ(credits->front().provider_txn_id, "FT1");
}

TEST(RoundTripEdges, SepaySampleFromTheDocs) {
  auto adapter = test::make_adapter(R"({"kind":"sepay","name":"sepay-open"})");
  HttpRequest req;
  req.body =
      R"({"id":92704,"gateway":"Vietcombank","transactionDate":"2023-03-25 14:02:37","accountNumber":"0123499999","code":null,"content":"chuyen tien mua iphone","transferType":"in","transferAmount":2277000,"accumulated":19077000,"subAccount":null,"referenceCode":"MBVCB.3278907687","description":""})";
  auto credits = adapter->parse(req, test::kNow);
  ASSERT_TRUE(credits.ok());
  const BankCredit& c = credits->front();
  EXPECT_EQ(c.provider_txn_id, "92704");
  EXPECT_EQ(c.bank, "Vietcombank");
  EXPECT_EQ(c.bank_reference, "MBVCB.3278907687");
  EXPECT_EQ(c.amount.vnd(), 2277000);
  EXPECT_EQ(c.sub_account, "");
  EXPECT_EQ(c.occurred_at_ms, *parse_vn_datetime("2023-03-25 14:02:37"));
  EXPECT_EQ(adapter->success_response(*credits).body, R"({"success": true})");
}

TEST(RoundTripEdges, CassoV1SampleFromTheDocs) {
  auto adapter =
      test::make_adapter(R"({"kind":"casso","name":"c1","version":1,"secure_token":"t"})");
  HttpRequest req;
  req.headers.add("Secure-Token", "t");
  req.body =
      R"({"error":0,"data":[{"id":1,"when":"2020-11-02","amount":200500,"description":"DH35","cusum_balance":15900500,"tid":"TF80307914","subAccId":"123456789"},{"id":2,"when":"2020-11-02 10:11:12","amount":-5000,"description":"hoàn tiền","tid":"TF2","subAccId":"123456789"}]})";
  ASSERT_TRUE(adapter->authenticate(req, test::kNow).ok());
  auto credits = adapter->parse(req, test::kNow);
  ASSERT_TRUE(credits.ok()) << to_string(credits.error());
  ASSERT_EQ(credits->size(), 2u);
  EXPECT_TRUE((*credits)[0].occurred_date_only);
  EXPECT_EQ((*credits)[0].occurred_at_ms, vn_day_start_ms(CivilDate{2020, 11, 2}));
  EXPECT_EQ((*credits)[0].account, "123456789");
  EXPECT_EQ((*credits)[1].direction, Direction::out);
  EXPECT_EQ((*credits)[1].amount.vnd(), 5000);
  EXPECT_FALSE((*credits)[1].occurred_date_only);
  req.headers.set("Secure-Token", "u");
  EXPECT_EQ(adapter->authenticate(req, test::kNow).error().kind, AuthErrorKind::bad_credentials);
  req.headers.remove("Secure-Token");
  EXPECT_EQ(adapter->authenticate(req, test::kNow).error().kind,
            AuthErrorKind::missing_credentials);
}

TEST(RoundTripEdges, SignersRefuseWhatTheProviderCannotSay) {
  std::mt19937_64 rng(1);
  BankCredit out = test::random_credit(rng, {.numeric_id = true});
  out.direction = Direction::out;
  auto payos = test::make_signer(R"({"kind":"payos","name":"p","checksum_key":"k"})");
  EXPECT_FALSE(payos->sign(std::span(&out, 1), test::kNow).ok());
  BankCredit text_id = out;
  text_id.provider_txn_id = "FT123";
  auto sepay = test::make_signer(R"({"kind":"sepay","name":"s"})");
  EXPECT_FALSE(sepay->sign(std::span(&text_id, 1), test::kNow).ok());
  std::vector<BankCredit> two{out, out};
  EXPECT_FALSE(sepay->sign(two, test::kNow).ok());
}

}  // namespace
}  // namespace cho4::adapters
