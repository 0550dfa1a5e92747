#include "adapters/canonical_json.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <vector>

#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/value_stack.hpp>

#include "adapters/limits.h"
#include "core/vn_text.h"

namespace cho4::adapters {

namespace json = boost::json;

// ---- Numbers ----

void js_number_append(std::string& out, double d) {
  if (std::isnan(d)) {
    out += "NaN";
    return;
  }
  if (std::isinf(d)) {
    out += d < 0 ? "-Infinity" : "Infinity";
    return;
  }
  if (d == 0) {  // +0 and -0 both print as "0"
    out += '0';
    return;
  }
  if (d < 0) {
    out += '-';
    d = -d;
  }
  // Shortest round-trip digits in scientific form, e.g. "2.5e+04", then ECMAScript's
  // Number::toString layout (ECMA-262 §6.1.6.1.20) from the digits and the exponent.
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
  std::string_view sci(buf, static_cast<std::size_t>(res.ptr - buf));
  std::size_t e_pos = sci.find('e');
  std::string digits;
  for (char c : sci.substr(0, e_pos)) {
    if (c != '.') digits += c;
  }
  int exp10 = 0;
  std::string_view exp_text = sci.substr(e_pos + 1);
  if (!exp_text.empty() && exp_text.front() == '+') exp_text.remove_prefix(1);
  std::from_chars(exp_text.data(), exp_text.data() + exp_text.size(), exp10);
  const int k = static_cast<int>(digits.size());
  const int n = exp10 + 1;
  if (k <= n && n <= 21) {
    out += digits;
    out.append(static_cast<std::size_t>(n - k), '0');
  } else if (0 < n && n <= 21) {
    out.append(digits, 0, static_cast<std::size_t>(n));
    out += '.';
    out.append(digits, static_cast<std::size_t>(n));
  } else if (-6 < n && n <= 0) {
    out += "0.";
    out.append(static_cast<std::size_t>(-n), '0');
    out += digits;
  } else {
    out += digits[0];
    if (k > 1) {
      out += '.';
      out.append(digits, 1);
    }
    out += 'e';
    out += (n - 1) < 0 ? '-' : '+';
    out += std::to_string(std::abs(n - 1));
  }
}

std::string js_number(double d) {
  std::string out;
  js_number_append(out, d);
  return out;
}

namespace {

constexpr std::int64_t kJsSafeIntegerMax = (std::int64_t{1} << 53);

void append_json_number(std::string& out, const json::value& v) {
  // JavaScript numbers are doubles: integers beyond 2^53 print as the nearest double does.
  if (v.is_int64()) {
    std::int64_t i = v.get_int64();
    if (i >= -kJsSafeIntegerMax && i <= kJsSafeIntegerMax) {
      out += std::to_string(i);
    } else {
      js_number_append(out, static_cast<double>(i));
    }
  } else if (v.is_uint64()) {
    std::uint64_t u = v.get_uint64();
    if (u <= static_cast<std::uint64_t>(kJsSafeIntegerMax)) {
      out += std::to_string(u);
    } else {
      js_number_append(out, static_cast<double>(u));
    }
  } else {
    double d = v.get_double();
    if (!std::isfinite(d)) {
      out += "null";  // JSON.stringify(NaN) === "null"
    } else {
      js_number_append(out, d);
    }
  }
}

void append_u_escape(std::string& out, unsigned unit) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += "\\u";
  out += kHex[(unit >> 12) & 15];
  out += kHex[(unit >> 8) & 15];
  out += kHex[(unit >> 4) & 15];
  out += kHex[unit & 15];
}

// Sort key of a code point by its first UTF-16 code unit (ties broken by the code point, which
// orders the second unit the same way).
std::uint32_t utf16_first_unit(char32_t cp) {
  return cp < 0x10000 ? static_cast<std::uint32_t>(cp)
                      : 0xD800u + ((static_cast<std::uint32_t>(cp) - 0x10000u) >> 10);
}

void stringify(std::string& out, const json::value& v, const StringifyOptions& opt) {
  switch (v.kind()) {
    case json::kind::null:
      out += "null";
      return;
    case json::kind::bool_:
      out += v.get_bool() ? "true" : "false";
      return;
    case json::kind::int64:
    case json::kind::uint64:
    case json::kind::double_:
      append_json_number(out, v);
      return;
    case json::kind::string:
      js_quote_append(out, v.get_string(), opt);
      return;
    case json::kind::array: {
      out += '[';
      bool first = true;
      for (const json::value& e : v.get_array()) {
        if (!first) out += ',';
        first = false;
        stringify(out, e, opt);
      }
      out += ']';
      return;
    }
    case json::kind::object: {
      const json::object& o = v.get_object();
      std::vector<const json::key_value_pair*> members;
      members.reserve(o.size());
      for (const auto& kv : o) members.push_back(&kv);
      if (opt.key_order == KeyOrder::utf16) {
        std::stable_sort(members.begin(), members.end(),
                         [](auto* a, auto* b) { return utf16_less(a->key(), b->key()); });
      } else if (opt.key_order == KeyOrder::bytes) {
        std::stable_sort(members.begin(), members.end(),
                         [](auto* a, auto* b) { return a->key() < b->key(); });
      }
      out += '{';
      bool first = true;
      for (const auto* kv : members) {
        if (!first) out += ',';
        first = false;
        js_quote_append(out, kv->key(), opt);
        out += ':';
        stringify(out, kv->value(), opt);
      }
      out += '}';
      return;
    }
  }
}

}  // namespace

