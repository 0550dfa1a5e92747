// Published vectors (webhooks.md): payOS docs example, Casso v2, Standard Webhooks; and for every
// signed scheme, that flipping any single byte of the signed content, the signature or the
// timestamp fails with the right typed error, and that an old timestamp is "stale".
#include <gtest/gtest.h>

#include "adapters/canonical_json.h"
#include "adapters/hmac.h"
#include "adapters/internal.h"
#include "test_util.h"

namespace cho4::adapters {
namespace {

using test::make_adapter;

constexpr std::string_view kPayosKey =
    "1a54716c8f0efb2744fb28b6e38b25da7f67a925d98bc1c18bd8faaecadd7675";
constexpr std::string_view kPayosBody =
    R"({"code":"00","desc":"success","success":true,"data":{"orderCode":123,"amount":3000,"description":"VQRIO123","accountNumber":"12345678","reference":"TF230204212323","transactionDateTime":"2023-02-04 18:25:00","currency":"VND","paymentLinkId":"124c33293c43417ab7879e14c8d9eb18","code":"00","desc":"Thành công","counterAccountBankId":"","counterAccountBankName":"","counterAccountName":"","counterAccountNumber":"","virtualAccountName":"","virtualAccountNumber":""},"signature":"412e915d2871504ed31be63c8f62a149a4410d34c4c42affc9006ef9917eaa03"})";
constexpr std::string_view kPayosSigned =
    "accountNumber=12345678&amount=3000&code=00&counterAccountBankId=&counterAccountBankName=&"
    "counterAccountName=&counterAccountNumber=&currency=VND&desc=Thành công&description=VQRIO123&"
    "orderCode=123&paymentLinkId=124c33293c43417ab7879e14c8d9eb18&reference=TF230204212323&"
    "transactionDateTime=2023-02-04 18:25:00&virtualAccountName=&virtualAccountNumber=";

constexpr std::string_view kCassoKey =
    "mgExMrjj4i7a1p8Cs6LmFbpCd8lbw4sSX4LZXPag7TKazeIogtR90tvWYTkwQbvs";
constexpr std::int64_t kCassoT = 1727948258788;
constexpr std::string_view kCassoBody =
    R"({"error":0,"data":{"id":0,"reference":"MA_GIAO_DICH_THU_NGHIEM","description":"giao dich thu nghiem","amount":599000,"runningBalance":25000000,"transactionDateTime":"2024-10-03 15:06:37","accountNumber":"88888888","bankName":"VPBank","bankAbbreviation":"VPB","virtualAccountNumber":"","virtualAccountName":"","counterAccountName":"NGUYEN VAN A","counterAccountNumber":"8888888888","counterAccountBankId":"970415","counterAccountBankName":"VietinBank"}})";
constexpr std::string_view kCassoV1 =
    "ed0a4bd2e826d5cb69988cdb141e6c1a080e21f3b57eb72cd78192220042b9e7"
    "dde0868fc667faea8e224900fa7904e7c88dfa098032fb2d6b6996856e8b7ff3";

std::string payos_config() {
  return R"({"kind":"payos","name":"payos-main","checksum_key":")" + std::string(kPayosKey) + "\"}";
}
std::string casso_config() {
  return R"({"kind":"casso","name":"casso-v2","version":2,"secret":")" + std::string(kCassoKey) +
         "\"}";
}

HttpRequest post(std::string body) {
  HttpRequest r;
  r.method = "POST";
  r.target = "/v1/webhooks/x";
  r.headers.add("Content-Type", "application/json");
  r.body = std::move(body);
  return r;
}

bool is_hex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

TEST(PayosVector, SignedStringAndSignatureMatchTheDocs) {
  auto body = boost::json::parse(kPayosBody).as_object();
  EXPECT_EQ(internal::payos_signed_string(body.at("data").as_object()), kPayosSigned);
  auto adapter = make_adapter(payos_config());
  auto r = adapter->authenticate(post(std::string(kPayosBody)), test::kNow);
  ASSERT_TRUE(r.ok()) << to_string(r.error());
  EXPECT_EQ(*r, VerifiedScheme::payos_signature);
  auto credits = adapter->parse(post(std::string(kPayosBody)), test::kNow);
  ASSERT_TRUE(credits.ok()) << to_string(credits.error());
  ASSERT_EQ(credits->size(), 1u);
  const BankCredit& c = credits->front();
  EXPECT_EQ(c.provider_txn_id, "TF230204212323");
  EXPECT_EQ(c.amount.vnd(), 3000);
  EXPECT_EQ(c.direction, Direction::in);
  EXPECT_EQ(c.description, "VQRIO123");
  EXPECT_EQ(c.account, "12345678");
  EXPECT_EQ(c.occurred_at_ms, *parse_vn_datetime("2023-02-04 18:25:00"));
  EXPECT_EQ(adapter->success_response(*credits).status, 200);
}

