// Vietnamese text for cho4: UTF-8 checks, folding to ASCII (what QR fields and bank descriptions
// need), amounts formatted for display ("50.000 ₫") and spelled out for speech
// ("năm mươi nghìn đồng"). Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/money.h"

namespace cho4 {

// ---- UTF-8 ----
// True when `text` is well-formed UTF-8 (no overlongs, surrogates or code points past U+10FFFF).
bool is_valid_utf8(std::string_view text);
// Number of code points in well-formed UTF-8, or nullopt when it is not well-formed.
std::optional<std::size_t> utf8_length(std::string_view text);
// Decodes the code point at text[pos], advancing pos; nullopt (and pos past the bad byte) on a
// malformed sequence.
std::optional<char32_t> next_code_point(std::string_view text, std::size_t& pos);
// Appends code point cp as UTF-8.
void append_utf8(std::string& out, char32_t cp);

// ---- Folding ----
// Folds Vietnamese (and other Latin) letters to ASCII: NFD, combining marks U+0300..U+036F dropped,
// đ→d and Đ→D. ASCII passes through unchanged; any other code point and malformed bytes are
// dropped. "Chuyển tiền Đà Nẵng" → "Chuyen tien Da Nang".
std::string fold_to_ascii(std::string_view text);
// NAPAS's rule for QR text fields: fold_to_ascii, then keep only [A-Za-z0-9 ].
std::string fold_to_qr_text(std::string_view text);
// For matching: fold_to_ascii, upper-cased; every run of other characters (spaces, punctuation,
// line breaks) becomes one space. "mua  hàng\n#AB12" → "MUA HANG AB12".
std::string fold_for_matching(std::string_view text);

// ---- Amounts ----
enum class CurrencyMark : std::uint8_t {
  dong_sign,  // "50.000 ₫" (U+00A0 NO-BREAK SPACE, then U+20AB)
  d,          // "50.000 đ"
  vnd,        // "50.000 VND"
  none,       // "50.000"
};
// Thousands grouped with '.', as Vietnamese writes them.
std::string format_amount(Money amount, CurrencyMark mark = CurrencyMark::dong_sign);

// Northern (nghìn, linh) or Southern (ngàn, lẻ) wording.
enum class Dialect : std::uint8_t { northern, southern };
// The number in words: 1001 → "một nghìn không trăm linh một". Negative numbers start with "âm".
std::string number_in_words(std::int64_t n, Dialect dialect = Dialect::northern);
// The amount in words followed by "đồng": 50000 → "năm mươi nghìn đồng".
std::string amount_in_words(Money amount, Dialect dialect = Dialect::northern);

}  // namespace cho4
