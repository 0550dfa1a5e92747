#include "switch/http_types.h"

#include <gtest/gtest.h>

#include "switch/logger.h"

namespace cho4::server {
namespace {

TEST(ParseTarget, SplitsAndDecodes) {
  auto t = parse_target("/v1/stalls/7/events?after=12&ticket=a%2Bb&x=1+2");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->path, "/v1/stalls/7/events");
  ASSERT_EQ(t->query.size(), 3u);
  EXPECT_EQ(t->query[0], (std::pair<std::string, std::string>{"after", "12"}));
  EXPECT_EQ(t->query[1].second, "a+b");
  EXPECT_EQ(t->query[2].second, "1 2");
}

TEST(ParseTarget, RejectsMalformedTargets) {
  EXPECT_FALSE(parse_target(""));
  EXPECT_FALSE(parse_target("v1/x"));
  EXPECT_FALSE(parse_target("/a%2"));
  EXPECT_FALSE(parse_target("/a%zz"));
  EXPECT_FALSE(parse_target("/a%00b"));
  EXPECT_FALSE(parse_target("/a?x=%"));
}

TEST(Request, HeadersAreCaseInsensitiveAndMediaTypeIsNormalised) {
  Request r;
  r.headers.add("Content-Type", "Application/JSON; charset=utf-8");
  r.headers.add("X-SePay-Signature", "sha256=ab");
  EXPECT_EQ(r.media_type(), "application/json");
  EXPECT_EQ(*r.header("x-sepay-signature"), "sha256=ab");
  EXPECT_FALSE(r.header("Authorization"));
}

TEST(Logger, RedactsQueryValues) {
  EXPECT_EQ(redact_target("/v1/stalls/1/ws?ticket=secret&after=5"),
            "/v1/stalls/1/ws?ticket=…&after=…");
  EXPECT_EQ(redact_target("/healthz"), "/healthz");
}

}  // namespace
}  // namespace cho4::server
