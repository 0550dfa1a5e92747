// Token endpoints that providers call first: SePay OAuth2 client credentials and VietQR.vn
// token_generate. Tokens are self-contained, so they verify after a "restart" (a fresh adapter
// from the same configuration) until they expire, and never on another instance.
#include <gtest/gtest.h>

#include "adapters/hmac.h"
#include "test_util.h"

namespace cho4::adapters {
namespace {

constexpr std::string_view kSepay =
    R"({"kind":"sepay","name":"sepay-oauth","auth":"oauth2","client_id":"sepay","client_secret":"cs-1","token_ttl_s":3600})";
constexpr std::string_view kVietqr =
    R"({"kind":"vietqr","name":"vietqr-sync","username":"vqr","password":"pw"})";

HttpRequest with_bearer(std::string token) {
  HttpRequest r;
  r.method = "POST";
  r.headers.add("Authorization", "Bearer " + token);
  r.body = "{}";
  return r;
}

TEST(Tokens, VietqrTokenGenerateIssuesA300SecondBearer) {
  auto adapter = test::make_adapter(kVietqr);
  ASSERT_TRUE(adapter->has_token_endpoint());
  HttpRequest req;
  req.method = "POST";
  req.headers.add("Authorization", "Basic " + base64_encode("vqr:pw"));
  auto reply = adapter->handle_token_request(req, test::kNow);
  ASSERT_TRUE(reply.ok()) << to_string(reply.error());
  EXPECT_EQ(reply->status, 200);
  EXPECT_NE(reply->body.find("\"token_type\":\"Bearer\",\"expires_in\":300"), std::string::npos);
  std::string token = bearer_from_token_reply(reply->body).value();
  EXPECT_TRUE(adapter->authenticate(with_bearer(token), test::kNow + 299'999).ok());
  auto expired = adapter->authenticate(with_bearer(token), test::kNow + 300'000);
  ASSERT_FALSE(expired.ok());
  EXPECT_EQ(expired.error().kind, AuthErrorKind::expired_token);

  req.headers.set("Authorization", "Basic " + base64_encode("vqr:wrong"));
  EXPECT_EQ(adapter->handle_token_request(req, test::kNow).error().kind,
            AuthErrorKind::bad_credentials);
  req.headers.set("Authorization", "Basic !!!");
  EXPECT_EQ(adapter->handle_token_request(req, test::kNow).error().kind,
            AuthErrorKind::malformed_header);
  req.headers.remove("Authorization");
  EXPECT_EQ(adapter->handle_token_request(req, test::kNow).error().kind,
            AuthErrorKind::missing_credentials);
  auto failure = adapter->failure_response(expired.error());
  EXPECT_EQ(failure.status, 401);
  EXPECT_NE(failure.body.find("\"error\":true"), std::string::npos);
}

TEST(Tokens, SurviveARestartUntilTheyExpire) {
  for (std::string_view cfg : {kSepay, kVietqr}) {
    auto before = test::make_adapter(cfg);
    auto signer = test::make_signer(cfg);
    std::string token = test::obtain_token(*before, *signer, test::kNow);
    before.reset();
    auto after = test::make_adapter(cfg);  // same configuration, no shared state
    EXPECT_TRUE(after->authenticate(with_bearer(token), test::kNow + 1000).ok()) << cfg;
  }
}

TEST(Tokens, RefusedByAnotherInstanceOrWhenForged) {
  auto a = test::make_adapter(kSepay);
  auto signer = test::make_signer(kSepay);
  std::string token = test::obtain_token(*a, *signer, test::kNow);
  // Same secret, other instance name: the derived key differs.
  auto other = test::make_adapter(
      R"({"kind":"sepay","name":"sepay-other","auth":"oauth2","client_id":"sepay","client_secret":"cs-1"})");
  EXPECT_EQ(other->authenticate(with_bearer(token), test::kNow).error().kind,
            AuthErrorKind::bad_token);
  // Same explicit token key, other instance: the payload names the instance.
  auto k1 = test::make_adapter(
      R"({"kind":"vietqr","name":"v1","username":"u","password":"p","token_key":"shared"})");
  auto k2 = test::make_adapter(
      R"({"kind":"vietqr","name":"v2","username":"u","password":"p","token_key":"shared"})");
  auto s1 = test::make_signer(
      R"({"kind":"vietqr","name":"v1","username":"u","password":"p","token_key":"shared"})");
  std::string t1 = test::obtain_token(*k1, *s1, test::kNow);
  EXPECT_TRUE(k1->authenticate(with_bearer(t1), test::kNow).ok());
  EXPECT_EQ(k2->authenticate(with_bearer(t1), test::kNow).error().kind, AuthErrorKind::bad_token);
  // Every single-byte change of the token is refused.
  for (std::size_t i = 0; i < token.size(); ++i) {
    std::string m = token;
    m[i] = static_cast<char>(m[i] ^ 0x01);
    auto r = a->authenticate(with_bearer(m), test::kNow);
    ASSERT_FALSE(r.ok()) << i;
    EXPECT_EQ(r.error().kind, AuthErrorKind::bad_token) << i;
  }
  EXPECT_EQ(a->authenticate(HttpRequest{}, test::kNow).error().kind,
            AuthErrorKind::missing_credentials);
  HttpRequest basic;
  basic.headers.add("Authorization", "Basic " + base64_encode("sepay:cs-1"));
  EXPECT_EQ(a->authenticate(basic, test::kNow).error().kind, AuthErrorKind::malformed_header);
}

TEST(Tokens, SepayOauthAcceptsBasicFormAndJsonCredentials) {
  auto a = test::make_adapter(kSepay);
  HttpRequest form;
  form.method = "POST";
  form.headers.add("Content-Type", "application/x-www-form-urlencoded");
  form.body = "grant_type=client_credentials&client_id=sepay&client_secret=cs%2D1";
  auto r = a->handle_token_request(form, test::kNow);
  ASSERT_TRUE(r.ok()) << to_string(r.error());
  EXPECT_NE(r->body.find("\"expires_in\":3600"), std::string::npos);
  HttpRequest json_req;
  json_req.body =
      R"({"grant_type":"client_credentials","client_id":"sepay","client_secret":"cs-1"})";
  EXPECT_TRUE(a->handle_token_request(json_req, test::kNow).ok());
  form.body = "grant_type=password&client_id=sepay&client_secret=cs-1";
  EXPECT_EQ(a->handle_token_request(form, test::kNow).error().kind, AuthErrorKind::bad_request);
  form.body = "grant_type=client_credentials&client_id=sepay&client_secret=nope";
  EXPECT_EQ(a->handle_token_request(form, test::kNow).error().kind, AuthErrorKind::bad_credentials);
  form.body = "client_secret=%zz";
  EXPECT_EQ(a->handle_token_request(form, test::kNow).error().kind, AuthErrorKind::bad_request);
  form.body = "";
  EXPECT_EQ(a->handle_token_request(form, test::kNow).error().kind,
            AuthErrorKind::missing_credentials);
  std::string token = bearer_from_token_reply(r->body).value();
  auto later = a->authenticate(with_bearer(token), test::kNow + 3600'000);
  ASSERT_FALSE(later.ok());
  EXPECT_EQ(later.error().kind, AuthErrorKind::expired_token);
}

TEST(Tokens, InstancesWithoutATokenEndpointSaySo) {
  auto a = test::make_adapter(R"({"kind":"sepay","name":"s","auth":"hmac","secret":"x"})");
  EXPECT_FALSE(a->has_token_endpoint());
  auto e = a->handle_token_request(HttpRequest{}, test::kNow);
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error().kind, AuthErrorKind::unsupported);
  EXPECT_EQ(a->failure_response(e.error()).status, 404);
  EXPECT_EQ(a->failure_response(AuthError{AuthErrorKind::bad_request, ""}).status, 400);
  EXPECT_EQ(a->failure_response(AuthError{AuthErrorKind::bad_signature, ""}).status, 401);
}

}  // namespace
}  // namespace cho4::adapters
