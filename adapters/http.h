// The socket-free view of one HTTP exchange that adapters see: the server builds an HttpRequest
// from Beast's parser (raw body bytes untouched, because signatures cover exact bytes) and writes
// an HttpReply back. No Beast here, so adapters are tested without a network. Plain values; not
// shared between threads while being modified.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cho4::adapters {

// ASCII case-insensitive equality (HTTP field names, JSON keys where providers vary the case).
bool iequals(std::string_view a, std::string_view b);

// Header fields in arrival order. A small multimap: names compare case-insensitively, a name may
// repeat (get() returns the first, get_all() every value).
class Headers {
 public:
  Headers() = default;
  Headers(std::initializer_list<std::pair<std::string, std::string>> fields) : fields_(fields) {}

  void add(std::string name, std::string value) {
    fields_.emplace_back(std::move(name), std::move(value));
  }
  // Replaces every field of this name with one field (signing code, tests).
  void set(std::string name, std::string value);
  void remove(std::string_view name);
  // The first field with this name, or nullopt.
  std::optional<std::string_view> get(std::string_view name) const;
  std::vector<std::string_view> get_all(std::string_view name) const;
  const std::vector<std::pair<std::string, std::string>>& fields() const { return fields_; }
  std::vector<std::pair<std::string, std::string>>& fields() { return fields_; }

 private:
  std::vector<std::pair<std::string, std::string>> fields_;
};

struct HttpRequest {
  std::string method;  // "POST"
  std::string target;  // path plus query as received: "/v1/webhooks/sepay-main"
  Headers headers;
  std::string body;  // raw bytes exactly as received
};

// What the server writes back: the provider's expected success body, a token, or an error body.
struct HttpReply {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;

  friend bool operator==(const HttpReply&, const HttpReply&) = default;
};

}  // namespace cho4::adapters
