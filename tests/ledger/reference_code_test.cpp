#include "ledger/reference_code.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>

#include "core/vn_text.h"

namespace cho4::ledger {
namespace {

TEST(ReferenceCode, CodesAreValidNineCharactersWithoutConfusableLetters) {
  for (std::uint64_t n = 1; n < 2000; ++n) {
    std::string code = reference_from_counter(n, 42);
    ASSERT_EQ(code.size(), kReferenceLength);
    EXPECT_TRUE(is_valid_reference(code)) << code;
    EXPECT_EQ(code.find_first_of("ILOU"), std::string::npos) << code;
  }
}

TEST(ReferenceCode, CountersGiveDistinctNonSequentialCodes) {
  std::set<std::string> seen;
  for (std::uint64_t n = 0; n < 100000; ++n)
    ASSERT_TRUE(seen.insert(reference_from_counter(n, 7)).second);
  // Consecutive counters differ in more than the last symbol.
  std::string a = reference_from_counter(1000, 7), b = reference_from_counter(1001, 7);
  EXPECT_NE(a.substr(0, 6), b.substr(0, 6));
  // Another seed permutes differently.
  EXPECT_NE(reference_from_counter(5, 7), reference_from_counter(5, 8));
}

TEST(ReferenceCode, CheckCatchesEverySubstitutionAndAdjacentTransposition) {
  std::mt19937_64 rng(1234);
  for (int trial = 0; trial < 300; ++trial) {
    std::string code = reference_from_counter(rng() % (1ULL << 40), rng());
    for (std::size_t i = 0; i < code.size(); ++i) {
      for (char c : kCrockfordAlphabet) {
        if (c == code[i]) continue;
        std::string bad = code;
        bad[i] = c;
        ASSERT_FALSE(is_valid_reference(bad)) << code << " -> " << bad;
      }
      if (i + 1 < code.size() && code[i] != code[i + 1]) {
        std::string swapped = code;
        std::swap(swapped[i], swapped[i + 1]);
        ASSERT_FALSE(is_valid_reference(swapped)) << code << " -> " << swapped;
      }
    }
  }
}

TEST(ReferenceCode, RejectsWrongLengthAndForeignSymbols) {
  std::string code = reference_from_counter(99, 1);
  EXPECT_FALSE(is_valid_reference(code.substr(0, 8)));
  EXPECT_FALSE(is_valid_reference(code + "0"));
  std::string lower = code;
  for (auto& c : lower) c = static_cast<char>(std::tolower(c));
  if (lower != code) {
    EXPECT_FALSE(is_valid_reference(lower));
  }
  EXPECT_FALSE(is_valid_reference("ABCDEFGHU"));
}

// The matcher returns every window with a valid check character (about 1 in 32 random windows
// passes); the reconciler keeps only those naming an order. So the tests ask "is the code among
// the candidates", and separately that a wrong check character never yields the code.
TEST(ReferenceCode, FindsCodesThroughFoldingSplitsAndNoise) {
  std::string code = reference_from_counter(12345, 99);
  auto has = [&](std::string_view raw) {
    auto found = find_reference_codes(fold_for_matching(raw));
    return std::find(found.begin(), found.end(), code) != found.end();
  };
  EXPECT_EQ(find_reference_codes(code), std::vector<std::string>{code});
  EXPECT_TRUE(has("thanh toan " + code + " cam on"));
  std::string lower = code;
  for (auto& c : lower) c = static_cast<char>(std::tolower(c));
  EXPECT_TRUE(has("tt " + lower));
  EXPECT_TRUE(has(code.substr(0, 4) + " " + code.substr(4)));
  EXPECT_TRUE(has(code.substr(0, 5) + "\n" + code.substr(5) + " xyz"));
  EXPECT_TRUE(has("DH" + code + ".CT tu"));
  auto twice = find_reference_codes(code + " " + code);
  EXPECT_EQ(std::count(twice.begin(), twice.end(), code), 1);  // reported once
  EXPECT_TRUE(find_reference_codes("").empty());
  EXPECT_TRUE(find_reference_codes("MUA RAU 12345678").empty());  // no 9-symbol window
  // A wrong check character is not the code, in any position of the text.
  std::string bad = code;
  bad.back() = bad.back() == '0' ? '1' : '0';
  EXPECT_FALSE(has(bad));
  EXPECT_FALSE(has("tt " + bad + " cam on"));
}

TEST(ReferenceCode, RandomTextRarelyYieldsCandidates) {
  // About 1/32 of 9-symbol windows carry a valid check: candidates exist, but a match needs an
  // order with that exact 40-bit code, so false matches are negligible.
  std::mt19937_64 rng(5);
  std::size_t windows = 0, found = 0;
  for (int i = 0; i < 2000; ++i) {
    std::string text;
    for (int j = 0; j < 20; ++j) text.push_back(kCrockfordAlphabet[rng() % 32]);
    windows += 12;
    found += find_reference_codes(text).size();
  }
  EXPECT_GT(found, windows / 64);
  EXPECT_LT(found, windows / 16);
}

TEST(ReferenceCode, ReadsConfusableLettersAsCrockfordDoes) {
  // Find a code containing 0 or 1 and retype it with O / I / L.
  for (std::uint64_t n = 1; n < 1000; ++n) {
    std::string code = reference_from_counter(n, 3);
    auto zero = code.find('0');
    if (zero == std::string::npos) continue;
    std::string typed = code;
    typed[zero] = 'O';
    EXPECT_EQ(find_reference_codes(typed), std::vector<std::string>{code});
    return;
  }
  FAIL() << "no code with a zero";
}

}  // namespace
}  // namespace cho4::ledger
