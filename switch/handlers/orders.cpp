// Orders: a dynamic QR per sale (amount + optional note → reference code and payload), status,
// cancel.
#include "core/ids.h"
#include "switch/handlers/handlers.h"

namespace cho4::server::handlers {

CHO4_HANDLER(create_order) {
  TRY(p, authenticate(r, s));
  TRY(id, id_param(r, m));
  TRY(st, stall_for(r, s, p, StallId{id}, false));
  TRY(body, json_body(r));
  TRY(amount, int_field(r, body, "amount_vnd"));
  TRY(note, str_field(r, body, "note", false, 100));
  if (!amount) return problem(Problem::invalid_field, "amount_vnd is required", r);
  if (*amount < kQrAmountMin.vnd() || *amount > kQrAmountMax.vnd())
    return problem(Problem::invalid_field, "amount_vnd must be 1..499999999", r);
  ledger::CreateOrder cmd{st.id, Money::vnd(*amount), note, 0};
  return submit(r, s, cmd, std::move(reply), std::move(exec), [&s](ledger::CommandResult& res) {
    return json_response(201, order_json(s, std::get<ledger::Order>(res.value)));
  });
}

namespace {
Or<ledger::Order> order_for(const Request& r, const RouteMatch& m, Services& s,
                            const Principal& p) {
  auto id = id_param(r, m);
  if (!id.ok()) return Err(std::move(id).error());
  auto o = s.engine.order(OrderId{*id});
  if (!o.ok()) return Err(problem(o.error(), r));
  auto st = stall_for(r, s, p, o->stall, false);
  if (!st.ok()) return Err(std::move(st).error());
  return std::move(*o);
}
}  // namespace

CHO4_HANDLER(get_order) {
  (void)reply, (void)exec;
  TRY(p, authenticate(r, s));
  TRY(o, order_for(r, m, s, p));
  return json_response(200, order_json(s, o));
}

CHO4_HANDLER(cancel_order) {
  TRY(p, authenticate(r, s));
  TRY(o, order_for(r, m, s, p));
  if (o.status_at(s.clock.now_ms()) != ledger::OrderStatus::open)
    return problem(Problem::order_not_open, "only an open order can be cancelled", r);
  return submit(r, s, ledger::CancelOrder{o.id}, std::move(reply), std::move(exec),
                [&s, r_path = r.path](ledger::CommandResult& res) {
                  if (auto* ord = std::get_if<ledger::Order>(&res.value))
                    return json_response(200, order_json(s, *ord));
                  return json_response(200, json::object{{"status", "cancelled"}});
                });
}

}  // namespace cho4::server::handlers
