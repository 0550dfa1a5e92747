// Device streams (WebSocket and SSE): authentication and the stall scope are checked here, before
// the connection is handed to a stream session. Also browser tickets and the device cookie.
#include "core/ids.h"
#include "switch/handlers/handlers.h"

namespace cho4::server::handlers {
namespace {

Decision grant(const Request& r, const RouteMatch& m, Services& s, StreamGrant::Kind kind) {
  auto p = s.auth.authenticate_stream(r);
  if (!p.ok()) return problem(p.error(), r);
  TRY(id, id_param(r, m));
  TRY(st, stall_for(r, s, *p, StallId{id}, false));
  StreamGrant g;
  g.kind = kind;
  g.stall = st.id;
  g.token_hash = p->token_hash;
  std::optional<std::string_view> cursor = r.query_param("after");
  if (!cursor && kind == StreamGrant::Kind::sse) cursor = r.header("Last-Event-ID");
  if (cursor && !cursor->empty()) {
    if (*cursor == "0") {
      g.after = 0;
    } else {
      auto n = parse_id(*cursor);
      if (!n.ok())
        return problem(Problem::invalid_field, "after / Last-Event-ID: a sequence number", r);
      g.after = *n;
    }
  }
  if (s.draining.load()) return problem(Problem::shutting_down, "reconnect later", r);
  return g;
}

}  // namespace

CHO4_HANDLER(stall_ws) {
  (void)reply, (void)exec;
  if (!r.header("Upgrade"))
    return problem(Problem::bad_request, "a WebSocket upgrade is required", r);
  return grant(r, m, s, StreamGrant::Kind::websocket);
}

CHO4_HANDLER(stall_events) {
  (void)reply, (void)exec;
  return grant(r, m, s, StreamGrant::Kind::sse);
}

CHO4_HANDLER(create_ticket) {
  (void)m, (void)reply, (void)exec;
  TRY(p, authenticate(r, s));
  StallId stall = p.stall;
  if (p.role != Role::device) {
    // Managers may open a stall's stream too (the market dashboard): name the stall.
    auto id = r.query_param("stall_id");
    auto n = id ? parse_id(*id) : Result<std::uint64_t>(invalid_argument("stall_id"));
    if (!n.ok())
      return problem(Problem::invalid_field, "stall_id is required for manager tokens", r);
    TRY(st, stall_for(r, s, p, StallId{*n}, false));
    stall = st.id;
  }
  return json_response(201, json::object{{"ticket", s.auth.issue_ticket(stall, p.token_hash)},
                                         {"expires_in", kTicketLifetimeMs / 1000},
                                         {"stall_id", to_string_id(stall.value)}});
}

CHO4_HANDLER(create_session) {
  (void)m, (void)reply, (void)exec;
  TRY(p, authenticate(r, s));
  if (p.role != Role::device) return problem(Problem::forbidden, "device tokens only", r);
  auto auth = r.header("Authorization");
  std::string token(auth ? auth->substr(7) : std::string_view());
  Response res = json_response(200, json::object{{"stall_id", to_string_id(p.stall.value)}});
  std::string cookie = "cho4_device=" + token + "; Path=/; HttpOnly; SameSite=Strict";
  if (s.config.tls.enabled()) cookie += "; Secure";
  res.headers.emplace_back("Set-Cookie", std::move(cookie));
  return res;
}

}  // namespace cho4::server::handlers