TEST(PayosVector, EveryFlippedByteOfDataOrSignatureFails) {
  auto adapter = make_adapter(payos_config());
  const std::string body(kPayosBody);
  const std::size_t data_begin = body.find("\"data\":{") + 7;
  const std::size_t data_end = body.find("},\"signature\"") + 1;
  const std::size_t sig_begin = body.find("\"signature\":\"") + 13;
  for (std::size_t i = data_begin; i < data_end; ++i) {
    std::string mutated = body;
    mutated[i] = static_cast<char>(mutated[i] ^ 0x01);
    auto r = adapter->authenticate(post(mutated), test::kNow);
    ASSERT_FALSE(r.ok()) << "flip at " << i;
    EXPECT_EQ(r.error().kind, AuthErrorKind::bad_signature) << "flip at " << i;
  }
  for (std::size_t i = sig_begin; i < sig_begin + 64; ++i) {
    std::string mutated = body;
    mutated[i] = static_cast<char>(mutated[i] ^ 0x01);
    auto r = adapter->authenticate(post(mutated), test::kNow);
    ASSERT_FALSE(r.ok()) << "flip at " << i;
    EXPECT_EQ(r.error().kind,
              is_hex(mutated[i]) ? AuthErrorKind::bad_signature : AuthErrorKind::malformed_header)
        << "flip at " << i;
  }
}

TEST(PayosVector, EnvelopeIsNotSignedSoNothingIsTakenFromIt) {
  auto adapter = make_adapter(payos_config());
  std::string body(kPayosBody);
  body.replace(body.find("\"desc\":\"success\""), 16, "\"desc\":\"tampered\"");
  EXPECT_TRUE(adapter->authenticate(post(body), test::kNow).ok());
  auto credits = adapter->parse(post(body), test::kNow);
  ASSERT_TRUE(credits.ok());
  EXPECT_EQ(credits->front().amount.vnd(), 3000);
}

TEST(PayosVector, MissingSignatureIsMissingCredentials) {
  auto adapter = make_adapter(payos_config());
  std::string body(kPayosBody);
  body = body.substr(0, body.find(",\"signature\"")) + "}";
  auto r = adapter->authenticate(post(body), test::kNow);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, AuthErrorKind::missing_credentials);
}

HttpRequest casso_request(std::string body, std::int64_t t, std::string_view sig) {
  HttpRequest r = post(std::move(body));
  r.headers.add("X-Casso-Signature", "t=" + std::to_string(t) + ",v1=" + std::string(sig));
  return r;
}

TEST(CassoVector, PublishedSignatureVerifies) {
  auto adapter = make_adapter(casso_config());
  auto r =
      adapter->authenticate(casso_request(std::string(kCassoBody), kCassoT, kCassoV1), kCassoT);
  ASSERT_TRUE(r.ok()) << to_string(r.error());
  EXPECT_EQ(*r, VerifiedScheme::casso_hmac_sha512);
  auto credits = adapter->parse(casso_request(std::string(kCassoBody), kCassoT, kCassoV1), kCassoT);
  ASSERT_TRUE(credits.ok()) << to_string(credits.error());
  EXPECT_EQ(credits->front().provider_txn_id, "0");
  EXPECT_EQ(credits->front().bank_reference, "MA_GIAO_DICH_THU_NGHIEM");
  EXPECT_EQ(credits->front().amount.vnd(), 599000);
  EXPECT_EQ(credits->front().bank, "VPB");
  EXPECT_EQ(credits->front().account, "88888888");
}

