// Fuzz target: core's text and number parsers, which every adapter and the reconciler feed with
// bank-supplied strings (descriptions, amounts, dates).
//
// Properties: folding never emits anything outside its documented alphabet and is idempotent;
// UTF-8 validation agrees with utf8_length; a parsed amount or date prints back to a form that
// parses to the same value; nothing reads out of bounds (ASan) or overflows (UBSan).
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/clock.h"
#include "core/money.h"
#include "core/vn_text.h"
#include "fuzz/fuzz_check.h"

namespace {

bool is_upper_alnum_or_space(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ' ';
}
bool is_qr_text(char c) {
  return is_upper_alnum_or_space(c) || (c >= 'a' && c <= 'z');
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = cho4::fuzz::as_view(data, size);

  const bool valid = cho4::is_valid_utf8(text);
  const auto length = cho4::utf8_length(text);
  FUZZ_CHECK(valid == length.has_value(), "is_valid_utf8 and utf8_length disagree");
  if (length) FUZZ_CHECK(*length <= text.size(), "more code points than bytes");

  const std::string ascii = cho4::fold_to_ascii(text);
  for (char c : ascii) FUZZ_CHECK(static_cast<unsigned char>(c) < 0x80, "fold_to_ascii non-ASCII");
  FUZZ_CHECK(cho4::fold_to_ascii(ascii) == ascii, "fold_to_ascii not idempotent");

  const std::string qr = cho4::fold_to_qr_text(text);
  for (char c : qr) FUZZ_CHECK(is_qr_text(c), "fold_to_qr_text outside [A-Za-z0-9 ]");

  const std::string match = cho4::fold_for_matching(text);
  for (char c : match) FUZZ_CHECK(is_upper_alnum_or_space(c), "fold_for_matching alphabet");
  FUZZ_CHECK(match.empty() || (match.front() != ' ' && match.back() != ' '),
             "fold_for_matching leaves edge spaces");
  FUZZ_CHECK(match.find("  ") == std::string::npos, "fold_for_matching double space");
  FUZZ_CHECK(cho4::fold_for_matching(match) == match, "fold_for_matching not idempotent");

  for (bool negative : {false, true}) {
    auto money = cho4::parse_money(text, negative);
    if (money.ok()) {
      if (!negative) FUZZ_CHECK(money->vnd() >= 0, "negative amount without allow_negative");
      auto again = cho4::parse_money(std::to_string(money->vnd()), negative);
      FUZZ_CHECK(again.ok() && *again == *money, "parse_money round trip");
      // Formatting for display must cope with every amount a parser accepts.
      FUZZ_CHECK(!cho4::format_amount(*money).empty(), "format_amount empty");
      FUZZ_CHECK(!cho4::amount_in_words(*money).empty(), "amount_in_words empty");
    }
  }

  if (auto t = cho4::parse_vn_datetime(text); t.ok()) {
    // The parser also takes ISO's 'T' between date and time (some providers send it); the
    // formatter always writes the space.
    std::string canonical(text);
    if (canonical.size() > 10 && canonical[10] == 'T') canonical[10] = ' ';
    FUZZ_CHECK(cho4::format_vn_datetime(*t) == canonical, "parse_vn_datetime round trip");
    FUZZ_CHECK(!cho4::format_rfc3339_utc(*t).empty(), "format_rfc3339_utc empty");
  }
  if (auto d = cho4::parse_date(text); d.ok()) {
    FUZZ_CHECK(cho4::format_date(*d) == text, "parse_date round trip");
    FUZZ_CHECK(cho4::civil_from_days(cho4::days_from_civil(*d)) == *d, "civil days round trip");
  }
  return 0;
}
