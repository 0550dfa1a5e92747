#include "core/vn_text.h"

#include <algorithm>
#include <array>
#include <cstdlib>

namespace cho4 {

// ---------------------------------------------------------------- UTF-8

std::optional<char32_t> next_code_point(std::string_view s, std::size_t& pos) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
  const unsigned char b0 = byte(pos);
  if (b0 < 0x80) {
    ++pos;
    return b0;
  }
  int extra = 0;
  char32_t cp = 0;
  char32_t min = 0;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    extra = 1, cp = b0 & 0x1F, min = 0x80;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    extra = 2, cp = b0 & 0x0F, min = 0x800;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    extra = 3, cp = b0 & 0x07, min = 0x10000;
  } else {
    ++pos;
    return std::nullopt;
  }
  if (pos + extra >= s.size()) {  // truncated sequence
    ++pos;
    return std::nullopt;
  }
  for (int i = 1; i <= extra; ++i) {
    const unsigned char b = byte(pos + i);
    if ((b & 0xC0) != 0x80) {
      ++pos;
      return std::nullopt;
    }
    cp = (cp << 6) | (b & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
    ++pos;
    return std::nullopt;
  }
  pos += extra + 1;
  return cp;
}

bool is_valid_utf8(std::string_view text) {
  return utf8_length(text).has_value();
}

std::optional<std::size_t> utf8_length(std::string_view text) {
  std::size_t n = 0;
  for (std::size_t pos = 0; pos < text.size(); ++n) {
    if (!next_code_point(text, pos)) return std::nullopt;
  }
  return n;
}

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// ---------------------------------------------------------------- folding

