#include "core/ids.h"

namespace cho4 {

std::string to_string_id(std::uint64_t value) {
  return std::to_string(value);
}

Result<std::uint64_t> parse_id(std::string_view text) {
  if (text.empty() || text.size() > 20) return invalid_argument("id must be 1 to 20 digits");
  std::uint64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return invalid_argument("id must be decimal digits");
    if (__builtin_mul_overflow(v, 10u, &v) || __builtin_add_overflow(v, unsigned(c - '0'), &v))
      return out_of_range("id is too large");
  }
  if (v == 0) return invalid_argument("id 0 does not exist");
  return v;
}

bool is_valid_instance_name(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

}  // namespace cho4
