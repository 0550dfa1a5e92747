// Fuzz target: the reconciler's reference-code matcher on bank descriptions, after the folding
// every description gets (core's fold_for_matching). Descriptions come from payers and banks,
// wrapped, truncated and retyped (../shared/reference/webhooks.md).
//
// Properties: every code found is a valid code; codes are reported once each; a valid code that
// the input plants in a description wrapped like a bank wraps it is always found; the check
// character catches every single-symbol substitution of a generated code.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>

#include "core/vn_text.h"
#include "fuzz/fuzz_check.h"
#include "ledger/reference_code.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace cho4;
  const std::string_view input = fuzz::as_view(data, size);

  const std::string folded = fold_for_matching(input);
  const auto codes = ledger::find_reference_codes(folded);
  std::set<std::string> seen;
  for (const auto& code : codes) {
    FUZZ_CHECK(ledger::is_valid_reference(code), "find_reference_codes returned an invalid code");
    FUZZ_CHECK(seen.insert(code).second, "a code reported twice");
  }
  // The matcher is documented for folded text, but a raw description must not crash it either.
  for (const auto& code : ledger::find_reference_codes(input))
    FUZZ_CHECK(ledger::is_valid_reference(code), "invalid code from unfolded text");

  // A code generated from the first bytes, planted inside the rest as a bank would wrap it.
  if (size >= 16) {
    std::uint64_t n = 0, seed = 0;
    for (int i = 0; i < 5; ++i) n = (n << 8) | data[i];  // n < 2^40
    for (int i = 5; i < 13; ++i) seed = (seed << 8) | data[i];
    const std::string code = ledger::reference_from_counter(n, seed);
    FUZZ_CHECK(code.size() == ledger::kReferenceLength, "generated code length");
    FUZZ_CHECK(ledger::is_valid_reference(code), "generated code fails its own check");
    // Every single-symbol substitution must be detected.
    const std::size_t pos = data[13] % code.size();
    const char replacement = ledger::kCrockfordAlphabet[data[14] % 32];
    if (replacement != code[pos]) {
      std::string mutated = code;
      mutated[pos] = replacement;
      FUZZ_CHECK(!ledger::is_valid_reference(mutated), "a substitution passed the check");
    }
    // Wrapped like "MBVCB.<ref>.<memo>.CT tu ..." with the planted code as the memo: the text
    // around it is made of characters that fold to separators, so the code stays a whole word.
    std::string around;
    for (std::size_t i = 15; i < size && around.size() < 64; ++i) {
      const char c = static_cast<char>(data[i]);
      around += (c >= 'a' && c <= 'z') ? c : '.';
    }
    const std::string description =
        "MBVCB.3278907687." + code + "." + around + ".CT tu 0071000123456";
    const auto found = ledger::find_reference_codes(fold_for_matching(description));
    FUZZ_CHECK(std::find(found.begin(), found.end(), code) != found.end(),
               "a planted code was not found");
  }
  return 0;
}
