#include "switch/api.h"

#include "switch/handlers/handlers.h"
#include "switch/handlers/static_files.h"
#include "switch/metrics.h"
#include "switch/services.h"

namespace cho4::server {

enum class BodyKind { none, webhook, json, upload };

struct Api::Route {
  const char* method;
  const char* pattern;
  handlers::Handler handler;
  BodyKind body;
  bool stream = false;
  bool needs_qr = false;
  bool needs_signage = false;
};

namespace {
namespace h = handlers;

// The route table: every path here is documented in switch/openapi.json (a test checks it).
const Api::Route kRoutes[] = {
    {"GET", "/healthz", h::healthz, BodyKind::none},
    {"GET", "/readyz", h::readyz, BodyKind::none},
    {"GET", "/metrics", h::metrics, BodyKind::none},
    {"GET", "/openapi.json", h::openapi, BodyKind::none},
    {"POST", "/v1/webhooks/{instance}", h::webhook, BodyKind::webhook},
    {"POST", "/v1/webhooks/{instance}/oauth/token", h::webhook_token, BodyKind::webhook},
    {"POST", "/v1/webhooks/{instance}/token_generate", h::webhook_token, BodyKind::webhook},
    {"POST", "/v1/markets", h::create_market, BodyKind::json},
    {"GET", "/v1/markets/{id}", h::get_market, BodyKind::none},
    {"POST", "/v1/markets/{id}/manager-tokens", h::create_manager_token, BodyKind::json},
    {"POST", "/v1/markets/{id}/stalls", h::create_stall, BodyKind::json},
    {"GET", "/v1/markets/{id}/stalls", h::list_stalls, BodyKind::none},
    {"GET", "/v1/markets/{id}/report", h::market_report, BodyKind::none},
    {"GET", "/v1/markets/{id}/suspense", h::market_suspense, BodyKind::none},
    {"GET", "/v1/markets/{id}/held", h::market_held, BodyKind::none},
    {"POST", "/v1/credits/{id}/resolve", h::resolve_credit, BodyKind::json},
    {"GET", "/v1/stalls/{id}", h::get_stall, BodyKind::none},
    {"PATCH", "/v1/stalls/{id}", h::patch_stall, BodyKind::json},
    {"POST", "/v1/stalls/{id}/device-tokens", h::create_device_token, BodyKind::json},
    {"GET", "/v1/stalls/{id}/device-tokens", h::list_device_tokens, BodyKind::none},
    {"DELETE", "/v1/stalls/{id}/device-tokens/{token_id}", h::revoke_device_token, BodyKind::none},
    {"GET", "/v1/stalls/{id}/credits", h::stall_credits, BodyKind::none},
    {"GET", "/v1/stalls/{id}/totals", h::stall_totals, BodyKind::none},
    {"POST", "/v1/stalls/{id}/statement", h::stall_statement, BodyKind::upload},
    {"POST", "/v1/stalls/{id}/orders", h::create_order, BodyKind::json},
    {"GET", "/v1/orders/{id}", h::get_order, BodyKind::none},
    {"POST", "/v1/orders/{id}/cancel", h::cancel_order, BodyKind::json},
    {"GET", "/v1/stalls/{id}/ws", h::stall_ws, BodyKind::none, true},
    {"GET", "/v1/stalls/{id}/events", h::stall_events, BodyKind::none, true},
    {"POST", "/v1/tickets", h::create_ticket, BodyKind::json},
    {"POST", "/v1/session", h::create_session, BodyKind::json},
    {"GET", "/v1/dead-letters", h::list_dead_letters, BodyKind::none},
    {"POST", "/v1/dead-letters/{id}/reprocess", h::reprocess_dead_letter, BodyKind::json},
    {"POST", "/v1/admin/backup", h::admin_backup, BodyKind::json},
    {"GET", "/v1/stalls/{id}/qr.png", h::stall_qr_png, BodyKind::none, false, true},
    {"GET", "/v1/stalls/{id}/qr.svg", h::stall_qr_svg, BodyKind::none, false, true},
    {"GET", "/v1/orders/{id}/qr.png", h::order_qr_png, BodyKind::none, false, true},
    {"GET", "/v1/orders/{id}/qr.svg", h::order_qr_svg, BodyKind::none, false, true},
    {"POST", "/v1/qr/decode", h::qr_decode, BodyKind::json, false, true},
    {"POST", "/v1/qr/lint", h::qr_lint, BodyKind::json, false, true},
    {"POST", "/v1/stalls/{id}/sign-check", h::sign_check, BodyKind::upload, false, true},
    {"POST", "/v1/markets/{id}/signage", h::market_signage, BodyKind::json, false, true, true},
};

// Management JSON bodies are small; uploads (sign photos) get the general body limit.
constexpr std::size_t kJsonBodyBytesMax = 256 * 1024;
static_assert(kJsonBodyBytesMax <= kBodyBytesMax);

}  // namespace

Api::Api(Services& services)
    : services_(services),
      static_files_(services.config.web_dir.empty() ? default_web_dir() : services.config.web_dir) {
  for (const auto& r : kRoutes) {
    if (r.needs_qr && !handlers::qr_available()) continue;
    if (r.needs_signage && !handlers::signage_available()) continue;
    router_.add(r.method, r.pattern, routes_.size());
    routes_.push_back(r);
  }
}

Api::~Api() = default;

std::size_t Api::body_limit(std::string_view method, std::string_view path) const {
  auto o = router_.match(method, path);
  const auto& L = services_.config.limits;
  if (!o.match) return std::min<std::size_t>(L.webhook_body_bytes_max, kJsonBodyBytesMax);
  switch (routes_[o.match->index].body) {
    case BodyKind::none:
      return 0;
    case BodyKind::webhook:
      return L.webhook_body_bytes_max;
    case BodyKind::json:
      return std::min(L.body_bytes_max, kJsonBodyBytesMax);
    case BodyKind::upload:
      return L.body_bytes_max;
  }
  return L.webhook_body_bytes_max;
}

bool Api::is_stream_route(std::string_view path) const {
  auto o = router_.match("GET", path);
  return o.match && routes_[o.match->index].stream;
}

std::string_view Api::route_name(std::string_view method, std::string_view path) const {
  auto o = router_.match(method, path);
  if (o.match) return o.match->pattern;
  if (services_.web && StaticFiles::relative_file(path)) return "web";
  return "unmatched";
}

Decision Api::handle(const Request& request, Reply reply, Executor executor) {
  auto o = router_.match(request.method, request.path);
  if (!o.match) {
    // The screens (web/) live outside the API's routes and its OpenAPI document.
    if (auto page = static_files_.handle(request)) return std::move(*page);
    if (o.miss == Router::Miss::method_not_allowed) {
      auto r = make_problem(Problem::method_not_allowed, "allowed: " + o.allow, request.path);
      r.headers.emplace_back("Allow", o.allow);
      return r;
    }
    return make_problem(Problem::not_found, "no such route", request.path);
  }
  const Route& route = routes_[o.match->index];
  return route.handler(request, *o.match, services_, std::move(reply), std::move(executor));
}

}  // namespace cho4::server
