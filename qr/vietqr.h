// VietQR (NAPAS 247 over EMVCo Merchant-Presented Mode): encode a bank-transfer payload, decode any
// EMVCo MPM string. See ../shared/reference/vietqr.md for the format. Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/money.h"
#include "core/status.h"

namespace cho4::qr {

// Field 01: 11 for a reusable (static) code, 12 for one sale (dynamic). The encoder emits 12 iff
// an amount is present.
enum class PointOfInitiation : std::uint8_t { static_code = 11, dynamic_code = 12 };
// Template 38.02: transfer to an account (QRIBFTTA) or to a card number (QRIBFTTC).
enum class ServiceCode : std::uint8_t { to_account, to_card };

// A VietQR bank-transfer code.
struct Payload {
  std::string bank_bin;  // 38.01.00: NAPAS acquirer BIN, 6 digits
  std::string
      account;  // 38.01.01: account or card number, ≤ 19 (letters allowed: virtual accounts)
  ServiceCode service = ServiceCode::to_account;
  std::optional<Money> amount;  // 54: 1 … 499,999,999 đ
  std::string purpose;          // 62.08: what bank apps pre-fill as the transfer description
  std::string bill_number;      // 62.01
  std::string reference_label;  // 62.05
  std::string merchant_name;    // 59, ≤ 25 ASCII
  std::string merchant_city;    // 60, ≤ 15 ASCII
  // Other root fields kept as they came (52, 64, 80–99 …): id → value, emitted in id order.
  std::vector<std::pair<std::string, std::string>> extra_fields;

  friend bool operator==(const Payload&, const Payload&) = default;
};

// Field-length limits from the reference (characters).
inline constexpr std::size_t kAccountMaxChars = 19;
inline constexpr std::size_t kAdditionalFieldMaxChars = 25;  // each 62.xx
inline constexpr std::size_t kMerchantNameMaxChars = 25;
inline constexpr std::size_t kMerchantCityMaxChars = 15;
inline constexpr std::size_t kTemplateMaxChars = 99;

enum class EncodeErrorKind : std::uint8_t {
  bad_bin = 1,              // not 6 digits
  bad_account = 2,          // empty, too long, or not [A-Za-z0-9]
  amount_out_of_range = 3,  // outside 1 … 499,999,999
  field_too_long = 4,       // a text field over its limit (after folding)
  non_ascii_text = 5,       // non-ASCII in an ASCII field while folding is off
  invalid_utf8 = 6,         // a text field is not UTF-8
  bad_extra_field = 8,      // an extra field id is reserved or malformed
};

struct EncodeError {
  EncodeErrorKind kind;
  std::string field;            // "62.08", "38.01.01", "54"
  std::string detail;           // what exactly is wrong
  std::string message() const;  // "field 62.08 (purpose): 31 characters, at most 25"
};

struct EncodeOptions {
  // Fold Vietnamese text (59, 60, 62.xx) to ASCII by NAPAS's rule instead of refusing it.
  bool fold_text = true;
};

// Encodes the payload: fields in ascending id order, 63 last with an upper-case zero-padded CRC.
Result<std::string, EncodeError> encode(const Payload& payload, const EncodeOptions& options = {});
// Same, into `out` (cleared first): lets hot paths reuse one buffer.
Result<std::size_t, EncodeError> encode_into(const Payload& payload, std::string& out,
                                             const EncodeOptions& options = {});

// ---- Decoding ----

enum class Scheme : std::uint8_t {
  vietqr = 1,       // template 38 with GUID A000000727: a NAPAS bank transfer
  vnpay = 2,        // template 26 with GUID A000000775: a VNPAY-QR merchant code, not a transfer
  other_emvco = 3,  // a valid EMVCo MPM code of another scheme
};
std::string_view to_string(Scheme s);

enum class DecodeErrorKind : std::uint8_t {
  empty = 1,
  truncated_header = 2,  // fewer than 4 characters left where an id + length must start
  bad_header = 3,        // id or length is not two digits
  length_overrun = 4,    // a declared length runs past the end of its data or template
  invalid_utf8 = 5,
  bad_format_indicator = 6,  // 00 missing, not first, or not "01"
  missing_crc = 7,           // no field 63
  crc_not_last = 8,          // something follows field 63
  bad_crc_format = 9,        // 63 is not 4 hex digits
  bad_crc = 10,              // checksum mismatch (expected vs found)
  missing_field = 11,        // a mandatory field is absent
  bad_field_value = 12,  // a field's value is malformed (POI, currency, country, amount, BIN…)
  duplicate_field = 13,  // the same id twice in one template
};
std::string_view to_string(DecodeErrorKind k);

struct DecodeError {
  DecodeErrorKind kind;
  std::size_t offset = 0;  // character offset where the problem is
  std::string field;       // "38.01", "63", "" when not about one field
  std::string detail;
  std::uint16_t crc_expected = 0;  // bad_crc only
  std::uint16_t crc_found = 0;     // bad_crc only
  std::string message() const;     // "bad CRC: expected 53E6, found 53E7 (field 63 at offset 130)"
};

// One TLV data object as found, with its sub-fields when it is a template (26, 38, 62, 64, 80–99).
struct Field {
  std::string id;
  std::string value;
  std::size_t offset = 0;  // character offset of the id
  std::vector<Field> children;
};

struct Decoded {
  Scheme scheme = Scheme::other_emvco;
  PointOfInitiation poi = PointOfInitiation::static_code;
  std::optional<Payload> vietqr;  // set when scheme == vietqr
  std::string merchant_id;        // VNPAY-QR: 26.01
  std::string currency;           // 53
  std::string country;            // 58
  std::string crc_text;           // 63, as found (may be lower case)
  std::vector<Field> fields;      // every root field, in the order found
};

// Decodes any EMVCo MPM string: fields in any order, nested templates, lengths counted in
// characters (UTF-8), CRC checked (either case), unreserved fields preserved.
Result<Decoded, DecodeError> decode(std::string_view text);

}  // namespace cho4::qr
