#include "core/clock.h"

#include <gtest/gtest.h>

namespace cho4 {
namespace {

TEST(Clock, ManualClockMovesOnlyWhenTold) {
  ManualClock clock(1000);
  EXPECT_EQ(clock.now_ms(), 1000);
  clock.advance_ms(500);
  EXPECT_EQ(clock.now_ms(), 1500);
  clock.set_ms(7);
  EXPECT_EQ(clock.now_ms(), 7);
}

TEST(Clock, CivilDaysRoundTrip) {
  for (std::int64_t d = -800'000; d <= 800'000; d += 37) {
    EXPECT_EQ(days_from_civil(civil_from_days(d)), d);
  }
  EXPECT_EQ(days_from_civil({1970, 1, 1}), 0);
  EXPECT_EQ(days_from_civil({2000, 3, 1}), 11017);
}

TEST(Clock, VietnamBusinessDayIsUtcPlusSeven) {
  // 2024-10-03 16:59:59 UTC is 23:59:59 in Vietnam; one second later is the next day.
  const UnixMs t = *parse_vn_datetime("2024-10-03 23:59:59");
  EXPECT_EQ(format_rfc3339_utc(t), "2024-10-03T16:59:59.000Z");
  EXPECT_EQ(vn_date(t), (CivilDate{2024, 10, 3}));
  EXPECT_EQ(vn_date(t + 1000), (CivilDate{2024, 10, 4}));
  EXPECT_EQ(vn_day_start_ms({2024, 10, 4}), t + 1000);
  EXPECT_EQ(format_vn_datetime(t), "2024-10-03 23:59:59");
}

TEST(Clock, StrictParsing) {
  EXPECT_TRUE(parse_vn_datetime("2023-03-25 14:02:37").ok());
  EXPECT_TRUE(parse_vn_datetime("2023-03-25T14:02:37").ok());
  EXPECT_FALSE(parse_vn_datetime("2023-3-25 14:02:37").ok());
  EXPECT_FALSE(parse_vn_datetime("2023-02-29 00:00:00").ok());
  EXPECT_TRUE(parse_vn_datetime("2024-02-29 00:00:00").ok());
  EXPECT_FALSE(parse_vn_datetime("2023-03-25 24:00:00").ok());
  EXPECT_FALSE(parse_vn_datetime("").ok());
  EXPECT_FALSE(parse_date("2023-13-01").ok());
  EXPECT_EQ(format_date(*parse_date("2020-11-02")), "2020-11-02");
}

}  // namespace
}  // namespace cho4
