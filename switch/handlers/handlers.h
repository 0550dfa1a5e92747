// The route handlers, one file per resource (switch/handlers/<resource>.cpp). Each is
// `Decision f(const Request&, const RouteMatch&, Services&, Reply, Executor)`; api.cpp's table
// binds them to METHOD + path pattern.
#pragma once

#include "switch/handlers/common.h"

namespace cho4::server::handlers {

#define CHO4_HANDLER(name) \
  Decision name(const Request& r, const RouteMatch& m, Services& s, Reply reply, Executor exec)

// ops.cpp
CHO4_HANDLER(healthz);
CHO4_HANDLER(readyz);
CHO4_HANDLER(metrics);
CHO4_HANDLER(openapi);
CHO4_HANDLER(stall_statement);
// markets.cpp
CHO4_HANDLER(create_market);
CHO4_HANDLER(get_market);
CHO4_HANDLER(create_manager_token);
CHO4_HANDLER(market_report);
CHO4_HANDLER(market_suspense);
CHO4_HANDLER(market_held);
CHO4_HANDLER(resolve_credit);
// stalls.cpp
CHO4_HANDLER(create_stall);
CHO4_HANDLER(list_stalls);
CHO4_HANDLER(get_stall);
CHO4_HANDLER(patch_stall);
CHO4_HANDLER(create_device_token);
CHO4_HANDLER(list_device_tokens);
CHO4_HANDLER(revoke_device_token);
CHO4_HANDLER(stall_credits);
CHO4_HANDLER(stall_totals);
// orders.cpp
CHO4_HANDLER(create_order);
CHO4_HANDLER(get_order);
CHO4_HANDLER(cancel_order);
// webhooks.cpp
CHO4_HANDLER(webhook);
CHO4_HANDLER(webhook_token);
CHO4_HANDLER(list_dead_letters);
CHO4_HANDLER(reprocess_dead_letter);
// streams.cpp
CHO4_HANDLER(stall_ws);
CHO4_HANDLER(stall_events);
CHO4_HANDLER(create_ticket);
CHO4_HANDLER(create_session);
// qr.cpp
CHO4_HANDLER(stall_qr_png);
CHO4_HANDLER(stall_qr_svg);
CHO4_HANDLER(order_qr_png);
CHO4_HANDLER(order_qr_svg);
CHO4_HANDLER(qr_decode);
CHO4_HANDLER(qr_lint);
CHO4_HANDLER(sign_check);
// admin.cpp
CHO4_HANDLER(admin_backup);
// signage.cpp (signage_absent.cpp in a build without qr/signage/)
CHO4_HANDLER(market_signage);

}  // namespace cho4::server::handlers