TEST(CassoVector, EveryFlippedByteOfBodySignatureOrTimestampFails) {
  auto adapter = make_adapter(casso_config());
  const std::string body(kCassoBody);
  for (std::size_t i = 0; i < body.size(); ++i) {
    std::string mutated = body;
    mutated[i] = static_cast<char>(mutated[i] ^ 0x01);
    auto r = adapter->authenticate(casso_request(mutated, kCassoT, kCassoV1), kCassoT);
    ASSERT_FALSE(r.ok()) << "body flip at " << i;
    EXPECT_EQ(r.error().kind, AuthErrorKind::bad_signature) << "body flip at " << i;
  }
  const std::string sig(kCassoV1);
  for (std::size_t i = 0; i < sig.size(); ++i) {
    std::string mutated = sig;
    mutated[i] = static_cast<char>(mutated[i] ^ 0x01);
    auto r = adapter->authenticate(casso_request(body, kCassoT, mutated), kCassoT);
    ASSERT_FALSE(r.ok()) << "signature flip at " << i;
    EXPECT_EQ(r.error().kind,
              is_hex(mutated[i]) ? AuthErrorKind::bad_signature : AuthErrorKind::malformed_header);
  }
  const std::string header = "t=" + std::to_string(kCassoT) + ",v1=" + sig;
  for (std::size_t i = 2; i < 2 + 13; ++i) {
    HttpRequest req = post(body);
    std::string mutated = header;
    mutated[i] = static_cast<char>(mutated[i] ^ 0x01);
    req.headers.add("X-Casso-Signature", mutated);
    auto r = adapter->authenticate(req, kCassoT);
    ASSERT_FALSE(r.ok()) << "timestamp flip at " << i;
    auto t = internal::parse_timestamp_digits(mutated.substr(2, 13));
    AuthErrorKind want = !t                                   ? AuthErrorKind::malformed_header
                         : std::llabs(*t - kCassoT) > 300'000 ? AuthErrorKind::stale_timestamp
                                                              : AuthErrorKind::bad_signature;
    EXPECT_EQ(r.error().kind, want) << "timestamp flip at " << i << ": " << mutated;
  }
}

