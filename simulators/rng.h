// Rng: the simulator's seeded pseudo-random generator (xoshiro256** seeded by SplitMix64), with
// its own distributions so that a seed replays the same scenario on every compiler and standard
// library (std::uniform_int_distribution and friends are not specified bit-for-bit). A plain
// value; not thread-safe: each user owns one, derived from the scenario seed with `fork`.
#pragma once

#include <cmath>
#include <cstdint>
#include <string_view>

namespace cho4::sim {

class Rng {
 public:
  explicit Rng(std::uint64_t seed) {
    std::uint64_t x = seed;
    for (auto& s : s_) s = splitmix64(x);
  }

  std::uint64_t next() {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  // Uniform in [0, n) (n > 0), by rejection so that there is no modulo bias.
  std::uint64_t below(std::uint64_t n) {
    const std::uint64_t limit = UINT64_MAX - UINT64_MAX % n;
    std::uint64_t v;
    do v = next();
    while (v >= limit);
    return v % n;
  }
  // Uniform integer in [lo, hi].
  std::int64_t between(std::int64_t lo, std::int64_t hi) {
    return lo + std::int64_t(below(std::uint64_t(hi - lo) + 1));
  }
  // Uniform in [0, 1).
  double unit() { return double(next() >> 11) * 0x1.0p-53; }
  // True with probability p.
  bool chance(double p) { return p > 0 && unit() < p; }
  // Exponentially distributed with the given mean (Poisson arrivals' gaps).
  double exponential(double mean) { return -mean * std::log1p(-unit()); }

  // An independent stream for a named purpose, so that adding draws to one part of the
  // generator does not shift every other part.
  Rng fork(std::string_view purpose) const {
    std::uint64_t h = s_[0] ^ 0x9e3779b97f4a7c15ULL;
    for (unsigned char c : purpose) h = (h ^ c) * 0x100000001b3ULL;
    return Rng(h);
  }

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  static std::uint64_t splitmix64(std::uint64_t& x) {
    std::uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  std::uint64_t s_[4];
};

}  // namespace cho4::sim
