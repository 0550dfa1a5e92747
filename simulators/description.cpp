#include "simulators/description.h"

#include <cstdio>

#include "core/vn_text.h"

namespace cho4::sim {
namespace {

// Banks that truncate keep 25 characters of the memo (some keep 19; the reference code, at
// most 9 characters, fits either way).
constexpr std::size_t kTruncatedLength = 25;

std::string upper_folded(std::string_view s) {
  std::string out = fold_to_ascii(s);
  for (auto& c : out)
    if (c >= 'a' && c <= 'z') c = char(c - 'a' + 'A');
  return out;
}

std::string without_spaces(std::string_view s) {
  std::string out;
  for (char c : s)
    if (c != ' ' && c != '\t' && c != '\n') out.push_back(c);
  return out;
}

// VN wall-clock pieces of the booking time for the trace wrappers.
std::string vn_stamp(UnixMs t, const char* fmt) {
  const UnixMs local = t + kVietnamUtcOffsetMs;
  const std::int64_t day_ms = 86'400'000;
  std::int64_t days = local / day_ms;
  std::int64_t ms = local % day_ms;
  if (ms < 0) {
    ms += day_ms;
    --days;
  }
  const CivilDate d = civil_from_days(days);
  const int hh = int(ms / 3'600'000), mi = int(ms / 60'000 % 60), ss = int(ms / 1000 % 60);
  char buf[64];
  if (fmt[0] == 'd')  // ddmmyy
    std::snprintf(buf, sizeof buf, "%02d%02d%02d", int(d.day), int(d.month), int(d.year % 100));
  else if (fmt[0] == 'h')  // hhmmss
    std::snprintf(buf, sizeof buf, "%02d%02d%02d", hh, mi, ss);
  else  // hh:mm:ss
    std::snprintf(buf, sizeof buf, "%02d:%02d:%02d", hh, mi, ss);
  return buf;
}

}  // namespace

std::string make_description(const DescriptionInput& in) {
  std::string memo;
  if (!in.reference.empty()) {
    memo = std::string(in.reference);
    if (!in.memo.empty()) memo += " ";
  }
  memo += in.memo;
  if (memo.empty()) memo = "chuyen tien";
  const std::string payer_name = in.payer ? in.payer->name : std::string("KHACH HANG");
  const std::string payer_acct = in.payer ? in.payer->account : std::string("0000000000");
  const std::string trace = in.trace.empty() ? std::string("000000") : std::string(in.trace);
  switch (in.style) {
    case DescriptionStyle::plain:
      return memo;
    case DescriptionStyle::folded_upper:
      return upper_folded(memo);
    case DescriptionStyle::no_spaces:
      return without_spaces(upper_folded(memo));
    case DescriptionStyle::truncated_25: {
      std::string folded = upper_folded(memo);
      if (folded.size() > kTruncatedLength) folded.resize(kTruncatedLength);
      return folded;
    }
    case DescriptionStyle::mbvcb:
      // Note "toi<acct>" with no space: one bank prints it so.
      return "MBVCB." + trace + "." + upper_folded(memo) + ".CT tu " + payer_acct + " " +
             payer_name + " toi" + std::string(in.payee_account) + " " +
             std::string(in.payee_name) + " tai " + std::string(in.payee_bank_code);
    case DescriptionStyle::napas_trace:
      return trace + "." + vn_stamp(in.occurred_at_ms, "d") + "." +
             vn_stamp(in.occurred_at_ms, "h") + "." + upper_folded(memo);
    case DescriptionStyle::gd_trace:
      return upper_folded(memo) + " GD " + trace + "-" + vn_stamp(in.occurred_at_ms, "d") + " " +
             vn_stamp(in.occurred_at_ms, ":");
    case DescriptionStyle::qr_aggregator: {
      // The aggregator's own id is longer than any reference code, as in the real samples.
      const std::string n = trace.size() > 6 ? trace.substr(trace.size() - 6) : trace;
      return "QR VQR" + n + "a7d4e " + memo + " Ma giao dich Trace" + n + " Trace " + n;
    }
    case DescriptionStyle::chatpay:
      return memo + " (by " + (in.payer_bank ? in.payer_bank->brand : std::string("Bank")) +
             " ChatPay)";
  }
  return memo;
}

}  // namespace cho4::sim
