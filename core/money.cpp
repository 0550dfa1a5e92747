#include "core/money.h"

#include <cmath>
#include <limits>
#include <string>

namespace cho4 {

Result<Money> checked_add(Money a, Money b) {
  std::int64_t out = 0;
  if (__builtin_add_overflow(a.vnd(), b.vnd(), &out)) return out_of_range("amount sum overflows");
  return Money::vnd(out);
}

Result<Money> money_from_double(double amount) {
  if (!std::isfinite(amount)) return invalid_argument("amount is not a finite number");
  if (amount != std::trunc(amount)) return invalid_argument("amount has a fraction of a dong");
  // 2^63 is exactly representable; anything >= it (or < -2^63) does not fit.
  constexpr double two63 = 9223372036854775808.0;
  if (amount >= two63 || amount < -two63) return out_of_range("amount does not fit in 64 bits");
  return Money::vnd(static_cast<std::int64_t>(amount));
}

Result<Money> parse_money(std::string_view s, bool allow_negative) {
  bool negative = false;
  if (!s.empty() && s.front() == '-') {
    if (!allow_negative) return invalid_argument("amount must not be negative");
    negative = true;
    s.remove_prefix(1);
  }
  if (auto dot = s.find('.'); dot != std::string_view::npos) {
    for (char c : s.substr(dot + 1))
      if (c != '0') return invalid_argument("amount has a fraction of a dong");
    s = s.substr(0, dot);
  }
  if (s.empty()) return invalid_argument("amount is empty");
  std::int64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return invalid_argument("amount has a non-digit character");
    if (__builtin_mul_overflow(v, 10, &v) || __builtin_add_overflow(v, c - '0', &v))
      return out_of_range("amount does not fit in 64 bits");
  }
  return Money::vnd(negative ? -v : v);
}

}  // namespace cho4
