#include "simulators/histogram.h"

#include <gtest/gtest.h>

#include "simulators/rng.h"

namespace cho4::sim {
namespace {

TEST(LatencyHistogram, EmptyReportsZero) {
  LatencyHistogram h;
  EXPECT_EQ(h.count(), 0u);
  EXPECT_EQ(h.value_at_quantile(0.99), 0u);
  EXPECT_EQ(h.max(), 0u);
}

TEST(LatencyHistogram, SmallValuesAreExact) {
  LatencyHistogram h;
  for (std::uint64_t v = 1; v <= 100; ++v) h.record(v);
  EXPECT_EQ(h.value_at_quantile(0.5), 50u);
  EXPECT_EQ(h.value_at_quantile(0.99), 99u);
  EXPECT_EQ(h.value_at_quantile(1.0), 100u);
  EXPECT_EQ(h.min(), 1u);
  EXPECT_DOUBLE_EQ(h.mean(), 50.5);
}

TEST(LatencyHistogram, BucketsTileTheRangeWithoutGaps) {
  for (std::size_t i = 0; i + 1 < LatencyHistogram::kBucketCount; ++i)
    ASSERT_EQ(LatencyHistogram::bucket_upper(i), LatencyHistogram::bucket_lower(i + 1)) << i;
  for (std::uint64_t v : {0ull, 1ull, 127ull, 128ull, 129ull, 1000ull, 123456789ull, ~0ull}) {
    const auto i = LatencyHistogram::bucket_index(v);
    EXPECT_LE(LatencyHistogram::bucket_lower(i), v);
    if (v != ~0ull) {
      EXPECT_GT(LatencyHistogram::bucket_upper(i), v);
    }
  }
}

TEST(LatencyHistogram, LargeValuesWithinPrecision) {
  // Compare against the exact order statistics of a seeded sample.
  Rng rng(42);
  std::vector<std::uint64_t> values;
  LatencyHistogram h;
  for (int i = 0; i < 100'000; ++i) {
    const auto v = std::uint64_t(rng.exponential(2000.0)) + 50;  // µs, long tail
    values.push_back(v);
    h.record(v);
  }
  std::sort(values.begin(), values.end());
  for (double q : {0.5, 0.9, 0.99, 0.999}) {
    const auto exact = values[std::size_t(q * double(values.size())) - 1];
    const auto got = h.value_at_quantile(q);
    EXPECT_GE(got, exact) << q;  // never understates
    EXPECT_LE(double(got), double(exact) * (1 + 1.0 / 32)) << q;
  }
  EXPECT_EQ(h.value_at_quantile(1.0), values.back());
}

TEST(LatencyHistogram, MergeAddsCounts) {
  LatencyHistogram a, b;
  a.record(10);
  b.record(1'000'000);
  a.merge(b);
  EXPECT_EQ(a.count(), 2u);
  EXPECT_EQ(a.max(), 1'000'000u);
  EXPECT_EQ(a.min(), 10u);
}

TEST(Rng, SameSeedSameStream) {
  Rng a(7), b(7), c(8);
  bool differs = false;
  for (int i = 0; i < 100; ++i) {
    const auto x = a.next();
    EXPECT_EQ(x, b.next());
    differs |= x != c.next();
  }
  EXPECT_TRUE(differs);
  Rng r(1);
  for (int i = 0; i < 1000; ++i) {
    const auto v = r.between(3, 9);
    ASSERT_GE(v, 3);
    ASSERT_LE(v, 9);
  }
}

}  // namespace
}  // namespace cho4::sim
