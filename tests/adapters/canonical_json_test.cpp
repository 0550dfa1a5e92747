// JSON.stringify reproduced exactly: numbers, escaping, key orders, nesting; and the strict
// parser (depth, UTF-8, exact doubles).
#include <gtest/gtest.h>

#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>

#include "adapters/canonical_json.h"
#include "adapters/limits.h"

namespace cho4::adapters {
namespace {

namespace json = boost::json;

std::string reserialise(std::string_view text, StringifyOptions opt = {}) {
  auto v = parse_json_strict(text);
  EXPECT_TRUE(v.ok()) << text;
  return v.ok() ? js_stringify(*v, opt) : "";
}

TEST(JsNumber, MatchesNumberPrototypeToString) {
  EXPECT_EQ(js_number(0.0), "0");
  EXPECT_EQ(js_number(-0.0), "0");
  EXPECT_EQ(js_number(25000.0), "25000");
  EXPECT_EQ(js_number(2.5e4), "25000");
  EXPECT_EQ(js_number(1e21), "1e+21");
  EXPECT_EQ(js_number(1e20), "100000000000000000000");
  EXPECT_EQ(js_number(123456789012345680000.0), "123456789012345680000");
  EXPECT_EQ(js_number(1.5e300), "1.5e+300");
  EXPECT_EQ(js_number(0.1), "0.1");
  EXPECT_EQ(js_number(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(js_number(0.000001), "0.000001");
  EXPECT_EQ(js_number(1e-7), "1e-7");
  EXPECT_EQ(js_number(1.23e-18), "1.23e-18");
  EXPECT_EQ(js_number(-1.5), "-1.5");
  EXPECT_EQ(js_number(5e-324), "5e-324");
  EXPECT_EQ(js_number(1.7976931348623157e308), "1.7976931348623157e+308");
  EXPECT_EQ(js_number(123.456), "123.456");
  EXPECT_EQ(js_number(9007199254740993.0), "9007199254740992");
  EXPECT_EQ(js_number(std::nan("")), "NaN");
  EXPECT_EQ(js_number(-std::numeric_limits<double>::infinity()), "-Infinity");
}

TEST(JsStringify, NumbersInsideJson) {
  EXPECT_EQ(reserialise("[25000.0,2.5E4,1e21,1E-7,-0,0.10,100,-1.50]"),
            "[25000,25000,1e+21,1e-7,0,0.1,100,-1.5]");
  // Integers are JS doubles: beyond 2^53 they print as the nearest double does.
  EXPECT_EQ(reserialise("[9007199254740992,9007199254740993,18446744073709551615,"
                        "-9223372036854775808,12345678901234567890]"),
            "[9007199254740992,9007199254740992,18446744073709552000,-9223372036854776000,"
            "12345678901234567000]");
  EXPECT_EQ(reserialise("[1000000000000]"), "[1000000000000]");
}

TEST(JsStringify, EscapingAsJavaScript) {
  EXPECT_EQ(reserialise(R"(["a\"b\\c\/d","\b\f\n\r\t","\u0001\u001f\u007f","Đà Nẵng 🥭"])"),
            "[\"a\\\"b\\\\c/d\",\"\\b\\f\\n\\r\\t\",\"\\u0001\\u001f\x7f\",\"Đà Nẵng 🥭\"]");
  StringifyOptions php{KeyOrder::as_is, true, true};
  EXPECT_EQ(reserialise(R"(["a/b","Đà","🥭","\u0001"])", php),
            R"(["a\/b","\u0110\u00e0","\ud83e\udd6d","\u0001"])");
  std::string out;
  js_quote_append(out, "U+2028:\u2028");
  EXPECT_EQ(out, "\"U+2028:\u2028\"");  // JSON.stringify leaves line separators raw
}

TEST(JsStringify, KeyOrders) {
  const char* text = R"({"b":1,"a":{"d":[{"z":1,"y":2}],"c":2},"B":3,"ｱ":4,"😀":5,"é":6})";
  EXPECT_EQ(reserialise(text), text);  // as_is
  EXPECT_EQ(reserialise(text, {KeyOrder::utf16}),
            R"({"B":3,"a":{"c":2,"d":[{"y":2,"z":1}]},"b":1,"é":6,"😀":5,"ｱ":4})");
  // Byte order puts U+FF71 (EF BD B1) before U+1F600 (F0 9F 98 80); UTF-16 order the reverse
  // (D83D DE00 < FF71).
  EXPECT_EQ(reserialise(text, {KeyOrder::bytes}),
            R"({"B":3,"a":{"c":2,"d":[{"y":2,"z":1}]},"b":1,"é":6,"ｱ":4,"😀":5})");
  EXPECT_TRUE(utf16_less("😀", "ｱ"));
  EXPECT_FALSE(utf16_less("ｱ", "😀"));
  EXPECT_TRUE(utf16_less("a", "ab"));
  EXPECT_FALSE(utf16_less("ab", "ab"));
}

TEST(JsStringify, NestedArraysAndEmpties) {
  EXPECT_EQ(reserialise(R"([[],{},[[[1,[2.50,[null,true,false]]]]],{"a":[]}])"),
            R"([[],{},[[[1,[2.5,[null,true,false]]]]],{"a":[]}])");
  EXPECT_EQ(reserialise(R"(  { "a" : 1 ,  "b" : [ 1 , 2 ] }  )"), R"({"a":1,"b":[1,2]})");
}

TEST(StrictParse, DepthUtf8AndSize) {
  std::string ok_depth = std::string(kJsonDepthMax, '[') + std::string(kJsonDepthMax, ']');
  EXPECT_TRUE(parse_json_strict(ok_depth).ok());
  std::string too_deep = "[" + ok_depth + "]";
  EXPECT_EQ(parse_json_strict(too_deep).error().kind, ParseErrorKind::too_deep);
  EXPECT_EQ(parse_json_strict("\"\xff\"").error().kind, ParseErrorKind::invalid_utf8);
  EXPECT_EQ(parse_json_strict("\"\xed\xa0\x80\"").error().kind, ParseErrorKind::invalid_utf8);
  EXPECT_EQ(parse_json_strict("{").error().kind, ParseErrorKind::invalid_json);
  EXPECT_EQ(parse_json_strict("{} {}").error().kind, ParseErrorKind::invalid_json);
  EXPECT_EQ(parse_json_strict("NaN").error().kind, ParseErrorKind::invalid_json);
}

// Boost 1.81's own double parser is not correctly rounded everywhere; ours must be, or a
// re-serialised body would differ from what the sender signed.
TEST(StrictParse, DoublesAreExact) {
  std::mt19937_64 rng(42);
  int checked = 0;
  for (int i = 0; i < 20000; ++i) {
    std::uint64_t bits = rng();
    double d;
    std::memcpy(&d, &bits, sizeof d);
    if (!std::isfinite(d)) continue;
    char buf[64];
    auto res = std::to_chars(buf, buf + sizeof buf, d);
    std::string text(buf, res.ptr);
    auto v = parse_json_strict(text);
    ASSERT_TRUE(v.ok()) << text;
    double back = v->is_double()  ? v->get_double()
                  : v->is_int64() ? static_cast<double>(v->get_int64())
                                  : static_cast<double>(v->get_uint64());
    ASSERT_EQ(back, d) << text;
    // And the JS form parses back to the same double.
    std::string js = js_number(d);
    ASSERT_EQ(std::strtod(js.c_str(), nullptr), d) << js;
    ++checked;
  }
  EXPECT_GT(checked, 19000);
}

}  // namespace
}  // namespace cho4::adapters