namespace {

struct FoldEntry {
  char32_t code_point;
  char ascii;
};

constexpr FoldEntry kFoldTable[] = {
#include "core/vn_fold_table.inc"
};

static_assert(std::is_sorted(std::begin(kFoldTable), std::end(kFoldTable),
                             [](const FoldEntry& a, const FoldEntry& b) {
                               return a.code_point < b.code_point;
                             }),
              "vn_fold_table.inc must be sorted");

// The ASCII letter a precomposed Latin letter folds to, or 0.
char fold_code_point(char32_t cp) {
  const auto* it =
      std::lower_bound(std::begin(kFoldTable), std::end(kFoldTable), cp,
                       [](const FoldEntry& e, char32_t c) { return e.code_point < c; });
  return it != std::end(kFoldTable) && it->code_point == cp ? it->ascii : 0;
}

// Calls emit(char) for each ASCII character the text folds to.
template <class Emit>
void fold_each(std::string_view text, Emit emit) {
  for (std::size_t pos = 0; pos < text.size();) {
    const unsigned char b = static_cast<unsigned char>(text[pos]);
    if (b < 0x80) {  // fast path: ASCII
      emit(static_cast<char>(b));
      ++pos;
      continue;
    }
    const auto cp = next_code_point(text, pos);
    if (!cp) continue;                             // malformed byte: dropped
    if (*cp >= 0x0300 && *cp <= 0x036F) continue;  // a combining mark (already decomposed text)
    if (const char a = fold_code_point(*cp)) emit(a);
  }
}

bool is_alnum_ascii(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

}  // namespace

std::string fold_to_ascii(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  fold_each(text, [&](char c) { out += c; });
  return out;
}

std::string fold_to_qr_text(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  fold_each(text, [&](char c) {
    if (is_alnum_ascii(c) || c == ' ') out += c;
  });
  return out;
}

std::string fold_for_matching(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool pending_space = false;
  fold_each(text, [&](char c) {
    if (is_alnum_ascii(c)) {
      if (pending_space && !out.empty()) out += ' ';
      pending_space = false;
      out += (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
    } else {
      pending_space = true;
    }
  });
  return out;
}

// ---------------------------------------------------------------- amounts

std::string format_amount(Money amount, CurrencyMark mark) {
  const std::int64_t v = amount.vnd();
  // Magnitude as unsigned so that INT64_MIN is handled.
  std::uint64_t mag = v < 0 ? ~static_cast<std::uint64_t>(v) + 1 : static_cast<std::uint64_t>(v);
  std::string digits = std::to_string(mag);
  std::string out;
  if (v < 0) out += '-';
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += '.';
    out += digits[i];
  }
  switch (mark) {
    case CurrencyMark::dong_sign:
      out += "\u00A0\u20AB";
      break;
    case CurrencyMark::d:
      out += " đ";
      break;
    case CurrencyMark::vnd:
      out += " VND";
      break;
    case CurrencyMark::none:
      break;
  }
  return out;
}

namespace {

constexpr std::array<std::string_view, 10> kDigits = {"không", "một", "hai", "ba",  "bốn",
                                                      "năm",   "sáu", "bảy", "tám", "chín"};

void append_word(std::string& out, std::string_view w) {
  if (!out.empty()) out += ' ';
  out += w;
}

// Reads 0 < n < 1000. `full` is set when a larger group precedes it, so zero hundreds and a zero
// tens digit are spoken: 1.001 → "một nghìn không trăm linh một", 50.000 → "năm mươi nghìn".
void read_group(std::string& out, int n, bool full, Dialect dialect) {
  const int h = n / 100, t = n / 10 % 10, u = n % 10;
  if (h > 0 || full) {
    append_word(out, kDigits[h]);
    append_word(out, "trăm");
  }
  if (t == 0) {
    if (u > 0 && (h > 0 || full)) append_word(out, dialect == Dialect::southern ? "lẻ" : "linh");
  } else if (t == 1) {
    append_word(out, "mười");
  } else {
    append_word(out, kDigits[t]);
    append_word(out, "mươi");
  }
  if (u == 0) return;
  if (u == 1 && t >= 2) {
    append_word(out, "mốt");
  } else if (u == 5 && t >= 1) {
    append_word(out, "lăm");
  } else {
    append_word(out, kDigits[u]);
  }
}

// Reads 0 < n < 10^9 group by group (triệu, nghìn, units), skipping groups of zeros.
void read_below_billion(std::string& out, std::uint64_t n, bool full, Dialect dialect) {
  const std::string_view thousand = dialect == Dialect::southern ? "ngàn" : "nghìn";
  const std::array<std::pair<std::uint64_t, std::string_view>, 3> groups = {
      {{1'000'000, "triệu"}, {1'000, thousand}, {1, ""}}};
  for (const auto& [scale, name] : groups) {
    const int g = static_cast<int>(n / scale % 1000);
    if (g == 0) continue;
    read_group(out, g, full, dialect);
    if (!name.empty()) append_word(out, name);
    full = true;
  }
}

// Reads n > 0: the part above a billion is itself a number of tỷ (1.005 tỷ is "một nghìn không
// trăm linh năm tỷ"), followed by the rest in full form.
void read_number(std::string& out, std::uint64_t n, bool full, Dialect dialect) {
  constexpr std::uint64_t kBillion = 1'000'000'000;
  if (n >= kBillion) {
    read_number(out, n / kBillion, full, dialect);
    append_word(out, "tỷ");
    if (n % kBillion != 0) read_below_billion(out, n % kBillion, true, dialect);
    return;
  }
  read_below_billion(out, n, full, dialect);
}

}  // namespace

std::string number_in_words(std::int64_t n, Dialect dialect) {
  if (n == 0) return "không";
  std::string out;
  if (n < 0) out = "âm";
  const std::uint64_t mag =
      n < 0 ? ~static_cast<std::uint64_t>(n) + 1 : static_cast<std::uint64_t>(n);
  read_number(out, mag, false, dialect);
  return out;
}

std::string amount_in_words(Money amount, Dialect dialect) {
  return number_in_words(amount.vnd(), dialect) + " đồng";
}

}  // namespace cho4