TEST(CassoVector, OutsideTheWindowIsStaleNotBadSignature) {
  auto adapter = make_adapter(casso_config());
  auto req = casso_request(std::string(kCassoBody), kCassoT, kCassoV1);
  EXPECT_TRUE(adapter->authenticate(req, kCassoT + 300'000).ok());
  EXPECT_TRUE(adapter->authenticate(req, kCassoT - 300'000).ok());
  auto late = adapter->authenticate(req, kCassoT + 300'001);
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(late.error().kind, AuthErrorKind::stale_timestamp);
  auto early = adapter->authenticate(req, kCassoT - 3'600'000);
  ASSERT_FALSE(early.ok());
  EXPECT_EQ(early.error().kind, AuthErrorKind::stale_timestamp);
}

// Casso's senders escape "/" and non-ASCII differently; whichever form was signed and whichever
// was sent, the signature verifies.
TEST(CassoVector, BothEscapingFormsVerify) {
  auto adapter = make_adapter(casso_config());
  auto v = boost::json::parse(kCassoBody);
  v.as_object()["data"].as_object()["description"] = "Thanh toán HĐ 12/2026 🥭";
  StringifyOptions js{KeyOrder::as_is, false, false};
  StringifyOptions php{KeyOrder::as_is, true, true};
  const std::string body_js = js_stringify(v, js);
  const std::string body_php = js_stringify(v, php);
  ASSERT_NE(body_js, body_php);
  EXPECT_NE(body_php.find("\\/"), std::string::npos);
  EXPECT_NE(body_php.find("\\u0110"), std::string::npos);  // Đ
  EXPECT_NE(body_php.find("\\ud83e\\udd6d"), std::string::npos);
  for (bool sign_php : {false, true}) {
    StringifyOptions sorted{KeyOrder::utf16, sign_php, sign_php};
    std::string t = std::to_string(kCassoT);
    std::string mac =
        hex_lower(hmac(HashAlg::sha512, kCassoKey, t + "." + js_stringify(v, sorted)).view());
    for (const std::string& sent : {body_js, body_php}) {
      auto r = adapter->authenticate(casso_request(sent, kCassoT, mac), kCassoT);
      EXPECT_TRUE(r.ok()) << "signed php=" << sign_php << " sent " << sent;
      auto credits = adapter->parse(casso_request(sent, kCassoT, mac), kCassoT);
      ASSERT_TRUE(credits.ok());
      EXPECT_EQ(credits->front().description, "Thanh toán HĐ 12/2026 🥭");
    }
  }
}

TEST(StandardWebhooksVector, ReferenceLibraryVectorVerifies) {
  // The vector of the standard-webhooks reference libraries.
  auto adapter = make_adapter(
      R"({"kind":"standard_webhooks","name":"sw","secret":"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"})");
  HttpRequest req = post(R"({"test": 2432232314})");
  req.headers.add("webhook-id", "msg_p5jXN8AQM9LWM0D4loKWxJek");
  req.headers.add("webhook-timestamp", "1614265330");
  req.headers.add("webhook-signature",
                  "v1,bm9ldHUjKzFob2VudXRob2VodWUzMjRvdWVvdW9ldTM= "
                  "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
  auto r = adapter->authenticate(req, 1614265330'000);
  ASSERT_TRUE(r.ok()) << to_string(r.error());
  EXPECT_EQ(*r, VerifiedScheme::standard_webhooks);
  auto stale = adapter->authenticate(req, 1614265330'000 + 301'000);
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.error().kind, AuthErrorKind::stale_timestamp);
  req.headers.set("webhook-signature", "v1,bm9ldHUjKzFob2VudXRob2VodWUzMjRvdWVvdW9ldTM=");
  auto bad = adapter->authenticate(req, 1614265330'000);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().kind, AuthErrorKind::bad_signature);
  req.headers.set("webhook-signature", "v1a,whatever");
  EXPECT_EQ(adapter->authenticate(req, 1614265330'000).error().kind,
            AuthErrorKind::malformed_header);
}

// SePay and Standard Webhooks have no published vector: signed by our signer, every single-byte
// flip of body, signature and timestamp must still fail with its own kind.
struct FlipCase {
  std::string config;
  std::string timestamp_header;
  std::string signature_header;
  std::size_t signature_skip;  // bytes of prefix before the encoded MAC ("sha256=", "v1,")
  bool base64;
};

class SignedFlips : public ::testing::TestWithParam<FlipCase> {};

TEST_P(SignedFlips, EveryFlipFailsWithItsKind) {
  const FlipCase& fc = GetParam();
  auto adapter = make_adapter(fc.config);
  auto signer = test::make_signer(fc.config);
  std::mt19937_64 rng(7);
  BankCredit c = test::random_credit(rng, test::CreditShape{.numeric_id = true});
  auto signed_req = signer->sign(std::span(&c, 1), test::kNow);
  ASSERT_TRUE(signed_req.ok());
  const HttpRequest good = *signed_req;
  ASSERT_TRUE(adapter->authenticate(good, test::kNow).ok());
  for (std::size_t i = 0; i < good.body.size(); ++i) {
    HttpRequest r = good;
    r.body[i] = static_cast<char>(r.body[i] ^ 0x01);
    auto a = adapter->authenticate(r, test::kNow);
    ASSERT_FALSE(a.ok()) << "body flip at " << i;
    EXPECT_EQ(a.error().kind, AuthErrorKind::bad_signature);
  }
  const std::string sig(*good.headers.get(fc.signature_header));
  for (std::size_t i = fc.signature_skip; i < sig.size(); ++i) {
    HttpRequest r = good;
    std::string m = sig;
    m[i] = static_cast<char>(m[i] ^ 0x01);
    r.headers.set(fc.signature_header, m);
    auto a = adapter->authenticate(r, test::kNow);
    ASSERT_FALSE(a.ok()) << "signature flip at " << i;
    if (fc.base64) {
      EXPECT_EQ(a.error().kind, AuthErrorKind::bad_signature);
    } else {
      EXPECT_EQ(a.error().kind,
                is_hex(m[i]) ? AuthErrorKind::bad_signature : AuthErrorKind::malformed_header);
    }
  }
  const std::string ts(*good.headers.get(fc.timestamp_header));
  for (std::size_t i = 0; i < ts.size(); ++i) {
    HttpRequest r = good;
    std::string m = ts;
    m[i] = static_cast<char>(m[i] ^ 0x01);
    r.headers.set(fc.timestamp_header, m);
    auto a = adapter->authenticate(r, test::kNow);
    ASSERT_FALSE(a.ok()) << "timestamp flip at " << i;
    auto t = internal::parse_timestamp_digits(m);
    AuthErrorKind want = !t ? AuthErrorKind::malformed_header
                         : std::llabs(*t * 1000 - test::kNow) > 300'000
                             ? AuthErrorKind::stale_timestamp
                             : AuthErrorKind::bad_signature;
    EXPECT_EQ(a.error().kind, want) << m;
  }
  // Genuine but replayed later: stale, not bad signature.
  auto late = adapter->authenticate(good, test::kNow + 301'000);
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(late.error().kind, AuthErrorKind::stale_timestamp);
  EXPECT_TRUE(adapter->authenticate(good, test::kNow + 299'000).ok());
}

INSTANTIATE_TEST_SUITE_P(
    Schemes, SignedFlips,
    ::testing::Values(
        FlipCase{R"({"kind":"sepay","name":"sepay-main","auth":"hmac","secret":"s3cr3t"})",
                 "X-SePay-Timestamp", "X-SePay-Signature", 7, false},
        FlipCase{
            R"({"kind":"standard_webhooks","name":"sw","secret":"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"})",
            "webhook-timestamp", "webhook-signature", 3, true}));

}  // namespace
}  // namespace cho4::adapters
