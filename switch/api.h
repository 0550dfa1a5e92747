// Api: the server's routes and their handlers, without sockets. A session hands it a complete
// Request and gets back one of three decisions: a Response now, a Deferred promise that `reply`
// will be called later (webhooks and writes wait for the ledger's durable commit), or a
// StreamGrant to turn the connection into a device stream (WebSocket or SSE), already
// authenticated and authorised.
//
// Thread-safety: handle() is called concurrently from every I/O thread; the Api itself is
// immutable after construction and everything it uses through Services is thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "core/ids.h"
#include "switch/handlers/static_files.h"
#include "switch/http_types.h"
#include "switch/router.h"

namespace cho4::server {

struct Services;

// The connection becomes a device stream of this stall. `after` is the client's cursor when it
// gave one (Last-Event-ID, ?after=); a WebSocket client may still send it in its hello.
struct StreamGrant {
  enum class Kind { websocket, sse } kind = Kind::sse;
  StallId stall;
  std::optional<std::uint64_t> after;
  std::string token_hash;  // the token that opened it: revoking it closes the stream
};
struct Deferred {};
using Decision = std::variant<Response, Deferred, StreamGrant>;

// Called exactly once with the response of a Deferred decision, on the executor given to handle().
using Reply = std::function<void(Response)>;
// Runs a task on the connection's strand (the session posts to it).
using Executor = std::function<void(std::function<void()>)>;

class Api {
 public:
  explicit Api(Services& services);
  ~Api();
  Api(const Api&) = delete;
  Api& operator=(const Api&) = delete;

  // The body limit for a request whose header has arrived (webhooks are tighter than photos).
  std::size_t body_limit(std::string_view method, std::string_view path) const;
  // True when the path is a device stream route (the session keeps the upgrade request intact).
  bool is_stream_route(std::string_view path) const;

  // Handles one request. For Deferred, `reply` is called once, through `executor`.
  Decision handle(const Request& request, Reply reply, Executor executor);

  // The route pattern that matched (or "unmatched"), for metrics and logs.
  std::string_view route_name(std::string_view method, std::string_view path) const;

  const Router& router() const { return router_; }

  struct Route;

 private:
  Services& services_;
  Router router_;
  std::vector<Route> routes_;
  StaticFiles static_files_;  // web/: "/", "/stall/{id}", "/assets/…" (docs/web.md)
};

}  // namespace cho4::server
