#include "switch/problem.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <set>

namespace cho4::server {
namespace {

TEST(Problem, EveryKindHasAStableDistinctSlug) {
  std::set<std::string_view> slugs;
  for (int i = 1; i <= 21; ++i) {
    const auto& info = problem_info(static_cast<Problem>(i));
    EXPECT_TRUE(slugs.insert(info.slug).second) << info.slug;
    EXPECT_GE(info.http_status, 400);
    EXPECT_FALSE(info.title.empty());
  }
  // The slugs docs/api.md promises.
  for (auto s : {"invalid-json", "invalid-field", "not-found", "unauthenticated", "forbidden",
                 "payload-too-large", "unsupported-media-type", "overloaded", "store-unavailable",
                 "bad-signature", "stale-timestamp", "conflict", "order-not-open", "invalid-qr"})
    EXPECT_TRUE(slugs.count(s)) << s;
}

TEST(Problem, ResponseIsProblemJson) {
  auto r = make_problem(Problem::payload_too_large, "body over 65536 bytes", "/v1/webhooks/x");
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(r.content_type, "application/problem+json");
  auto v = boost::json::parse(r.body).as_object();
  EXPECT_EQ(v.at("type").as_string(), "https://cho4.vn/problems/payload-too-large");
  EXPECT_EQ(v.at("status").as_int64(), 413);
  EXPECT_EQ(v.at("detail").as_string(), "body over 65536 bytes");
  EXPECT_EQ(v.at("instance").as_string(), "/v1/webhooks/x");
  EXPECT_FALSE(r.header("Retry-After"));
}

// Found by http_api_fuzz: `GET /m\xad…etrics` answered a 404 whose body was not valid JSON
// (the path's bytes were echoed as they came).
TEST(Problem, EchoedBytesStayValidUtf8) {
  const std::string path =
      "/m\xad\xad"
      "etrics/Ch\xe1\xbb\xa3/\xc3";
  auto r = make_problem(Problem::not_found, "no route for " + path, path);
  boost::system::error_code ec;
  auto v = boost::json::parse(r.body, ec);
  ASSERT_FALSE(ec) << r.body;
  EXPECT_EQ(v.at("instance").as_string(), "/m%AD%ADetrics/Ch\xe1\xbb\xa3/%C3");
  EXPECT_EQ(v.at("detail").as_string(),
            "no route for /m\xef\xbf\xbd\xef\xbf\xbd"
            "etrics/Ch\xe1\xbb\xa3/\xef\xbf\xbd");
  EXPECT_EQ(percent_encode_invalid_utf8("/v1/stalls/7"), "/v1/stalls/7");
  EXPECT_EQ(replace_invalid_utf8("\xed\xa0\x80"), "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
}

TEST(Problem, ServiceUnavailableCarriesRetryAfter) {
  for (auto p : {Problem::overloaded, Problem::store_unavailable, Problem::shutting_down}) {
    auto r = make_problem(p, "", "/");
    EXPECT_EQ(r.status, 503);
    ASSERT_TRUE(r.header("Retry-After"));
    EXPECT_EQ(*r.header("Retry-After"), "1");
  }
}

TEST(Problem, StatusCodesMapToProblems) {
  EXPECT_EQ(problem_for(not_found("x")), Problem::not_found);
  EXPECT_EQ(problem_for(invalid_argument("x")), Problem::invalid_field);
  EXPECT_EQ(problem_for(resource_exhausted("x")), Problem::overloaded);
  EXPECT_EQ(problem_for(unavailable("x")), Problem::store_unavailable);
  EXPECT_EQ(problem_for(permission_denied("x")), Problem::forbidden);
  EXPECT_EQ(problem_for(unauthenticated("x")), Problem::unauthenticated);
  EXPECT_EQ(problem_for(failed_precondition("x")), Problem::conflict);
  EXPECT_EQ(problem_from_status(resource_exhausted("queue full"), "/p").status, 503);
}

}  // namespace
}  // namespace cho4::server
