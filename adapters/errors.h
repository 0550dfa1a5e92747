// Typed failures of an adapter. AuthError: the request is not proven genuine (the server answers
// 401 and stores nothing). ParseError: the request was authenticated but its body cannot become
// BankCredits (the server dead-letters the raw bytes, answers 2xx, and alerts). Plain values.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace cho4::adapters {

// Stable numbers: they appear in logs, metrics and the plugin C ABI. Add at the end.
enum class AuthErrorKind : std::uint8_t {
  missing_credentials = 1,  // no Authorization / signature / token header at all
  bad_credentials = 2,      // a static key, Basic credentials or client secret that does not match
  bad_signature = 3,        // an HMAC / body signature that does not verify
  stale_timestamp = 4,      // a signed timestamp outside the instance's tolerance window
  malformed_header = 5,     // a credential header that cannot be parsed (bad hex, no "t=", …)
  expired_token = 6,        // a bearer token we issued, genuine but past its expiry
  bad_token = 7,            // a bearer token that is not one we issued (forged, other instance)
  unsupported = 8,          // e.g. a token request on an instance that has no token endpoint
  bad_request = 9,          // a token request with a wrong grant type or unreadable body
  plugin_failure = 10,      // a plugin returned an unknown code
};

struct AuthError {
  AuthErrorKind kind = AuthErrorKind::bad_signature;
  std::string message;  // English, for logs; never contains secrets

  friend bool operator==(const AuthError&, const AuthError&) = default;
};

// Stable numbers: see above.
enum class ParseErrorKind : std::uint8_t {
  invalid_json = 1,         // not JSON at all (or trailing garbage)
  missing_field = 2,        // a required field is absent or null (an id, the amount, …)
  bad_amount = 3,           // an amount of the wrong JSON type (bool, object, …)
  amount_out_of_range = 4,  // an amount beyond int64 or beyond kCreditAmountMax
  bad_time = 5,             // a date/time that does not parse or is out of range
  too_deep = 6,             // nesting beyond kJsonDepthMax
  invalid_utf8 = 7,         // the body is not well-formed UTF-8
  wrong_type = 8,           // a non-amount field of the wrong JSON type (id as an object, …)
  zero_amount = 9,          // an amount of 0
  fractional_amount = 10,   // an amount with a fraction (25000.5)
  amount_as_string = 11,    // an amount sent as a JSON string ("25000")
  bad_value = 12,           // a field with a value outside its set (transferType "sideways")
  body_too_large = 13,      // the body exceeds kBodyBytesMax
  too_many_credits = 14,    // an array body with more than kCreditsPerRequestMax entries
  plugin_failure = 15,      // a plugin returned an unknown code
  negative_amount = 16,     // a negative amount from a provider that reports incoming money only
};

struct ParseError {
  ParseErrorKind kind = ParseErrorKind::invalid_json;
  std::string
      path;  // JSON path of the offending field: "data.amount", "data[2].id", "" for the body
  std::string message;  // English, for logs and the dead letter

  friend bool operator==(const ParseError&, const ParseError&) = default;
};

// The HTTP status for an authentication failure: 404 for unsupported (no token endpoint on the
// instance), 400 for bad_request (e.g. a wrong OAuth2 grant type), 401 otherwise.
int http_status(AuthErrorKind kind);

std::string_view to_string(AuthErrorKind kind);
std::string_view to_string(ParseErrorKind kind);
// "bad_signature: X-SePay-Signature does not match"
std::string to_string(const AuthError& e);
// "missing_field at data.id: required"
std::string to_string(const ParseError& e);

}  // namespace cho4::adapters
