// Time in cho4: UTC milliseconds since the Unix epoch (UnixMs). Vietnam is UTC+7 with no daylight
// saving, so business days and local wall-clock times use a fixed offset and no time-zone database.
//
// Clock is injected everywhere time matters (reconciliation lateness, replay windows, token
// expiry, the simulator): SystemClock in production, ManualClock in tests. Both are thread-safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace cho4 {

using UnixMs = std::int64_t;

inline constexpr std::int64_t kVietnamUtcOffsetMs = 7 * 3600 * 1000;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual UnixMs now_ms() const = 0;
};

class SystemClock final : public Clock {
 public:
  UnixMs now_ms() const override;
};

// A clock that moves only when told: deterministic tests and simulations.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(UnixMs start_ms = 0) : now_(start_ms) {}
  UnixMs now_ms() const override { return now_.load(std::memory_order_acquire); }
  void set_ms(UnixMs t) { now_.store(t, std::memory_order_release); }
  void advance_ms(std::int64_t d) { now_.fetch_add(d, std::memory_order_acq_rel); }

 private:
  std::atomic<UnixMs> now_;
};

// A calendar date (proleptic Gregorian).
struct CivilDate {
  int year = 1970;
  int month = 1;  // 1..12
  int day = 1;    // 1..31
  friend auto operator<=>(const CivilDate&, const CivilDate&) = default;
};

// Days since 1970-01-01 for a civil date, and back (Howard Hinnant's algorithms).
std::int64_t days_from_civil(CivilDate d);
CivilDate civil_from_days(std::int64_t days);

// The Vietnamese business day (UTC+7) an instant falls on, as days since the epoch, and as a date.
std::int64_t vn_day_number(UnixMs t);
CivilDate vn_date(UnixMs t);
// Midnight (00:00 in Vietnam) that starts the given Vietnamese date, in UTC ms.
UnixMs vn_day_start_ms(CivilDate d);

// "2024-10-03" for a date; parses the same form (strict: zero-padded, valid day of month).
std::string format_date(CivilDate d);
Result<CivilDate> parse_date(std::string_view ymd);

// Vietnamese wall-clock time "YYYY-MM-DD HH:MM:SS" (what SePay, payOS and Casso send) to UTC ms,
// and back. Strict: every field zero-padded and in range.
Result<UnixMs> parse_vn_datetime(std::string_view text);
std::string format_vn_datetime(UnixMs t);

// RFC 3339 in UTC with milliseconds, "2024-10-03T08:06:37.000Z", for JSON APIs and logs.
std::string format_rfc3339_utc(UnixMs t);

}  // namespace cho4
