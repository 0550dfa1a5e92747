#include "simulators/histogram.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdio>

namespace cho4::sim {

std::size_t LatencyHistogram::bucket_index(std::uint64_t value) {
  if (value < 2 * kSubBuckets) return std::size_t(value);
  // shift >= 1: value >> shift lies in [kSubBuckets, 2 * kSubBuckets).
  const int msb = 63 - std::countl_zero(value);
  const int shift = msb - kSubBucketBits;
  return std::size_t(shift) * kSubBuckets + std::size_t(value >> shift);
}

std::uint64_t LatencyHistogram::bucket_lower(std::size_t index) {
  if (index < 2 * kSubBuckets) return index;
  const std::size_t shift = index / kSubBuckets - 1;
  return std::uint64_t(index - shift * kSubBuckets) << shift;
}

std::uint64_t LatencyHistogram::bucket_upper(std::size_t index) {
  if (index < 2 * kSubBuckets) return index + 1;
  const std::size_t shift = index / kSubBuckets - 1;
  const std::uint64_t lower = bucket_lower(index);
  const std::uint64_t width = std::uint64_t(1) << shift;
  return lower > UINT64_MAX - width ? UINT64_MAX : lower + width;
}

void LatencyHistogram::record(std::uint64_t value) {
  ++counts_[bucket_index(value)];
  ++count_;
  sum_ += value;
  min_ = std::min(min_, value);
  max_ = std::max(max_, value);
}

void LatencyHistogram::merge(const LatencyHistogram& other) {
  for (std::size_t i = 0; i < kBucketCount; ++i) counts_[i] += other.counts_[i];
  count_ += other.count_;
  sum_ += other.sum_;
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
}

void LatencyHistogram::clear() {
  *this = LatencyHistogram();
}

std::uint64_t LatencyHistogram::value_at_quantile(double q) const {
  if (count_ == 0) return 0;
  q = std::clamp(q, 0.0, 1.0);
  // The rank (1-based) of the value at q; at least the first value.
  auto rank = std::uint64_t(std::ceil(q * double(count_)));
  rank = std::clamp<std::uint64_t>(rank, 1, count_);
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < kBucketCount; ++i) {
    seen += counts_[i];
    if (seen >= rank) return std::clamp(bucket_upper(i) - 1, min(), max_);
  }
  return max_;
}

std::string format_us(std::uint64_t us) {
  char buf[32];
  if (us < 1000)
    std::snprintf(buf, sizeof buf, "%llu µs", static_cast<unsigned long long>(us));
  else if (us < 1'000'000)
    std::snprintf(buf, sizeof buf, "%.2f ms", double(us) / 1000.0);
  else
    std::snprintf(buf, sizeof buf, "%.2f s", double(us) / 1e6);
  return buf;
}

}  // namespace cho4::sim
