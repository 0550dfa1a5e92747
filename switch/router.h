// Router: matches (method, decoded path) against patterns such as "/v1/stalls/{id}/orders" and
// returns the route's index plus the captured parameters. The patterns are exactly the paths of
// switch/openapi.json (a test checks both lists agree). Built once at start, then read-only:
// match() is thread-safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cho4::server {

struct RouteMatch {
  std::size_t index = 0;     // the value given to add()
  std::string_view pattern;  // "/v1/stalls/{id}/orders" (metrics label)
  std::vector<std::pair<std::string_view, std::string>> params;  // {"id", "42"}

  std::string_view param(std::string_view name) const;
};

class Router {
 public:
  // Registers METHOD PATTERN. A segment "{name}" captures one non-empty path segment. A pattern may
  // end in a literal suffix inside the last segment ("{id}/qr.png" is just literal segments).
  void add(std::string method, std::string pattern, std::size_t index);

  enum class Miss { not_found, method_not_allowed };
  struct Outcome {
    std::optional<RouteMatch> match;
    Miss miss = Miss::not_found;
    std::string allow;  // for 405: "GET, POST"
  };
  Outcome match(std::string_view method, std::string_view path) const;

  struct Entry {
    std::string method;
    std::string pattern;
    std::vector<std::string> segments;
    std::size_t index;
  };
  const std::vector<Entry>& entries() const { return entries_; }

 private:
  std::vector<Entry> entries_;
};

}  // namespace cho4::server
