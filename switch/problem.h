// Problem: every error the HTTP API can answer, as one enum, and the one table (problem.cpp) that
// maps it to an HTTP status, a stable `type` slug and a title (RFC 9457 problem+json). Handlers
// return make_problem(...); nothing else chooses an error status. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"
#include "switch/http_types.h"

namespace cho4::server {

// Stable numbers (they appear in logs). Add at the end.
enum class Problem : std::uint16_t {
  bad_request = 1,              // 400 malformed HTTP or target
  invalid_json = 2,             // 400
  invalid_field = 3,            // 400 (or 422-like input errors; we keep 400)
  unauthenticated = 4,          // 401 no or bad bearer token
  bad_signature = 5,            // 401 webhook authentication failed
  stale_timestamp = 6,          // 401 webhook timestamp outside the replay window
  forbidden = 7,                // 403
  not_found = 8,                // 404
  method_not_allowed = 9,       // 405
  conflict = 10,                // 409
  order_not_open = 11,          // 409
  payload_too_large = 12,       // 413
  unsupported_media_type = 13,  // 415
  headers_too_large = 14,       // 431
  invalid_qr = 15,              // 422
  overloaded = 16,              // 503 + Retry-After
  store_unavailable = 17,       // 503 + Retry-After
  internal = 18,                // 500
  request_timeout = 19,         // 408
  too_many_connections = 20,    // 503
  shutting_down = 21,           // 503
  too_many_auth_failures = 22,  // 429 + Retry-After
  sign_not_printable = 23,      // 422 a stall's details do not fit its sign
};

struct ProblemInfo {
  int http_status;
  std::string_view slug;   // "invalid-json"; the type is "https://cho4.vn/problems/<slug>"
  std::string_view title;  // short English summary
};

const ProblemInfo& problem_info(Problem p);
inline constexpr std::string_view kProblemTypeBase = "https://cho4.vn/problems/";

// A problem+json response. `instance` is the request path. 503s carry Retry-After.
Response make_problem(Problem p, std::string_view detail, std::string_view instance);

// Valid UTF-8 from any bytes, for text echoed in answers: each byte that does not start a valid
// sequence becomes "%XX" (URI references: a problem's `instance`) or U+FFFD (prose: `detail`).
std::string percent_encode_invalid_utf8(std::string_view uri);
std::string replace_invalid_utf8(std::string_view text);

// The problem a Status from a lower module maps to (not_found → not_found, invalid_argument →
// invalid_field, resource_exhausted → overloaded, unavailable → store_unavailable, …).
Problem problem_for(const Status& s);
Response problem_from_status(const Status& s, std::string_view instance);

}  // namespace cho4::server
