// Status and Result<T, E>: cho4's one error vocabulary, returned, never thrown.
//
// A Status is a typed code plus a human message (English, for logs and problem details; text shown
// to stall owners is chosen at the edge). Result<T, E> holds either a value or an error; E defaults
// to Status, and a module with a richer error (qr's DecodeError, an adapter's AuthError) uses its
// own type. Both are [[nodiscard]]: ignoring an error must be spelled out with
// `.permit_unchecked()` so that it can be grepped.
//
// Thread-safety: plain values; safe to copy between threads.
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>

namespace cho4 {

// Stable numbers: they appear in logs and metrics. Add at the end; never renumber.
enum class StatusCode : std::uint16_t {
  ok = 0,
  invalid_argument = 1,     // the caller's input is malformed or out of range
  not_found = 2,            // the named thing does not exist
  already_exists = 3,       // creating something that exists
  failed_precondition = 4,  // valid input, wrong state (e.g. cancelling a paid order)
  out_of_range = 5,         // a number outside its domain
  unauthenticated = 6,      // no or bad credentials / signature
  permission_denied = 7,    // authenticated, but not allowed
  resource_exhausted = 8,   // a queue or limit is full: try again later
  unavailable = 9,          // the store or a dependency is unhealthy
  data_loss = 10,           // stored data is corrupt or an invariant is broken
  internal = 11,            // a bug or an unexpected library failure
  io_error = 12,            // file or socket I/O failed
  unimplemented = 13,       // a feature not supported by this build or configuration
};

std::string_view to_string(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;  // ok
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status ok_status() { return Status(); }

  bool ok() const { return code_ == StatusCode::ok; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // "invalid_argument: amount must be positive"
  std::string to_string() const;

  // Marks an error as deliberately ignored (grep for it).
  void permit_unchecked() const {}

  friend bool operator==(const Status& a, const Status& b) {
    return a.code_ == b.code_ && a.message_ == b.message_;
  }

 private:
  StatusCode code_ = StatusCode::ok;
  std::string message_;
};

inline Status invalid_argument(std::string m) {
  return {StatusCode::invalid_argument, std::move(m)};
}
inline Status not_found(std::string m) {
  return {StatusCode::not_found, std::move(m)};
}
inline Status already_exists(std::string m) {
  return {StatusCode::already_exists, std::move(m)};
}
inline Status failed_precondition(std::string m) {
  return {StatusCode::failed_precondition, std::move(m)};
}
inline Status out_of_range(std::string m) {
  return {StatusCode::out_of_range, std::move(m)};
}
inline Status unauthenticated(std::string m) {
  return {StatusCode::unauthenticated, std::move(m)};
}
inline Status permission_denied(std::string m) {
  return {StatusCode::permission_denied, std::move(m)};
}
inline Status resource_exhausted(std::string m) {
  return {StatusCode::resource_exhausted, std::move(m)};
}
inline Status unavailable(std::string m) {
  return {StatusCode::unavailable, std::move(m)};
}
inline Status data_loss(std::string m) {
  return {StatusCode::data_loss, std::move(m)};
}
inline Status internal_error(std::string m) {
  return {StatusCode::internal, std::move(m)};
}
inline Status io_error(std::string m) {
  return {StatusCode::io_error, std::move(m)};
}

// Wraps an error value so that Result's constructor cannot confuse it with a value
// (Result<Status, Status> stays unambiguous):
// `return Err(e);` or `return Err(invalid_argument(..))`.
template <class E>
struct Err {
  E error;
  explicit Err(E e) : error(std::move(e)) {}
};

template <class T, class E = Status>
class [[nodiscard]] Result {
 public:
  using value_type = T;
  using error_type = E;

  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
  template <class F, class = std::enable_if_t<std::is_convertible_v<F, E>>>
  Result(Err<F> err) : v_(std::in_place_index<1>, E(std::move(err.error))) {}  // NOLINT
  // A Status converts implicitly when E is Status, for `return invalid_argument("...")`.
  template <class S = E,
            class = std::enable_if_t<std::is_same_v<S, Status> && !std::is_same_v<T, Status>>>
  Result(Status status) : v_(std::in_place_index<1>, std::move(status)) {}  // NOLINT

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { return checked_value(); }
  const T& value() const& { return const_cast<Result*>(this)->checked_value(); }
  T&& value() && { return std::move(checked_value()); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const E& error() const& {
    if (ok()) fail("Result::error() on a value");
    return std::get<1>(v_);
  }
  E&& error() && {
    if (ok()) fail("Result::error() on a value");
    return std::get<1>(std::move(v_));
  }

  T value_or(T fallback) const& { return ok() ? std::get<0>(v_) : std::move(fallback); }
  void permit_unchecked() const {}

 private:
  [[noreturn]] static void fail(const char* what) {
    std::fprintf(stderr, "cho4: %s\n", what);
    std::abort();
  }
  T& checked_value() {
    if (!ok()) fail("Result::value() on an error");
    return std::get<0>(v_);
  }

  std::variant<T, E> v_;
};

namespace status_internal {
inline const Status& as_status(const Status& s) {
  return s;
}
template <class T>
Status as_status(const Result<T, Status>& r) {
  return r.ok() ? Status() : r.error();
}
}  // namespace status_internal

}  // namespace cho4

#define CHO4_CONCAT_INNER_(a, b) a##b
#define CHO4_CONCAT_(a, b) CHO4_CONCAT_INNER_(a, b)

// Returns the Status from the enclosing function if `expr` (a Status or Result<T>) failed.
#define CHO4_RETURN_IF_ERROR(expr)                                                  \
  do {                                                                              \
    if (auto _cho4_st = ::cho4::status_internal::as_status((expr)); !_cho4_st.ok()) \
      return _cho4_st;                                                              \
  } while (0)

// `CHO4_ASSIGN_OR_RETURN(auto x, make_x());` declares x from a Result or returns its error
// (wrapped in Err so that any Result<U, E> with the same E is returned).
#define CHO4_ASSIGN_OR_RETURN(lhs, expr) \
  CHO4_ASSIGN_OR_RETURN_IMPL_(CHO4_CONCAT_(_cho4_result_, __LINE__), lhs, expr)
#define CHO4_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr)          \
  auto tmp = (expr);                                         \
  if (!tmp.ok()) return ::cho4::Err(std::move(tmp).error()); \
  lhs = std::move(tmp).value()
