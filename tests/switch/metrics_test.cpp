#include "switch/metrics.h"

#include <gtest/gtest.h>

namespace cho4::server {
namespace {

TEST(Metrics, RendersLabelledCountersAndCumulativeHistograms) {
  Metrics m;
  m.record_request("/v1/webhooks/{instance}", 200);
  m.record_request("/v1/webhooks/{instance}", 200);
  m.record_request("/v1/webhooks/{instance}", 401);
  m.record_webhook("sepay-main", "paid");
  m.batch_size().observe(3);
  m.batch_size().observe(300);
  m.devices_connected = 2;
  EXPECT_EQ(m.requests("/v1/webhooks/{instance}", 200), 2u);
  EXPECT_EQ(m.webhooks("sepay-main", "paid"), 1u);
  auto text = m.render({5, 100, true});
  EXPECT_NE(
      text.find("cho4_http_requests_total{route=\"/v1/webhooks/{instance}\",status=\"200\"} 2"),
      std::string::npos);
  EXPECT_NE(text.find("cho4_webhooks_total{instance=\"sepay-main\",outcome=\"paid\"} 1"),
            std::string::npos);
  EXPECT_NE(text.find("cho4_engine_queue_depth 5"), std::string::npos);
  EXPECT_NE(text.find("cho4_batch_size_bucket{le=\"5\"} 1"), std::string::npos);
  EXPECT_NE(text.find("cho4_batch_size_bucket{le=\"500\"} 2"), std::string::npos);
  EXPECT_NE(text.find("cho4_batch_size_bucket{le=\"+Inf\"} 2"), std::string::npos);
  EXPECT_NE(text.find("cho4_batch_size_count 2"), std::string::npos);
  EXPECT_NE(text.find("cho4_devices_connected 2"), std::string::npos);
}

TEST(Metrics, EscapesLabelValues) {
  EXPECT_EQ(prom_escape("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
}

}  // namespace
}  // namespace cho4::server
