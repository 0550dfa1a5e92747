#include "core/clock.h"

#include <chrono>
#include <cstdio>

namespace cho4 {

UnixMs SystemClock::now_ms() const {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

std::int64_t days_from_civil(CivilDate d) {
  const std::int64_t y = d.year - (d.month <= 2 ? 1 : 0);
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const std::int64_t yoe = y - era * 400;
  const std::int64_t mp = (d.month + 9) % 12;
  const std::int64_t doy = (153 * mp + 2) / 5 + d.day - 1;
  const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

CivilDate civil_from_days(std::int64_t z) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const std::int64_t doe = z - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t y = yoe + era * 400;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  const std::int64_t d = doy - (153 * mp + 2) / 5 + 1;
  const std::int64_t m = mp < 10 ? mp + 3 : mp - 9;
  return CivilDate{static_cast<int>(y + (m <= 2 ? 1 : 0)), static_cast<int>(m),
                   static_cast<int>(d)};
}

namespace {
constexpr std::int64_t kDayMs = 86'400'000;

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

int days_in_month(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

// Reads exactly n digits at s[pos..] into out.
bool read_digits(std::string_view s, std::size_t pos, std::size_t n, int& out) {
  if (pos + n > s.size()) return false;
  out = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}
}  // namespace

std::int64_t vn_day_number(UnixMs t) {
  return floor_div(t + kVietnamUtcOffsetMs, kDayMs);
}
CivilDate vn_date(UnixMs t) {
  return civil_from_days(vn_day_number(t));
}
UnixMs vn_day_start_ms(CivilDate d) {
  return days_from_civil(d) * kDayMs - kVietnamUtcOffsetMs;
}

std::string format_date(CivilDate d) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", d.year, d.month, d.day);
  return buf;
}

Result<CivilDate> parse_date(std::string_view s) {
  CivilDate d;
  if (s.size() != 10 || s[4] != '-' || s[7] != '-' || !read_digits(s, 0, 4, d.year) ||
      !read_digits(s, 5, 2, d.month) || !read_digits(s, 8, 2, d.day))
    return invalid_argument("date must look like YYYY-MM-DD");
  if (d.month < 1 || d.month > 12 || d.day < 1 || d.day > days_in_month(d.year, d.month))
    return invalid_argument("date does not exist");
  return d;
}

Result<UnixMs> parse_vn_datetime(std::string_view s) {
  if (s.size() != 19 || (s[10] != ' ' && s[10] != 'T') || s[13] != ':' || s[16] != ':')
    return invalid_argument("time must look like YYYY-MM-DD HH:MM:SS");
  CHO4_ASSIGN_OR_RETURN(CivilDate d, parse_date(s.substr(0, 10)));
  int hh = 0, mm = 0, ss = 0;
  if (!read_digits(s, 11, 2, hh) || !read_digits(s, 14, 2, mm) || !read_digits(s, 17, 2, ss) ||
      hh > 23 || mm > 59 || ss > 59)
    return invalid_argument("time of day is out of range");
  return vn_day_start_ms(d) + (hh * 3600 + mm * 60 + ss) * 1000LL;
}

std::string format_vn_datetime(UnixMs t) {
  const std::int64_t local = t + kVietnamUtcOffsetMs;
  const CivilDate d = civil_from_days(floor_div(local, kDayMs));
  const std::int64_t sec = floor_div(local, 1000) - floor_div(local, kDayMs) * 86400;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d %02d:%02d:%02d", d.year, d.month, d.day,
                static_cast<int>(sec / 3600), static_cast<int>(sec / 60 % 60),
                static_cast<int>(sec % 60));
  return buf;
}

std::string format_rfc3339_utc(UnixMs t) {
  const CivilDate d = civil_from_days(floor_div(t, kDayMs));
  const std::int64_t ms_of_day = t - floor_div(t, kDayMs) * kDayMs;
  const std::int64_t sec = ms_of_day / 1000;
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", d.year, d.month, d.day,
                static_cast<int>(sec / 3600), static_cast<int>(sec / 60 % 60),
                static_cast<int>(sec % 60), static_cast<int>(ms_of_day % 1000));
  return buf;
}

}  // namespace cho4
