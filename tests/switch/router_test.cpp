#include "switch/router.h"

#include <gtest/gtest.h>

namespace cho4::server {
namespace {

Router make() {
  Router r;
  r.add("GET", "/healthz", 0);
  r.add("POST", "/v1/markets", 1);
  r.add("GET", "/v1/markets/{id}", 2);
  r.add("POST", "/v1/markets/{id}/stalls", 3);
  r.add("GET", "/v1/markets/{id}/stalls", 4);
  r.add("GET", "/v1/stalls/{id}/qr.png", 5);
  r.add("POST", "/v1/webhooks/{instance}/oauth/token", 6);
  r.add("POST", "/v1/webhooks/{instance}", 7);
  return r;
}

TEST(Router, MatchesLiteralAndCapturedSegments) {
  auto r = make();
  auto o = r.match("GET", "/v1/markets/42/stalls");
  ASSERT_TRUE(o.match);
  EXPECT_EQ(o.match->index, 4u);
  EXPECT_EQ(o.match->param("id"), "42");
  EXPECT_EQ(o.match->pattern, "/v1/markets/{id}/stalls");
  o = r.match("POST", "/v1/webhooks/sepay-main/oauth/token");
  ASSERT_TRUE(o.match);
  EXPECT_EQ(o.match->index, 6u);
  EXPECT_EQ(o.match->param("instance"), "sepay-main");
  o = r.match("GET", "/v1/stalls/7/qr.png");
  ASSERT_TRUE(o.match);
  EXPECT_EQ(o.match->index, 5u);
}

TEST(Router, MethodNotAllowedListsTheAllowedMethods) {
  auto r = make();
  auto o = r.match("DELETE", "/v1/markets/1/stalls");
  EXPECT_FALSE(o.match);
  EXPECT_EQ(o.miss, Router::Miss::method_not_allowed);
  EXPECT_EQ(o.allow, "POST, GET");
}

TEST(Router, NotFoundForUnknownPathsAndEmptySegments) {
  auto r = make();
  EXPECT_EQ(r.match("GET", "/nope").miss, Router::Miss::not_found);
  EXPECT_FALSE(r.match("GET", "/v1/markets/").match);  // empty capture
  EXPECT_FALSE(r.match("GET", "/v1/markets//stalls").match);
  EXPECT_FALSE(r.match("GET", "/v1/markets/1/stalls/").match);  // trailing slash is another path
  EXPECT_FALSE(r.match("GET", "").match);
  EXPECT_FALSE(r.match("GET", "healthz").match);
}

TEST(Router, HeadIsAnsweredByGetRoutes) {
  auto r = make();
  auto o = r.match("HEAD", "/healthz");
  ASSERT_TRUE(o.match);
  EXPECT_EQ(o.match->index, 0u);
}

}  // namespace
}  // namespace cho4::server
