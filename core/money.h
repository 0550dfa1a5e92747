// Money: an amount of Vietnamese đồng. VND has no minor unit, so a Money is a whole int64 number of
// đồng. Credits may be any positive amount that fits; QR codes and orders are limited to one NAPAS
// 247 transfer (1 … 499,999,999 đ). A plain value type; thread-safe to copy.
#pragma once

#include <compare>
#include <cstdint>
#include <string_view>

#include "core/status.h"

namespace cho4 {

class Money {
 public:
  constexpr Money() = default;
  static constexpr Money vnd(std::int64_t amount) { return Money(amount); }

  constexpr std::int64_t vnd() const { return vnd_; }
  constexpr bool positive() const { return vnd_ > 0; }

  constexpr auto operator<=>(const Money&) const = default;
  constexpr Money operator+(Money o) const { return Money(vnd_ + o.vnd_); }
  constexpr Money operator-(Money o) const { return Money(vnd_ - o.vnd_); }
  constexpr Money operator-() const { return Money(-vnd_); }
  constexpr Money& operator+=(Money o) {
    vnd_ += o.vnd_;
    return *this;
  }
  constexpr Money& operator-=(Money o) {
    vnd_ -= o.vnd_;
    return *this;
  }

 private:
  constexpr explicit Money(std::int64_t v) : vnd_(v) {}
  std::int64_t vnd_ = 0;
};

// The smallest and largest amount one VietQR code or one order may carry.
inline constexpr Money kQrAmountMin = Money::vnd(1);
inline constexpr Money kQrAmountMax = Money::vnd(499'999'999);
// Bank credits beyond this are refused as implausible (10^15 đ is far above any account's size)
// and it keeps every sum of a day's credits far inside int64.
inline constexpr Money kCreditAmountMax = Money::vnd(1'000'000'000'000'000);

// Adds with an overflow check (sums of many credits). Fails with out_of_range.
Result<Money> checked_add(Money a, Money b);

// A JSON number to đồng: rejects NaN/infinity, fractions (25000.5) and anything outside int64
// *before* casting (a double cast out of range is undefined behaviour). 25000.0 is fine.
Result<Money> money_from_double(double amount);

// Decimal digits (optionally with a leading '-' when allow_negative, and an optional ".0…" tail of
// zeros) to đồng; fails on empty input, other characters, fractions or overflow.
Result<Money> parse_money(std::string_view digits, bool allow_negative = false);

}  // namespace cho4
