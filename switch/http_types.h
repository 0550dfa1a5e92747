// Request and Response: the server's socket-free view of one HTTP exchange. Sessions build a
// Request from Beast's parser and write a Response back; handlers (switch/handlers/) see only
// these, so every route is unit-tested without a network (STYLE §7). Plain values; not shared
// between threads while in use.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cho4::server {

// Header fields in arrival order; names compared case-insensitively.
class HeaderList {
 public:
  void add(std::string name, std::string value) {
    fields_.emplace_back(std::move(name), std::move(value));
  }
  // The first field with this name, or nullopt.
  std::optional<std::string_view> get(std::string_view name) const;
  const std::vector<std::pair<std::string, std::string>>& fields() const { return fields_; }

 private:
  std::vector<std::pair<std::string, std::string>> fields_;
};

bool iequals(std::string_view a, std::string_view b);

struct Request {
  std::string method;                                      // "GET", "POST", …
  std::string target;                                      // as received: path plus query
  std::string path;                                        // percent-decoded path without the query
  std::vector<std::pair<std::string, std::string>> query;  // decoded, in order
  HeaderList headers;
  std::string body;
  std::string remote;      // "127.0.0.1:50312", for logs
  std::string request_id;  // assigned by the session (or taken from a sane X-Request-Id)
  std::uint64_t received_at_ms = 0;

  std::optional<std::string_view> header(std::string_view name) const { return headers.get(name); }
  std::optional<std::string_view> query_param(std::string_view name) const;
  // The media type of the body without parameters, lower-cased: "application/json".
  std::string media_type() const;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;  // extra fields (Retry-After, …)
  std::string body;
  bool close = false;  // ask the session to close the connection after writing
  bool log = true;     // access-log this request (off for rate-limited floods)

  static Response json(int status, std::string body) {
    Response r;
    r.status = status;
    r.body = std::move(body);
    return r;
  }
  static Response text(int status, std::string body,
                       std::string content_type = "text/plain; charset=utf-8") {
    Response r;
    r.status = status;
    r.content_type = std::move(content_type);
    r.body = std::move(body);
    return r;
  }
  std::optional<std::string_view> header(std::string_view name) const;
};

// Splits "/a/b?x=1&y=%20" into a decoded path and decoded query pairs. Fails (nullopt) on a
// malformed percent escape, a NUL byte, or a path not starting with '/'.
struct ParsedTarget {
  std::string path;
  std::vector<std::pair<std::string, std::string>> query;
};
std::optional<ParsedTarget> parse_target(std::string_view target);

}  // namespace cho4::server