void js_quote_append(std::string& out, std::string_view s, const StringifyOptions& opt) {
  out += '"';
  std::size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      if (!opt.escape_non_ascii) {
        out += static_cast<char>(c);
        ++i;
        continue;
      }
      std::size_t pos = i;
      std::optional<char32_t> cp = next_code_point(s, pos);
      if (!cp) {  // not reachable for checked input; keep the bytes rather than lose them
        out += static_cast<char>(c);
        ++i;
        continue;
      }
      if (*cp >= 0x10000) {
        std::uint32_t v = static_cast<std::uint32_t>(*cp) - 0x10000u;
        append_u_escape(out, 0xD800u + (v >> 10));
        append_u_escape(out, 0xDC00u + (v & 0x3FFu));
      } else {
        append_u_escape(out, static_cast<unsigned>(*cp));
      }
      i = pos;
      continue;
    }
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '/':
        if (opt.escape_slash) {
          out += "\\/";
        } else {
          out += '/';
        }
        break;
      default:
        if (c < 0x20) {
          append_u_escape(out, c);
        } else {
          out += static_cast<char>(c);
        }
    }
    ++i;
  }
  out += '"';
}

bool utf16_less(std::string_view a, std::string_view b) {
  std::size_t i = 0;
  std::size_t j = 0;
  while (i < a.size() && j < b.size()) {
    // ASCII fast path: identical in every encoding order.
    auto ca = static_cast<unsigned char>(a[i]);
    auto cb = static_cast<unsigned char>(b[j]);
    if (ca < 0x80 && cb < 0x80) {
      if (ca != cb) return ca < cb;
      ++i;
      ++j;
      continue;
    }
    std::optional<char32_t> pa = next_code_point(a, i);
    std::optional<char32_t> pb = next_code_point(b, j);
    char32_t va = pa.value_or(0xFFFD);
    char32_t vb = pb.value_or(0xFFFD);
    if (va == vb) continue;
    std::uint32_t ua = utf16_first_unit(va);
    std::uint32_t ub = utf16_first_unit(vb);
    if (ua != ub) return ua < ub;
    return va < vb;
  }
  return (a.size() - i) == 0 && (b.size() - j) != 0;
}

void js_stringify_append(std::string& out, const json::value& value,
                         const StringifyOptions& options) {
  stringify(out, value, options);
}

std::string js_stringify(const json::value& value, const StringifyOptions& options) {
  std::string out;
  stringify(out, value, options);
  return out;
}

// ---- Strict parsing ----

namespace {

// Boost.JSON's handler, except that doubles are re-read from their text with std::from_chars:
// Boost 1.81's fast double parser is not correctly rounded for every input, and a signature over
// a re-serialisation needs the exact value the sender meant.
class ExactHandler {
 public:
  static constexpr std::size_t max_object_size = json::object::max_size();
  static constexpr std::size_t max_array_size = json::array::max_size();
  static constexpr std::size_t max_key_size = json::string::max_size();
  static constexpr std::size_t max_string_size = json::string::max_size();

  ExactHandler(unsigned char* temp, std::size_t temp_size)
      : st(json::storage_ptr(), temp, temp_size) {}

  json::value_stack st;
  std::string number_text;  // parts of a number split across buffers
  // Keys of every object being parsed, innermost last. A repeated key is refused: Boost.JSON would
  // keep the last value, so a signed body could say one amount to a reader and another to us.
  std::vector<std::vector<std::string>> object_keys;
  std::string key_text;       // parts of a key split across buffers
  std::string duplicate_key;  // set when parsing stopped on a repeated key

