// Canonical JSON: a serialisation that reproduces JavaScript's JSON.stringify byte for byte, for
// providers that sign a re-serialisation of the body rather than its raw bytes (payOS's array
// values, Casso v2's recursively key-sorted body), plus the strict parser adapters use.
//
// JSON.stringify's rules reproduced here: numbers as Number.prototype.toString prints them
// (shortest round-trip digits, 25000 not 2.5E4, 1e+21 and 1e-7 exponent forms, -0 as 0, NaN and
// infinities as null); every integer is a JS double, so integers beyond 2^53 print as JS prints
// the nearest double; strings escape only ", \, and U+0000..U+001F (\b \f \n \r \t or \u00xx),
// other characters raw UTF-8. Options add PHP json_encode's escaping of "/" and non-ASCII, which
// some senders use. Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include <boost/json/value.hpp>

#include "adapters/errors.h"
#include "core/status.h"

namespace cho4::adapters {

enum class KeyOrder : std::uint8_t {
  as_is,  // insertion order (what JSON.parse + JSON.stringify does for non-index keys)
  utf16,  // sorted by UTF-16 code units, as JavaScript's Array.prototype.sort() compares strings
  bytes,  // sorted by UTF-8 bytes (= code points)
};

struct StringifyOptions {
  KeyOrder key_order = KeyOrder::as_is;  // applied recursively to every object
  bool escape_slash = false;             // "/" as "\/" (PHP's default)
  bool escape_non_ascii = false;         // non-ASCII as \uXXXX (lower-case hex, surrogate pairs)
};

std::string js_stringify(const boost::json::value& value, const StringifyOptions& options = {});
void js_stringify_append(std::string& out, const boost::json::value& value,
                         const StringifyOptions& options = {});

// Number.prototype.toString(10) of a double: 0.1 → "0.1", 1e21 → "1e+21", 2.5e-7 → "2.5e-7".
std::string js_number(double d);
void js_number_append(std::string& out, double d);
// A JSON string literal (with quotes) as JSON.stringify writes it.
void js_quote_append(std::string& out, std::string_view utf8, const StringifyOptions& options = {});

// True when a sorts before b by UTF-16 code units (both well-formed UTF-8).
bool utf16_less(std::string_view a, std::string_view b);

// The strict parse every adapter uses: checks size (kBodyBytesMax), rejects malformed UTF-8 as
// its own error (invalid_utf8), limits nesting to kJsonDepthMax (too_deep), and parses decimal
// fractions exactly (shortest round-trip) so that re-serialisation reproduces them.
// `storage` holds the result's memory (default: the heap); hot paths pass a
// boost::json::monotonic_resource over a stack buffer and drop the value before it goes.
Result<boost::json::value, ParseError> parse_json_strict(std::string_view body,
                                                         boost::json::storage_ptr storage = {});

}  // namespace cho4::adapters
