// Reference codes of orders: Crockford base32 (0-9 A-Z without I L O U), a body of 8 symbols plus
// one check character from the same alphabet (Damm-like weighted mod-32 check, below), 9
// characters in all. Codes come from a counter permuted by a keyed bijection, so consecutive
// orders get unrelated-looking codes and no code repeats while the counter is persisted.
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cho4::ledger {

inline constexpr std::size_t kReferenceBodyLength = 8;
inline constexpr std::size_t kReferenceLength = kReferenceBodyLength + 1;
inline constexpr std::string_view kCrockfordAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

// The check character for a body of Crockford symbols (upper case). Detects every single-symbol
// substitution and every adjacent transposition.
char reference_check_char(std::string_view body);
// True when `code` is kReferenceLength upper-case Crockford symbols whose last is the check.
bool is_valid_reference(std::string_view code);
// The code for counter value n (n < 2^40) under `seed`: a bijection, so distinct n give distinct
// codes.
std::string reference_from_counter(std::uint64_t n, std::uint64_t seed);

// Every valid code found in a description already folded by fold_for_matching (upper case, runs of
// other characters turned into single spaces). A code split by one space or line break is joined.
// Codes found more than once are reported once, in order of first appearance.
std::vector<std::string> find_reference_codes(std::string_view folded_description);

}  // namespace cho4::ledger
