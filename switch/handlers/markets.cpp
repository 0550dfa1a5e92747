// Markets: create (admin), read, manager tokens, end-of-day report, suspense and held credits,
// and resolving them.
#include "core/ids.h"
#include "switch/handlers/handlers.h"
#include "switch/profiles.h"

namespace cho4::server::handlers {

CHO4_HANDLER(create_market) {
  (void)m;
  TRY(p, authenticate(r, s));
  if (auto a = Auth::require_admin(p); !a.ok()) return problem(a, r);
  TRY(body, json_body(r));
  TRY(name, str_field(r, body, "name", true));
  TRY(city, str_field(r, body, "city", false));
  return submit(r, s, ledger::CreateMarket{name}, std::move(reply), std::move(exec),
                [&s, city](ledger::CommandResult& res) {
                  auto& market = std::get<ledger::Market>(res.value);
                  s.profiles.set_market(market.id.value, MarketProfile{city}).permit_unchecked();
                  return json_response(201, market_json(s, market));
                });
}

CHO4_HANDLER(get_market) {
  (void)reply, (void)exec;
  TRY(p, authenticate(r, s));
  TRY(id, id_param(r, m));
  TRY(market, market_for(r, s, p, MarketId{id}));
  return json_response(200, market_json(s, market));
}

CHO4_HANDLER(create_manager_token) {
  TRY(p, authenticate(r, s));
  if (auto a = Auth::require_admin(p); !a.ok()) return problem(a, r);
  TRY(id, id_param(r, m));
  TRY(market, market_for(r, s, p, MarketId{id}));
  std::string label;
  if (!r.body.empty()) {
    TRY(body, json_body(r));
    TRY(l, str_field(r, body, "label", false));
    label = l;
  }
  std::string token = new_token(Role::manager);
  ledger::DeviceToken t;
  t.hash = hash_token(token);
  t.scope = ledger::TokenScope::market_manager;
  t.market = market.id;
  t.label = label;
  return submit(r, s, ledger::IssueToken{t}, std::move(reply), std::move(exec),
                [token, mid = market.id](ledger::CommandResult&) {
                  return json_response(
                      201, json::object{{"token", token}, {"market_id", to_string_id(mid.value)}});
                });
}

CHO4_HANDLER(market_report) {
  (void)reply, (void)exec;
  TRY(p, authenticate(r, s));
  TRY(id, id_param(r, m));
  TRY(market, market_for(r, s, p, MarketId{id}));
  TRY(day, date_param(r, s));
  auto rep = s.engine.end_of_day(market.id, day);
  if (!rep.ok()) return problem(rep.error(), r);
  json::object o;
  o["market"] = market_json(s, market);
  o["date"] = format_date(day);
  o["totals"] = totals_json(rep->market_totals);
  json::array stalls;
  for (const auto& [st, tot] : rep->stalls) {
    json::object row;
    row["stall_id"] = to_string_id(st.id.value);
    row["number"] = s.profiles.stall(st.id.value).number;
    row["name"] = st.name;
    row["totals"] = totals_json(tot);
    stalls.push_back(std::move(row));
  }
  o["stalls"] = std::move(stalls);
  json::array suspense, held;
  for (const auto& c : rep->suspense) suspense.push_back(credit_json(c));
  for (const auto& c : rep->held) held.push_back(credit_json(c));
  o["suspense"] = std::move(suspense);
  o["held"] = std::move(held);
  return json_response(200, o);
}

namespace {
Decision credit_list(const Request& r, const RouteMatch& m, Services& s, bool held) {
  TRY(p, authenticate(r, s));
  TRY(id, id_param(r, m));
  TRY(market, market_for(r, s, p, MarketId{id}));
  auto list = held ? s.engine.held_credits(kPageSizeMax) : s.engine.suspense_credits(kPageSizeMax);
  json::array out;
  for (const auto& c : list) {
    // Suspense credits with no stall belong to nobody yet: every manager may see them, since
    // resolving them is how the money reaches its stall. Stall-bound ones stay in their market.
    if (c.stall.valid()) {
      auto st = s.engine.stall(c.stall);
      if (!st.ok() || st->market != market.id) continue;
    }
    out.push_back(credit_json(c));
  }
  return json_response(200, json::object{{held ? "held" : "suspense", std::move(out)}});
}
}  // namespace

CHO4_HANDLER(market_suspense) {
  (void)reply, (void)exec;
  return credit_list(r, m, s, false);
}

CHO4_HANDLER(market_held) {
  (void)reply, (void)exec;
  return credit_list(r, m, s, true);
}

CHO4_HANDLER(resolve_credit) {
  TRY(p, authenticate(r, s));
  if (p.role == Role::device) return problem(Problem::forbidden, "managers resolve credits", r);
  TRY(id, id_param(r, m));
  auto credit = s.engine.credit(CreditId{id});
  if (!credit.ok()) return problem(credit.error(), r);
  TRY(body, json_body(r));
  TRY(action, str_field(r, body, "action", false));
  TRY(note, str_field(r, body, "note", false, 500));
  TRY(stall_text, str_field(r, body, "stall_id", false));
  TRY(order_text, str_field(r, body, "order_id", false));
  ledger::ResolveCredit cmd;
  cmd.credit = CreditId{id};
  cmd.note = note;
  cmd.actor = p.role == Role::admin ? "admin" : "manager:" + to_string_id(p.market.value);
  if (action.empty() || action == "assign_to_stall")
    cmd.action = ledger::ResolveAction::assign_to_stall;
  else if (action == "return_to_payer")
    cmd.action = ledger::ResolveAction::return_to_payer;
  else if (action == "accept_held")
    cmd.action = ledger::ResolveAction::accept_held;
  else if (action == "dismiss_held")
    cmd.action = ledger::ResolveAction::dismiss_held;
  else
    return problem(Problem::invalid_field, "unknown action", r);
  if (cmd.action == ledger::ResolveAction::assign_to_stall) {
    auto sid = parse_id(stall_text);
    if (!sid.ok()) return problem(Problem::invalid_field, "stall_id is required", r);
    TRY(st, stall_for(r, s, p, StallId{*sid}, true));
    cmd.stall = st.id;
    if (!order_text.empty()) {
      auto oid = parse_id(order_text);
      if (!oid.ok()) return problem(Problem::invalid_field, "order_id is not an id", r);
      cmd.order = OrderId{*oid};
    }
  } else if (credit->stall.valid()) {
    TRY(st, stall_for(r, s, p, credit->stall, true));
    (void)st;
  } else if (p.role != Role::admin && p.role != Role::manager) {
    return problem(Problem::forbidden, "not allowed", r);
  }
  return submit(r, s, cmd, std::move(reply), std::move(exec), [&s](ledger::CommandResult& res) {
    auto& rr = std::get<ledger::ResolveResult>(res.value);
    auto c = s.engine.credit(rr.credit);
    json::object o{{"credit_id", to_string_id(rr.credit.value)}, {"seq", rr.outbox_seq}};
    if (c.ok()) o["credit"] = credit_json(*c);
    return json_response(200, o);
  });
}

}  // namespace cho4::server::handlers
