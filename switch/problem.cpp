#include "switch/problem.h"

#include <array>
#include <boost/json.hpp>

#include "core/vn_text.h"
#include "switch/limits.h"

namespace cho4::server {
namespace {

struct Row {
  Problem problem;
  ProblemInfo info;
};

// The one table: error kind → HTTP status, type slug, title.
constexpr std::array kTable = {
    Row{Problem::bad_request, {400, "bad-request", "Bad request"}},
    Row{Problem::invalid_json, {400, "invalid-json", "The body is not valid JSON"}},
    Row{Problem::invalid_field, {400, "invalid-field", "A field is missing or invalid"}},
    Row{Problem::unauthenticated, {401, "unauthenticated", "Missing or invalid credentials"}},
    Row{Problem::bad_signature, {401, "bad-signature", "The webhook could not be authenticated"}},
    Row{Problem::stale_timestamp, {401, "stale-timestamp", "The webhook timestamp is too old"}},
    Row{Problem::forbidden, {403, "forbidden", "Not allowed for this token"}},
    Row{Problem::not_found, {404, "not-found", "Not found"}},
    Row{Problem::method_not_allowed, {405, "method-not-allowed", "Method not allowed"}},
    Row{Problem::conflict, {409, "conflict", "Conflicts with the current state"}},
    Row{Problem::order_not_open, {409, "order-not-open", "The order is no longer open"}},
    Row{Problem::payload_too_large, {413, "payload-too-large", "The body is too large"}},
    Row{Problem::unsupported_media_type,
        {415, "unsupported-media-type", "Unsupported Content-Type"}},
    Row{Problem::headers_too_large, {431, "headers-too-large", "Request header fields too large"}},
    Row{Problem::invalid_qr, {422, "invalid-qr", "Not a valid VietQR code"}},
    Row{Problem::overloaded, {503, "overloaded", "Overloaded; retry later"}},
    Row{Problem::store_unavailable, {503, "store-unavailable", "The ledger store is unavailable"}},
    Row{Problem::internal, {500, "internal", "Internal error"}},
    Row{Problem::request_timeout, {408, "request-timeout", "The request took too long to arrive"}},
    Row{Problem::too_many_connections,
        {503, "too-many-connections", "Too many connections; retry later"}},
    Row{Problem::shutting_down, {503, "shutting-down", "The server is shutting down"}},
    Row{Problem::too_many_auth_failures,
        {429, "too-many-auth-failures", "Too many failed authentications; retry later"}},
    Row{Problem::sign_not_printable,
        {422, "sign-not-printable", "A stall's details do not fit on its sign"}},
};

}  // namespace

const ProblemInfo& problem_info(Problem p) {
  for (const auto& row : kTable)
    if (row.problem == p) return row.info;
  return problem_info(Problem::internal);
}

namespace {

// Problem bodies echo request paths and messages, which may carry any bytes: keep them valid
// UTF-8 (so valid JSON). Each byte that does not start a valid UTF-8 sequence becomes `bad`'s
// output: "%XX" in the instance (a URI reference), U+FFFD in the detail.
template <class Replace>
std::string as_valid_utf8(std::string_view in, Replace bad) {
  std::string out;
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size();) {
    const auto lead = static_cast<unsigned char>(in[i]);
    const std::size_t len = lead < 0x80           ? 1
                            : (lead >> 5) == 0x6  ? 2
                            : (lead >> 4) == 0xE  ? 3
                            : (lead >> 3) == 0x1E ? 4
                                                  : 0;
    if (len > 0 && i + len <= in.size() && is_valid_utf8(in.substr(i, len))) {
      out.append(in.substr(i, len));
      i += len;
    } else {
      bad(out, lead);
      ++i;
    }
  }
  return out;
}

}  // namespace

std::string percent_encode_invalid_utf8(std::string_view uri) {
  return as_valid_utf8(uri, [](std::string& out, unsigned char b) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    out += '%';
    out += kHex[b >> 4];
    out += kHex[b & 0xF];
  });
}

std::string replace_invalid_utf8(std::string_view text) {
  return as_valid_utf8(text, [](std::string& out, unsigned char) { out += "\xEF\xBF\xBD"; });
}

Response make_problem(Problem p, std::string_view detail, std::string_view instance) {
  const auto& info = problem_info(p);
  boost::json::object o;
  o["type"] = std::string(kProblemTypeBase) + std::string(info.slug);
  o["title"] = info.title;
  o["status"] = info.http_status;
  if (!detail.empty()) o["detail"] = replace_invalid_utf8(detail);
  if (!instance.empty()) o["instance"] = percent_encode_invalid_utf8(instance);
  Response r;
  r.status = info.http_status;
  r.content_type = "application/problem+json";
  r.body = boost::json::serialize(o);
  if (info.http_status == 503)
    r.headers.emplace_back("Retry-After", std::to_string(kRetryAfterSeconds));
  if (info.http_status == 429)
    r.headers.emplace_back("Retry-After", std::to_string(kAuthFailureWindowMs / 1000));
  return r;
}

Problem problem_for(const Status& s) {
  switch (s.code()) {
    case StatusCode::ok:
      return Problem::internal;
    case StatusCode::invalid_argument:
    case StatusCode::out_of_range:
      return Problem::invalid_field;
    case StatusCode::not_found:
      return Problem::not_found;
    case StatusCode::already_exists:
      return Problem::conflict;
    case StatusCode::failed_precondition:
      return Problem::conflict;
    case StatusCode::unauthenticated:
      return Problem::unauthenticated;
    case StatusCode::permission_denied:
      return Problem::forbidden;
    case StatusCode::resource_exhausted:
      return Problem::overloaded;
    case StatusCode::unavailable:
    case StatusCode::io_error:
      return Problem::store_unavailable;
    case StatusCode::data_loss:
    case StatusCode::internal:
    case StatusCode::unimplemented:
      return Problem::internal;
  }
  return Problem::internal;
}

Response problem_from_status(const Status& s, std::string_view instance) {
  return make_problem(problem_for(s), s.message(), instance);
}

}  // namespace cho4::server
