#include "adapters/errors.h"

namespace cho4::adapters {

std::string_view to_string(AuthErrorKind kind) {
  switch (kind) {
    case AuthErrorKind::missing_credentials:
      return "missing_credentials";
    case AuthErrorKind::bad_credentials:
      return "bad_credentials";
    case AuthErrorKind::bad_signature:
      return "bad_signature";
    case AuthErrorKind::stale_timestamp:
      return "stale_timestamp";
    case AuthErrorKind::malformed_header:
      return "malformed_header";
    case AuthErrorKind::expired_token:
      return "expired_token";
    case AuthErrorKind::bad_token:
      return "bad_token";
    case AuthErrorKind::unsupported:
      return "unsupported";
    case AuthErrorKind::bad_request:
      return "bad_request";
    case AuthErrorKind::plugin_failure:
      return "plugin_failure";
  }
  return "unknown";
}

std::string_view to_string(ParseErrorKind kind) {
  switch (kind) {
    case ParseErrorKind::invalid_json:
      return "invalid_json";
    case ParseErrorKind::missing_field:
      return "missing_field";
    case ParseErrorKind::bad_amount:
      return "bad_amount";
    case ParseErrorKind::amount_out_of_range:
      return "amount_out_of_range";
    case ParseErrorKind::bad_time:
      return "bad_time";
    case ParseErrorKind::too_deep:
      return "too_deep";
    case ParseErrorKind::invalid_utf8:
      return "invalid_utf8";
    case ParseErrorKind::wrong_type:
      return "wrong_type";
    case ParseErrorKind::zero_amount:
      return "zero_amount";
    case ParseErrorKind::fractional_amount:
      return "fractional_amount";
    case ParseErrorKind::amount_as_string:
      return "amount_as_string";
    case ParseErrorKind::bad_value:
      return "bad_value";
    case ParseErrorKind::body_too_large:
      return "body_too_large";
    case ParseErrorKind::too_many_credits:
      return "too_many_credits";
    case ParseErrorKind::plugin_failure:
      return "plugin_failure";
    case ParseErrorKind::negative_amount:
      return "negative_amount";
  }
  return "unknown";
}

int http_status(AuthErrorKind kind) {
  switch (kind) {
    case AuthErrorKind::unsupported:
      return 404;
    case AuthErrorKind::bad_request:
      return 400;
    default:
      return 401;
  }
}

std::string to_string(const AuthError& e) {
  std::string out(to_string(e.kind));
  if (!e.message.empty()) out.append(": ").append(e.message);
  return out;
}

std::string to_string(const ParseError& e) {
  std::string out(to_string(e.kind));
  if (!e.path.empty()) out.append(" at ").append(e.path);
  if (!e.message.empty()) out.append(": ").append(e.message);
  return out;
}

}  // namespace cho4::adapters