  bool on_document_begin(json::error_code&) { return true; }
  bool on_document_end(json::error_code&) { return true; }
  bool on_object_begin(json::error_code&) {
    object_keys.emplace_back();
    return true;
  }
  bool on_object_end(std::size_t n, json::error_code&) {
    object_keys.pop_back();
    st.push_object(n);
    return true;
  }
  bool on_array_begin(json::error_code&) { return true; }
  bool on_array_end(std::size_t n, json::error_code&) {
    st.push_array(n);
    return true;
  }
  bool on_key_part(json::string_view s, std::size_t, json::error_code&) {
    key_text.append(s.data(), s.size());
    st.push_chars(s);
    return true;
  }
  bool on_key(json::string_view s, std::size_t, json::error_code& ec) {
    key_text.append(s.data(), s.size());
    auto& keys = object_keys.back();
    if (std::find(keys.begin(), keys.end(), key_text) != keys.end()) {
      duplicate_key = std::move(key_text);
      ec = json::error::syntax;
      return false;
    }
    keys.push_back(std::move(key_text));
    key_text.clear();
    st.push_key(s);
    return true;
  }
  bool on_string_part(json::string_view s, std::size_t, json::error_code&) {
    st.push_chars(s);
    return true;
  }
  bool on_string(json::string_view s, std::size_t, json::error_code&) {
    st.push_string(s);
    return true;
  }
  bool on_number_part(json::string_view s, json::error_code&) {
    number_text.append(s.data(), s.size());
    return true;
  }
  bool on_int64(std::int64_t i, json::string_view, json::error_code&) {
    number_text.clear();
    st.push_int64(i);
    return true;
  }
  bool on_uint64(std::uint64_t u, json::string_view, json::error_code&) {
    number_text.clear();
    st.push_uint64(u);
    return true;
  }
  bool on_double(double d, json::string_view s, json::error_code&) {
    number_text.append(s.data(), s.size());
    double exact = d;
    const char* first = number_text.data();
    const char* last = first + number_text.size();
    auto res = std::from_chars(first, last, exact);
    // Out-of-range magnitudes (1e999) keep Boost's value (infinity or 0), which the amount
    // checks then refuse.
    if (res.ec != std::errc{}) exact = d;
    number_text.clear();
    st.push_double(exact);
    return true;
  }
  bool on_bool(bool b, json::error_code&) {
    st.push_bool(b);
    return true;
  }
  bool on_null(json::error_code&) {
    st.push_null();
    return true;
  }
  bool on_comment_part(json::string_view, json::error_code&) { return true; }
  bool on_comment(json::string_view, json::error_code&) { return true; }
};

}  // namespace

Result<json::value, ParseError> parse_json_strict(std::string_view body,
                                                  json::storage_ptr storage) {
  if (body.size() > kBodyBytesMax) {
    return Err(ParseError{ParseErrorKind::body_too_large, "",
                          "body of " + std::to_string(body.size()) + " bytes exceeds the limit"});
  }
  json::parse_options opt;
  opt.max_depth = kJsonDepthMax;
  try {
    // The value stack's scratch space: typical bodies never touch the heap for it.
    unsigned char temp[2048];
    json::basic_parser<ExactHandler> p(opt, temp, sizeof temp);
    p.handler().st.reset(std::move(storage));
    json::error_code ec;
    std::size_t n = p.write_some(false, body.data(), body.size(), ec);
    if (!ec && n < body.size()) ec = json::error::extra_data;
    if (ec) {
      // Boost.JSON validates UTF-8 inside strings (and any other non-ASCII byte is a syntax
      // error), so a parsed body is well-formed; only a failed one needs the full check to tell
      // invalid_utf8 from invalid_json.
      if (!is_valid_utf8(body)) {
        return Err(ParseError{ParseErrorKind::invalid_utf8, "", "body is not well-formed UTF-8"});
      }
      if (!p.handler().duplicate_key.empty()) {
        return Err(ParseError{
            ParseErrorKind::invalid_json, "",
            "duplicate key \"" + p.handler().duplicate_key + "\" at byte " + std::to_string(n)});
      }
      if (ec == json::error::too_deep) {
        return Err(ParseError{ParseErrorKind::too_deep, "",
                              "nesting deeper than " + std::to_string(kJsonDepthMax)});
      }
      return Err(ParseError{ParseErrorKind::invalid_json, "",
                            ec.message() + " at byte " + std::to_string(n)});
    }
    return p.handler().st.release();
  } catch (const std::exception& e) {
    // Boost.JSON throws only on allocation limits; a body that hits them is not usable JSON.
    return Err(ParseError{ParseErrorKind::invalid_json, "", e.what()});
  }
}

}  // namespace cho4::adapters
