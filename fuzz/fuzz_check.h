// Helpers shared by cho4's fuzz targets: a property check that stops the run with a message, and
// a cursor that splits one fuzz input into several fields.
//
// A fuzz target states properties of the code under test (round trips, output alphabets, "never
// accepts X"); a failed property is a finding exactly like a crash, so it aborts, and libFuzzer
// saves the input. Header-only; each target is single-threaded.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

// Aborts with the property that failed (libFuzzer then writes the crash-* file).
#define FUZZ_CHECK(cond, what)                                                                  \
  do {                                                                                          \
    if (!(cond)) {                                                                              \
      std::fprintf(stderr, "fuzz property failed: %s (%s) at %s:%d\n", (what), #cond, __FILE__, \
                   __LINE__);                                                                   \
      std::abort();                                                                             \
    }                                                                                           \
  } while (0)

namespace cho4::fuzz {

// Splits the input at a separator byte sequence: fields are taken in order, the last one gets the
// rest. Keeps corpora readable (one seed file = fields joined by "\n--\n").
class Fields {
 public:
  Fields(const std::uint8_t* data, std::size_t size)
      : rest_(reinterpret_cast<const char*>(data), size) {}

  // The next field (up to the separator), or everything that is left.
  std::string_view next(std::string_view separator = "\n--\n") {
    const std::size_t at = rest_.find(separator);
    if (at == std::string_view::npos) {
      std::string_view all = rest_;
      rest_ = {};
      return all;
    }
    std::string_view field = rest_.substr(0, at);
    rest_.remove_prefix(at + separator.size());
    return field;
  }
  std::string_view rest() const { return rest_; }
  // One byte as a small selector (0 when the input is exhausted).
  std::uint8_t byte() {
    if (rest_.empty()) return 0;
    const auto b = static_cast<std::uint8_t>(rest_.front());
    rest_.remove_prefix(1);
    return b;
  }

 private:
  std::string_view rest_;
};

inline std::string_view as_view(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

}  // namespace cho4::fuzz
