#include "core/money.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace cho4 {
namespace {

TEST(Money, ArithmeticAndLimits) {
  EXPECT_EQ((Money::vnd(50'000) + Money::vnd(1)).vnd(), 50'001);
  EXPECT_LT(kQrAmountMax, Money::vnd(500'000'000));
  EXPECT_FALSE(checked_add(Money::vnd(INT64_MAX), Money::vnd(1)).ok());
  EXPECT_EQ(checked_add(Money::vnd(2), Money::vnd(3))->vnd(), 5);
}

TEST(Money, FromDoubleChecksBeforeCasting) {
  EXPECT_EQ(money_from_double(25000.0)->vnd(), 25000);
  EXPECT_EQ(money_from_double(-5000.0)->vnd(), -5000);
  EXPECT_EQ(money_from_double(25000.5).error().code(), StatusCode::invalid_argument);
  EXPECT_EQ(money_from_double(9.3e18).error().code(), StatusCode::out_of_range);
  EXPECT_EQ(money_from_double(-9.3e18).error().code(), StatusCode::out_of_range);
  EXPECT_FALSE(money_from_double(std::nan("")).ok());
  EXPECT_FALSE(money_from_double(std::numeric_limits<double>::infinity()).ok());
  EXPECT_EQ(money_from_double(1e12)->vnd(), 1'000'000'000'000);
}

TEST(Money, ParseDigits) {
  EXPECT_EQ(parse_money("10000")->vnd(), 10000);
  EXPECT_EQ(parse_money("10000.00")->vnd(), 10000);
  EXPECT_FALSE(parse_money("10000.5").ok());
  EXPECT_FALSE(parse_money("-1").ok());
  EXPECT_EQ(parse_money("-1", true)->vnd(), -1);
  EXPECT_FALSE(parse_money("").ok());
  EXPECT_FALSE(parse_money("1,000").ok());
  EXPECT_EQ(parse_money("99999999999999999999").error().code(), StatusCode::out_of_range);
}

}  // namespace
}  // namespace cho4
