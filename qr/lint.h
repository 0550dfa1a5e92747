// Lints a QR payload: what makes a code fail or misbehave in Vietnamese bank apps, beyond being
// decodable (POI 11 with an amount, memo in 62.01 but not 62.08, non-ASCII in ASCII fields, amount
// ≥ 500,000,000, unknown BIN, memo over 19 characters …). Pure; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace cho4::qr {

enum class Severity : std::uint8_t { error = 1, warning = 2, info = 3 };
std::string_view to_string(Severity s);

struct Finding {
  Severity severity;
  std::string code;     // stable identifier: "bad_crc", "poi_static_with_amount", …
  std::string field;    // "62.08", "" when about the whole code
  std::string message;  // one sentence for a person
};

// Every finding, errors first. An undecodable payload yields its decode error as an error finding.
std::vector<Finding> lint(std::string_view text);
bool has_errors(const std::vector<Finding>& findings);

}  // namespace cho4::qr
