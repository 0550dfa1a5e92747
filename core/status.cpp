#include "core/status.h"

#include "core/assert.h"

namespace cho4 {

std::string_view to_string(StatusCode code) {
  switch (code) {
    case StatusCode::ok:
      return "ok";
    case StatusCode::invalid_argument:
      return "invalid_argument";
    case StatusCode::not_found:
      return "not_found";
    case StatusCode::already_exists:
      return "already_exists";
    case StatusCode::failed_precondition:
      return "failed_precondition";
    case StatusCode::out_of_range:
      return "out_of_range";
    case StatusCode::unauthenticated:
      return "unauthenticated";
    case StatusCode::permission_denied:
      return "permission_denied";
    case StatusCode::resource_exhausted:
      return "resource_exhausted";
    case StatusCode::unavailable:
      return "unavailable";
    case StatusCode::data_loss:
      return "data_loss";
    case StatusCode::internal:
      return "internal";
    case StatusCode::io_error:
      return "io_error";
    case StatusCode::unimplemented:
      return "unimplemented";
  }
  return "unknown";
}

std::string Status::to_string() const {
  if (ok()) return "ok";
  std::string out(cho4::to_string(code_));
  if (!message_.empty()) {
    out += ": ";
    out += message_;
  }
  return out;
}

namespace assert_internal {
void assertion_failed(const char* expr, const char* file, int line, const char* why) {
  std::fprintf(stderr, "cho4: assertion failed at %s:%d: %s (%s)\n", file, line, expr, why);
  std::fflush(stderr);
  std::abort();
}
}  // namespace assert_internal

}  // namespace cho4
