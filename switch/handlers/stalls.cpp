// Stalls: create (bank + account typed in, or scanned from the owner's bank-app QR), list with
// today's totals, read, update, device tokens, history and daily totals.
#include "core/ids.h"
#include "core/vn_text.h"
#include "ledger/statement.h"
#include "switch/handlers/handlers.h"
#include "switch/notify_hub.h"
#include "switch/profiles.h"

namespace cho4::server::handlers {
namespace {

bool is_account_number(std::string_view a) {
  if (a.empty() || a.size() > 19) return false;
  for (char c : a)
    if (!std::isalnum(static_cast<unsigned char>(c))) return false;
  return true;
}

// A token names itself by a prefix of its hash: enough to tell tokens apart, useless to forge one.
constexpr std::size_t kTokenIdChars = 16;

json::value time_or_null(UnixMs ms) {
  if (ms == 0) return nullptr;
  return json::value(format_rfc3339_utc(ms));
}

json::object device_token_json(const ledger::DeviceToken& t, UnixMs now_ms) {
  const bool expired = t.expires_at_ms != 0 && t.expires_at_ms <= now_ms;
  return json::object{{"id", t.hash.substr(0, kTokenIdChars)},
                      {"label", t.label},
                      {"scope", "stall_device"},
                      {"stall_id", to_string_id(t.stall.value)},
                      {"created_at", time_or_null(t.created_at_ms)},
                      {"expires_at", time_or_null(t.expires_at_ms)},
                      {"revoked_at", time_or_null(t.revoked_at_ms)},
                      {"active", t.revoked_at_ms == 0 && !expired}};
}

}  // namespace

CHO4_HANDLER(create_stall) {
  TRY(p, authenticate(r, s));
  TRY(id, id_param(r, m));
  TRY(market, market_for(r, s, p, MarketId{id}));
  TRY(body, json_body(r));
  TRY(number, str_field(r, body, "number", false, 16));
  TRY(name, str_field(r, body, "name", true, 100));
  TRY(holder, str_field(r, body, "holder_name", false, 50));
  TRY(bank_qr, str_field(r, body, "bank_qr", false, 512));
  TRY(bank_text, str_field(r, body, "bank", false, 64));
  TRY(account, str_field(r, body, "account", false, 19));
  TRY(virtual_account, str_field(r, body, "virtual_account", false, 19));
  TRY(alarm, int_field(r, body, "alarm_below_vnd"));
  ledger::CreateStall cmd;
  cmd.market = market.id;
  cmd.name = name;
  if (!bank_qr.empty()) {
    auto scanned = account_from_qr(bank_qr);
    if (!scanned.ok()) return problem(Problem::invalid_qr, scanned.error().message(), r);
    cmd.bank_bin = scanned->bank_bin;
    cmd.account = scanned->account;
  } else {
    auto bank = find_bank(bank_text);
    if (!bank) return problem(Problem::invalid_field, "bank: unknown bank '" + bank_text + "'", r);
    if (!is_account_number(account))
      return problem(Problem::invalid_field, "account: 1..19 letters or digits", r);
    cmd.bank_bin = bank->bin;
    cmd.account = account;
  }
  if (!virtual_account.empty() && !is_account_number(virtual_account))
    return problem(Problem::invalid_field, "virtual_account: 1..19 letters or digits", r);
  cmd.virtual_account = virtual_account;
  if (alarm && *alarm < 0)
    return problem(Problem::invalid_field, "alarm_below_vnd must be >= 0", r);
  cmd.alarm_threshold = Money::vnd(alarm.value_or(0));
  // Printed on signs in uppercase ASCII, like bank apps show the account holder.
  std::string holder_folded = fold_to_qr_text(holder);
  for (auto& c : holder_folded) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return submit(
      r, s, cmd, std::move(reply), std::move(exec),
      [&s, number, holder_folded](ledger::CommandResult& res) {
        auto& st = std::get<ledger::Stall>(res.value);
        s.profiles.set_stall(st.id.value, StallProfile{number, holder_folded}).permit_unchecked();
        return json_response(201, stall_json(s, st));
      });
}

CHO4_HANDLER(list_stalls) {
  (void)reply, (void)exec;
  TRY(p, authenticate(r, s));
  TRY(id, id_param(r, m));
  TRY(market, market_for(r, s, p, MarketId{id}));
  auto today = vn_date(s.clock.now_ms());
  json::array out;
  for (const auto& st : s.engine.stalls_of_market(market.id)) {
    auto j = stall_json(s, st);
    auto t = s.engine.stall_daily_totals(st.id, today);
    json::object td{{"total_vnd", 0}, {"count", 0}};
    if (t.ok())
      td = json::object{{"total_vnd", (t->received + t->excess).vnd()}, {"count", t->credits}};
    j["today"] = td;
    j["has_qr"] = !j["static_payload"].as_string().empty();
    out.push_back(std::move(j));
  }
  return json_response(200, json::object{{"stalls", std::move(out)}});
}

CHO4_HANDLER(get_stall) {
  (void)reply, (void)exec;
  TRY(p, authenticate(r, s));
  TRY(id, id_param(r, m));
  TRY(st, stall_for(r, s, p, StallId{id}, false));
  return json_response(200, stall_json(s, st));
}

CHO4_HANDLER(patch_stall) {
  TRY(p, authenticate(r, s));
  TRY(id, id_param(r, m));
  TRY(st, stall_for(r, s, p, StallId{id}, true));
  TRY(body, json_body(r));
  ledger::UpdateStall cmd;
  cmd.stall = st.id;
  if (body.contains("name")) {
    TRY(name, str_field(r, body, "name", true, 100));
    cmd.name = name;
  }
  if (body.contains("virtual_account")) {
    TRY(va, str_field(r, body, "virtual_account", false, 19));
    if (!va.empty() && !is_account_number(va))
      return problem(Problem::invalid_field, "virtual_account: 1..19 letters or digits", r);
    cmd.virtual_account = va;
  }
  if (body.contains("alarm_below_vnd")) {
    TRY(alarm, int_field(r, body, "alarm_below_vnd"));
    if (alarm.value_or(0) < 0)
      return problem(Problem::invalid_field, "alarm_below_vnd must be >= 0", r);
    cmd.alarm_threshold = Money::vnd(alarm.value_or(0));
  }
  if (auto* a = body.if_contains("active")) {
    if (!a->is_bool()) return problem(Problem::invalid_field, "active must be true or false", r);
    cmd.active = a->as_bool();
  }
  std::optional<StallProfile> profile;
  if (body.contains("number") || body.contains("holder_name")) {
    auto prof = s.profiles.stall(st.id.value);
    TRY(number, str_field(r, body, "number", false, 16));
    TRY(holder, str_field(r, body, "holder_name", false, 50));
    if (body.contains("number")) prof.number = number;
    if (body.contains("holder_name")) {
      prof.holder_name = fold_to_qr_text(holder);
      for (auto& c : prof.holder_name)
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    profile = prof;
  }
  return submit(r, s, cmd, std::move(reply), std::move(exec),
                [&s, profile](ledger::CommandResult& res) {
                  auto& updated = std::get<ledger::Stall>(res.value);
                  if (profile) s.profiles.set_stall(updated.id.value, *profile).permit_unchecked();
                  return json_response(200, stall_json(s, updated));
                });
}

CHO4_HANDLER(create_device_token) {
  TRY(p, authenticate(r, s));
  TRY(id, id_param(r, m));
  TRY(st, stall_for(r, s, p, StallId{id}, true));
  std::string label;
  if (!r.body.empty()) {
    TRY(body, json_body(r));
    TRY(l, str_field(r, body, "label", false, 100));
    label = l;
  }
  std::string token = new_token(Role::device);
  ledger::DeviceToken t;
  t.hash = hash_token(token);
  t.scope = ledger::TokenScope::stall_device;
  t.market = st.market;
  t.stall = st.id;
  t.label = label;
  return submit(r, s, ledger::IssueToken{t}, std::move(reply), std::move(exec),
                [&s, token](ledger::CommandResult& res) {
                  auto j =
                      device_token_json(std::get<ledger::DeviceToken>(res.value), s.clock.now_ms());
                  j["token"] = token;  // shown this once; the ledger keeps only its hash
                  return json_response(201, j);
                });
}

// GET /v1/stalls/{id}/device-tokens (manager): the stall's tokens, never their secrets.
CHO4_HANDLER(list_device_tokens) {
  (void)reply, (void)exec;
  TRY(p, authenticate(r, s));
  TRY(id, id_param(r, m));
  TRY(st, stall_for(r, s, p, StallId{id}, true));
  const UnixMs now = s.clock.now_ms();
  json::array out;
  for (const auto& t : s.engine.stall_tokens(st.id)) out.push_back(device_token_json(t, now));
  return json_response(200, json::object{{"tokens", std::move(out)}});
}

// DELETE /v1/stalls/{id}/device-tokens/{token_id} (manager): revokes the token for good (a ledger
// command, durable before the answer) and closes the streams it opened.
CHO4_HANDLER(revoke_device_token) {
  TRY(p, authenticate(r, s));
  TRY(id, id_param(r, m));
  TRY(st, stall_for(r, s, p, StallId{id}, true));
  const std::string_view token_id = m.param("token_id");
  if (token_id.size() != kTokenIdChars)
    return problem(Problem::invalid_field,
                   "token_id: the " + std::to_string(kTokenIdChars) + "-character id of a token",
                   r);
  std::optional<ledger::DeviceToken> found;
  for (auto& t : s.engine.stall_tokens(st.id))
    if (std::string_view(t.hash).substr(0, kTokenIdChars) == token_id) found = std::move(t);
  if (!found)
    return problem(Problem::not_found,
                   "stall " + to_string_id(st.id.value) + " has no token " + std::string(token_id),
                   r);
  return submit(r, s, ledger::RevokeToken{found->hash}, std::move(reply), std::move(exec),
                [&s, sid = st.id](ledger::CommandResult& res) {
                  auto& t = std::get<ledger::DeviceToken>(res.value);
                  s.hub.disconnect_token(sid, t.hash);
                  return json_response(200, device_token_json(t, s.clock.now_ms()));
                });
}

CHO4_HANDLER(stall_credits) {
  (void)reply, (void)exec;
  TRY(p, authenticate(r, s));
  TRY(id, id_param(r, m));
  TRY(st, stall_for(r, s, p, StallId{id}, false));
  std::size_t limit = kPageSizeDefault;
  if (auto l = r.query_param("limit")) {
    auto n = parse_id(*l);
    if (!n.ok() || *n > kPageSizeMax) return problem(Problem::invalid_field, "limit: 1..1000", r);
    limit = *n;
  }
  std::uint64_t before = 0;
  if (auto c = r.query_param("cursor")) {
    auto n = parse_id(*c);
    if (!n.ok()) return problem(Problem::invalid_field, "cursor: a value from next_cursor", r);
    before = *n;
  }
  std::optional<CivilDate> day;
  if (r.query_param("date")) {
    TRY(d, date_param(r, s));
    day = d;
  }
  auto page = s.engine.stall_history(st.id, before, limit);
  if (!page.ok()) return problem(page.error(), r);
  json::array out;
  for (const auto& e : page->events) {
    if (day && vn_date(e.occurred_at_ms) != *day) continue;
    auto c = s.engine.credit(e.credit_id);
    if (!c.ok()) continue;
    auto j = credit_json(*c);
    j["seq"] = e.seq;
    if (e.kind == ledger::EventKind::resolution) j["kind"] = "resolution";
    out.push_back(std::move(j));
  }
  json::object o{{"credits", std::move(out)}};
  if (page->next_cursor)
    o["next_cursor"] = to_string_id(page->next_cursor);
  else
    o["next_cursor"] = nullptr;
  return json_response(200, o);
}

CHO4_HANDLER(stall_totals) {
  (void)reply, (void)exec;
  TRY(p, authenticate(r, s));
  TRY(id, id_param(r, m));
  TRY(st, stall_for(r, s, p, StallId{id}, false));
  TRY(day, date_param(r, s));
  auto t = s.engine.stall_daily_totals(st.id, day);
  if (!t.ok()) return problem(t.error(), r);
  return json_response(200, totals_json(*t));
}

// POST /v1/stalls/{id}/statement (text/csv): the bank statement's lines the ledger lacks (missed
// webhooks) and the ledger's credits the statement lacks, for [from, to] (default: today).
CHO4_HANDLER(stall_statement) {
  (void)reply, (void)exec;
  TRY(p, authenticate(r, s));
  TRY(id, id_param(r, m));
  TRY(st, stall_for(r, s, p, StallId{id}, true));
  const auto mt = r.media_type();
  if (mt != "text/csv" && mt != "text/plain")
    return problem(Problem::unsupported_media_type, "send the statement as Content-Type: text/csv",
                   r);
  const CivilDate today = vn_date(s.clock.now_ms());
  CivilDate from = today, to = today;
  for (auto [name, out] : {std::pair{"from", &from}, std::pair{"to", &to}}) {
    if (auto v = r.query_param(name)) {
      auto d = parse_date(*v);
      if (!d.ok()) return problem(Problem::invalid_field, std::string(name) + ": YYYY-MM-DD", r);
      *out = *d;
    }
  }
  if (to < from) return problem(Problem::invalid_field, "to is before from", r);
  auto lines = ledger::parse_statement_csv(r.body);
  if (!lines.ok()) return problem(Problem::invalid_field, lines.error().message(), r);
  auto report = ledger::reconcile_statement(s.engine, st.account, from, to, *lines);
  if (!report.ok()) return problem(report.error(), r);
  json::array missing_in_ledger, missing_in_statement;
  for (const auto& l : report->missing_in_ledger)
    missing_in_ledger.push_back(json::object{{"line", l.line_number},
                                             {"occurred_at", format_rfc3339_utc(l.occurred_at_ms)},
                                             {"amount_vnd", l.amount.vnd()},
                                             {"direction", to_string(l.direction)},
                                             {"reference", l.reference},
                                             {"description", l.description}});
  for (const auto& c : report->missing_in_statement) missing_in_statement.push_back(credit_json(c));
  return json_response(200,
                       json::object{{"from", format_date(from)},
                                    {"to", format_date(to)},
                                    {"statement_lines", report->statement_lines},
                                    {"ledger_credits", report->ledger_credits},
                                    {"matched", report->matched},
                                    {"missing_in_ledger", std::move(missing_in_ledger)},
                                    {"missing_in_statement", std::move(missing_in_statement)}});
}

}  // namespace cho4::server::handlers
