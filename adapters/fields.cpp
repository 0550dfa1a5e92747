#include <cmath>
#include <limits>

#include "adapters/internal.h"
#include "adapters/limits.h"
#include "core/money.h"

namespace cho4::adapters::internal {

const json::value* member(const json::object& o, std::string_view key) {
  if (const json::value* v = o.if_contains(key)) return v;
  for (const auto& kv : o) {
    if (iequals(kv.key(), key)) return &kv.value();
  }
  return nullptr;
}

std::string join_path(std::string_view prefix, std::string_view key) {
  if (prefix.empty()) return std::string(key);
  std::string out(prefix);
  out += '.';
  out += key;
  return out;
}

Result<const json::object*, ParseError> as_object(const json::value& v, std::string_view path) {
  if (!v.is_object()) {
    return Err(ParseError{ParseErrorKind::wrong_type, std::string(path), "expected an object"});
  }
  return &v.get_object();
}

namespace {

ParseError amount_error(ParseErrorKind kind, std::string path, std::string message) {
  return ParseError{kind, std::move(path), std::move(message)};
}

}  // namespace

Result<std::int64_t, ParseError> read_amount(const json::object& o, std::string_view key,
                                             std::string_view prefix) {
  std::string path = join_path(prefix, key);
  const json::value* v = member(o, key);
  if (v == nullptr || v->is_null()) {
    return Err(amount_error(ParseErrorKind::missing_field, path, "amount is required"));
  }
  std::int64_t amount = 0;
  switch (v->kind()) {
    case json::kind::int64:
      amount = v->get_int64();
      break;
    case json::kind::uint64:
      // Anything here is above INT64_MAX (smaller values parse as int64).
      return Err(amount_error(ParseErrorKind::amount_out_of_range, path, "amount beyond int64"));
    case json::kind::double_: {
      Result<Money> m = money_from_double(v->get_double());
      if (!m.ok()) {
        bool range =
            m.error().code() == StatusCode::out_of_range || !std::isfinite(v->get_double());
        return Err(amount_error(
            range ? ParseErrorKind::amount_out_of_range : ParseErrorKind::fractional_amount, path,
            m.error().message()));
      }
      amount = m->vnd();
      break;
    }
    case json::kind::string:
      return Err(amount_error(ParseErrorKind::amount_as_string, path,
                              "amount must be a JSON number, not a string"));
    default:
      return Err(amount_error(ParseErrorKind::bad_amount, path, "amount must be a JSON number"));
  }
  if (amount == 0) {
    return Err(amount_error(ParseErrorKind::zero_amount, path, "amount is zero"));
  }
  // Range before negation: -INT64_MIN would overflow.
  if (amount > kCreditAmountMax.vnd() || amount < -kCreditAmountMax.vnd()) {
    return Err(
        amount_error(ParseErrorKind::amount_out_of_range, path, "amount beyond the credit limit"));
  }
  return amount;
}

Result<std::string, ParseError> read_id(const json::object& o, std::string_view key,
                                        std::string_view prefix) {
  std::string path = join_path(prefix, key);
  const json::value* v = member(o, key);
  if (v == nullptr || v->is_null()) {
    return Err(ParseError{ParseErrorKind::missing_field, path, "transaction id is required"});
  }
  if (v->is_int64()) return std::to_string(v->get_int64());
  if (v->is_uint64()) return std::to_string(v->get_uint64());
  if (v->is_string()) {
    std::string_view s = v->get_string();
    if (s.empty()) {
      return Err(ParseError{ParseErrorKind::missing_field, path, "transaction id is empty"});
    }
    if (s.size() > kFieldBytesMax) {
      return Err(ParseError{ParseErrorKind::bad_value, path, "transaction id too long"});
    }
    return std::string(s);
  }
  if (v->is_double()) {
    // An id beyond uint64 parses as a double: it cannot be a real id.
    return Err(ParseError{ParseErrorKind::bad_value, path,
                          "transaction id is not an integer within 64 bits"});
  }
  return Err(ParseError{ParseErrorKind::wrong_type, path, "transaction id of the wrong type"});
}

Result<std::string, ParseError> read_text(const json::object& o, std::string_view key,
                                          std::string_view prefix, bool required) {
  const json::value* v = member(o, key);
  if (v == nullptr || v->is_null() || (v->is_string() && v->get_string().empty())) {
    if (required) {
      return Err(
          ParseError{ParseErrorKind::missing_field, join_path(prefix, key), "field is required"});
    }
    return std::string();
  }
  if (v->is_string()) {
    if (v->get_string().size() > kFieldBytesMax) {
      return Err(ParseError{ParseErrorKind::bad_value, join_path(prefix, key), "field too long"});
    }
    return std::string(v->get_string());
  }
  if (v->is_int64()) return std::to_string(v->get_int64());
  if (v->is_uint64()) return std::to_string(v->get_uint64());
  return Err(ParseError{ParseErrorKind::wrong_type, join_path(prefix, key), "expected a string"});
}

Result<UnixMs, ParseError> read_vn_datetime(const json::object& o, std::string_view key,
                                            std::string_view prefix) {
  std::string path = join_path(prefix, key);
  const json::value* v = member(o, key);
  if (v == nullptr || v->is_null()) {
    return Err(ParseError{ParseErrorKind::missing_field, path, "time is required"});
  }
  if (!v->is_string()) {
    return Err(ParseError{ParseErrorKind::bad_time, path, "time must be a string"});
  }
  Result<UnixMs> t = parse_vn_datetime(v->get_string());
  if (!t.ok()) {
    return Err(ParseError{ParseErrorKind::bad_time, path,
                          "expected \"YYYY-MM-DD HH:MM:SS\": " + t.error().message()});
  }
  return *t;
}

Result<UnixMs, ParseError> read_epoch_ms(const json::object& o, std::string_view key,
                                         std::string_view prefix) {
  std::string path = join_path(prefix, key);
  const json::value* v = member(o, key);
  if (v == nullptr || v->is_null()) {
    return Err(ParseError{ParseErrorKind::missing_field, path, "time is required"});
  }
  // Bounds: 2000-01-01 .. 2200-01-01 keep every later computation far from overflow.
  constexpr std::int64_t kMin = 946'684'800'000;
  constexpr std::int64_t kMax = 7'258'118'400'000;
  std::int64_t t = 0;
  if (v->is_int64()) {
    t = v->get_int64();
  } else if (v->is_double() && std::isfinite(v->get_double()) &&
             std::trunc(v->get_double()) == v->get_double() && std::fabs(v->get_double()) < 1e15) {
    t = static_cast<std::int64_t>(v->get_double());
  } else {
    return Err(ParseError{ParseErrorKind::bad_time, path, "expected epoch milliseconds"});
  }
  if (t < kMin || t > kMax) {
    return Err(ParseError{ParseErrorKind::bad_time, path, "epoch milliseconds out of range"});
  }
  return t;
}

void set_signed_amount(BankCredit& c, std::int64_t amount) {
  c.direction = amount < 0 ? Direction::out : Direction::in;
  c.amount = Money::vnd(amount < 0 ? -amount : amount);
}

std::int64_t signed_amount(const BankCredit& c) {
  return c.direction == Direction::out ? -c.amount.vnd() : c.amount.vnd();
}

}  // namespace cho4::adapters::internal
