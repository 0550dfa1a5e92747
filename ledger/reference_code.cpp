#include "ledger/reference_code.h"

#include <array>

#include "core/assert.h"

namespace cho4::ledger {
namespace {

// GF(2^5) with the primitive polynomial x^5 + x^2 + 1: the check is a weighted sum with weights
// alpha^(i+1), so any single substitution changes it (multiplying by a non-zero weight never gives
// zero) and any adjacent transposition does too ((a^b)·alpha^i·(1^alpha) is non-zero).
constexpr unsigned kGfPoly = 0b100101;

constexpr unsigned gf_mul(unsigned a, unsigned b) {
  unsigned r = 0;
  while (b != 0) {
    if (b & 1u) r ^= a;
    b >>= 1;
    a <<= 1;
    if (a & 0b100000u) a ^= kGfPoly;
  }
  return r;
}

constexpr std::array<int, 128> make_symbol_values() {
  std::array<int, 128> v{};
  for (auto& x : v) x = -1;
  for (std::size_t i = 0; i < kCrockfordAlphabet.size(); ++i)
    v[static_cast<unsigned char>(kCrockfordAlphabet[i])] = static_cast<int>(i);
  return v;
}
constexpr std::array<int, 128> kSymbolValue = make_symbol_values();

int symbol_value(char c) {
  auto u = static_cast<unsigned char>(c);
  return u < 128 ? kSymbolValue[u] : -1;
}

// Crockford decoding reads O as 0 and I, L as 1 (what a person retyping a code produces).
char normalize_symbol(char c) {
  switch (c) {
    case 'O':
      return '0';
    case 'I':
    case 'L':
      return '1';
    default:
      return c;
  }
}

// kWeighted[i][v] = v · alpha^(i+1) for the body's positions: the description matcher checks every
// 9-symbol window of every credit, so the field multiplications are done once, at compile time.
using WeightTable = std::array<std::array<std::uint8_t, 32>, kReferenceBodyLength>;
constexpr WeightTable make_weighted() {
  WeightTable t{};
  unsigned weight = 2;  // alpha
  for (auto& row : t) {
    for (unsigned v = 0; v < 32; ++v) row[v] = static_cast<std::uint8_t>(gf_mul(v, weight));
    weight = gf_mul(weight, 2);
  }
  return t;
}
constexpr WeightTable kWeighted = make_weighted();

unsigned weighted_sum(std::string_view body) {
  CHO4_ASSERT(body.size() <= kReferenceBodyLength, "reference body longer than 8 symbols");
  unsigned sum = 0;
  for (std::size_t i = 0; i < body.size(); ++i) {
    int v = symbol_value(body[i]);
    CHO4_ASSERT(v >= 0, "reference body must be Crockford symbols");
    sum ^= kWeighted[i][static_cast<unsigned>(v)];
  }
  return sum;
}

// A 4-round Feistel network on 40 bits (two 20-bit halves): a keyed bijection, so distinct
// counters give distinct codes that do not look sequential.
constexpr std::uint64_t kHalfMask = (1ULL << 20) - 1;

std::uint64_t mix(std::uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ULL;
  x ^= x >> 33;
  return x;
}

std::uint64_t permute40(std::uint64_t n, std::uint64_t seed) {
  std::uint64_t left = (n >> 20) & kHalfMask;
  std::uint64_t right = n & kHalfMask;
  for (std::uint64_t round = 0; round < 4; ++round) {
    std::uint64_t f = mix(right ^ (seed + round * 0x9E3779B97F4A7C15ULL)) & kHalfMask;
    std::uint64_t next = left ^ f;
    left = right;
    right = next;
  }
  return (left << 20) | right;
}

}  // namespace

char reference_check_char(std::string_view body) {
  return kCrockfordAlphabet[weighted_sum(body)];
}

bool is_valid_reference(std::string_view code) {
  if (code.size() != kReferenceLength) return false;
  for (char c : code)
    if (symbol_value(c) < 0) return false;
  return reference_check_char(code.substr(0, kReferenceBodyLength)) == code.back();
}

std::string reference_from_counter(std::uint64_t n, std::uint64_t seed) {
  CHO4_ASSERT(n < (1ULL << 40), "reference counter exhausted");
  std::uint64_t p = permute40(n, seed);
  std::string code(kReferenceLength, '0');
  for (std::size_t i = 0; i < kReferenceBodyLength; ++i) {
    code[kReferenceBodyLength - 1 - i] = kCrockfordAlphabet[p & 31u];
    p >>= 5;
  }
  code[kReferenceBodyLength] = reference_check_char(std::string_view(code).substr(0, 8));
  return code;
}

std::vector<std::string> find_reference_codes(std::string_view folded) {
  // Tokens of symbols; everything else separates them.
  std::vector<std::string> tokens;
  std::string cur;
  for (char c : folded) {
    char n = normalize_symbol(c >= 'a' && c <= 'z' ? static_cast<char>(c - 32) : c);
    if (symbol_value(n) >= 0) {
      cur.push_back(n);
    } else if (!cur.empty()) {
      tokens.push_back(std::move(cur));
      cur.clear();
    }
  }
  if (!cur.empty()) tokens.push_back(std::move(cur));

  std::vector<std::string> found;
  auto consider = [&](std::string_view window) {
    if (!is_valid_reference(window)) return;
    for (const auto& f : found)
      if (f == window) return;
    found.emplace_back(window);
  };
  for (std::size_t t = 0; t < tokens.size(); ++t) {
    const std::string& tok = tokens[t];
    for (std::size_t i = 0; i + kReferenceLength <= tok.size(); ++i)
      consider(std::string_view(tok).substr(i, kReferenceLength));
    // A code split by one space or line break: windows that cross into the next token.
    if (t + 1 < tokens.size()) {
      std::string joined = tok + tokens[t + 1];
      std::size_t first =
          tok.size() >= kReferenceLength - 1 ? tok.size() - (kReferenceLength - 1) : 0;
      for (std::size_t i = first; i < tok.size() && i + kReferenceLength <= joined.size(); ++i)
        consider(std::string_view(joined).substr(i, kReferenceLength));
    }
  }
  return found;
}

}  // namespace cho4::ledger
