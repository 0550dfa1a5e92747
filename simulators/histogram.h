// LatencyHistogram: an HDR-style log-linear histogram of non-negative integer values (the
// simulator records microseconds). Every power-of-two range is split into 64 equal sub-buckets,
// so any reported value is within 1/64 (1.6 %) of the true one, over the full 64-bit range, in a
// fixed ~30 KiB table. Recording is O(1) and never allocates. A plain value type: not
// thread-safe; each thread records into its own and the owner merges them.
#pragma once

#include <array>
#include <cstdint>
#include <string>

namespace cho4::sim {

class LatencyHistogram {
 public:
  // Sub-buckets per power of two above the linear range: the precision (1/64).
  static constexpr int kSubBucketBits = 6;
  static constexpr std::uint64_t kSubBuckets = 1u << kSubBucketBits;
  // Values below 2 * kSubBuckets are counted exactly; each doubling above adds kSubBuckets.
  static constexpr std::size_t kBucketCount =
      2 * kSubBuckets + (64 - kSubBucketBits - 1) * kSubBuckets;

  void record(std::uint64_t value);
  void merge(const LatencyHistogram& other);
  void clear();

  std::uint64_t count() const { return count_; }
  std::uint64_t min() const { return count_ == 0 ? 0 : min_; }
  std::uint64_t max() const { return max_; }
  double mean() const { return count_ == 0 ? 0.0 : double(sum_) / double(count_); }

  // The value at quantile q in [0, 1] (0.99 = p99): the highest value that the bucket holding
  // that rank may contain, clamped to the recorded maximum, so percentiles never understate.
  // 0 when empty.
  std::uint64_t value_at_quantile(double q) const;

  // Bucket walk for charts: index → [lower, upper) bounds and count.
  static std::size_t bucket_index(std::uint64_t value);
  static std::uint64_t bucket_lower(std::size_t index);
  static std::uint64_t bucket_upper(std::size_t index);  // exclusive
  std::uint64_t bucket_count(std::size_t index) const { return counts_[index]; }

 private:
  std::array<std::uint64_t, kBucketCount> counts_{};
  std::uint64_t count_ = 0;
  std::uint64_t sum_ = 0;
  std::uint64_t min_ = UINT64_MAX;
  std::uint64_t max_ = 0;
};

// "p50 1.23 ms" style formatting of a microsecond value for reports.
std::string format_us(std::uint64_t us);

}  // namespace cho4::sim
