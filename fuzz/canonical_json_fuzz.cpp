// Fuzz target: adapters' strict JSON parser and the canonical (JSON.stringify-compatible)
// serialiser that payOS and Casso v2 signatures are computed over. A body an attacker controls
// reaches both before any signature is checked.
//
// Properties: whatever parses serialises, and the serialisation is a fixed point: parsing it and
// serialising again gives the same bytes, under every key order and escaping option. Deep
// nesting, huge numbers and invalid UTF-8 are refused with an error, never a crash.
#include <cstddef>
#include <cstdint>
#include <string>

#include <boost/json.hpp>

#include "adapters/canonical_json.h"
#include "fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace cho4::adapters;
  if (size == 0) return 0;
  // The first byte picks the options; the rest is the body.
  const std::uint8_t selector = data[0];
  const std::string_view body = cho4::fuzz::as_view(data + 1, size - 1);
  StringifyOptions options;
  options.key_order = static_cast<KeyOrder>(selector % 3);
  options.escape_slash = (selector & 0x04) != 0;
  options.escape_non_ascii = (selector & 0x08) != 0;

  auto parsed = parse_json_strict(body);
  if (!parsed.ok()) return 0;
  const std::string once = js_stringify(*parsed, options);
  auto again = parse_json_strict(once);
  FUZZ_CHECK(again.ok(), "the serialiser's output does not parse");
  const std::string twice = js_stringify(*again, options);
  FUZZ_CHECK(once == twice, "serialise(parse(serialise(x))) != serialise(x)");
  // Default options too: what payOS's array values use.
  const std::string plain = js_stringify(*parsed);
  auto plain_again = parse_json_strict(plain);
  FUZZ_CHECK(plain_again.ok() && js_stringify(*plain_again) == plain, "default round trip");
  return 0;
}
