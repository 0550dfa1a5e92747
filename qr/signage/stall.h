// Stall: what one sign shows and encodes, read from a market's stall list and checked field by
// field, so that a bad row is reported with the name of the field at fault.
//
// Column names (CSV header, JSON keys) are the field names below; docs/signage.md documents them.
// A plain value type; thread-safe to copy.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "core/money.h"
#include "core/status.h"

namespace cho4::signage {

// Field (column) names, as they appear in stall files and error messages.
namespace field {
inline constexpr std::string_view market = "market";
inline constexpr std::string_view stall_number = "stall_number";
inline constexpr std::string_view stall_name = "stall_name";
inline constexpr std::string_view account_holder = "account_holder";
inline constexpr std::string_view bank = "bank";
inline constexpr std::string_view account = "account";
inline constexpr std::string_view service = "service";
inline constexpr std::string_view amount = "amount";
inline constexpr std::string_view item = "item";
inline constexpr std::string_view code = "code";
}  // namespace field

// Hard limits in code points, before any layout measures the text (a layout may refuse shorter
// text that does not fit its width; see render.h).
inline constexpr std::size_t kMarketNameMaxChars = 60;
inline constexpr std::size_t kStallNumberMaxChars = 16;
inline constexpr std::size_t kStallNameMaxChars = 48;
inline constexpr std::size_t kAccountHolderMaxChars = 50;
inline constexpr std::size_t kItemMaxChars = 40;
// VietQR limits: account (38.01.01) ≤ 19; purpose (62.08) ≤ 25, ASCII letters, digits, spaces.
inline constexpr std::size_t kAccountMaxChars = 19;
inline constexpr std::size_t kPurposeMaxChars = 25;

struct Stall {
  std::string market;           // "Chợ Bến Thành"
  std::string stall_number;     // "A12"
  std::string stall_name;       // "Phở Bà Tư"
  std::string account_holder;   // "NGUYEN THI TU", as the bank app shows it to the payer
  std::string bank_bin;         // resolved NAPAS BIN, "970436"
  std::string bank_name;        // the bank's display name, "Vietcombank"
  std::string account;          // account (or card) number
  bool to_card = false;         // QRIBFTTC instead of QRIBFTTA
  std::optional<Money> amount;  // set: a price-tag sign (POI 12 with the amount)
  std::string item;             // what a price tag's amount buys ("Phở bò tái"); may be empty
  std::string code;             // 62.08 purpose: the stall's code; empty on a plain static sign

  bool price_tag() const { return amount.has_value(); }
};

// The error of one row: its line in the file (1-based; 0 when unknown) and the field at fault
// (empty for errors of the whole row, such as a CSV quote never closed).
struct RowError {
  std::size_t line = 0;
  std::string field;
  std::string message;
  // "stalls.csv:7: account: missing"
  std::string to_string(std::string_view file) const;
};

// One row as read: field name → raw text (UTF-8 not yet checked).
using RawFields = std::map<std::string, std::string, std::less<>>;

// Checks and converts a raw row. `default_market` fills an empty or absent market field.
// Fails with the first field at fault, in column order.
Result<Stall, RowError> stall_from_fields(const RawFields& fields, std::size_t line,
                                          std::string_view default_market = {});

// The stall's VietQR payload (static, or POI 12 with the amount for a price tag; the code in
// 62.08). Fails with invalid_argument when the encoder refuses the data.
Result<std::string> stall_payload(const Stall& stall);

}  // namespace cho4::signage
