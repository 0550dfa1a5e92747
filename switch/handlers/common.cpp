#include "switch/handlers/common.h"

#include "adapters/canonical_json.h"

#include <chrono>

#include "core/clock.h"
#include "core/ids.h"
#include "core/vn_text.h"
#include "switch/auth_limiter.h"
#include "switch/event_text.h"
#include "switch/metrics.h"
#include "switch/profiles.h"

namespace cho4::server::handlers {

Response json_response(int status, const json::value& v) {
  return Response::json(status, json::serialize(v));
}

Response problem(Problem p, std::string_view detail, const Request& r) {
  return make_problem(p, detail, r.path);
}

Response problem(const Status& s, const Request& r) {
  return problem_from_status(s, r.path);
}

Or<json::object> json_body(const Request& r) {
  auto mt = r.media_type();
  if (mt != "application/json")
    return Err(problem(Problem::unsupported_media_type, "send Content-Type: application/json", r));
  // The adapters' strict parser: it also refuses repeated keys, which json::parse would resolve
  // silently to the last value ({"amount_vnd":1000,"amount_vnd":200000}).
  auto parsed = adapters::parse_json_strict(r.body);
  if (!parsed.ok()) return Err(problem(Problem::invalid_json, parsed.error().message, r));
  json::value v = std::move(parsed).value();
  if (!v.is_object())
    return Err(problem(Problem::invalid_json, "the body must be a JSON object", r));
  return std::move(v.as_object());
}

Or<std::string> str_field(const Request& r, const json::object& o, std::string_view key,
                          bool required, std::size_t max_len) {
  auto* v = o.if_contains(key);
  if (!v || v->is_null()) {
    if (required) return Err(problem(Problem::invalid_field, std::string(key) + " is required", r));
    return std::string();
  }
  if (!v->is_string())
    return Err(problem(Problem::invalid_field, std::string(key) + " must be a string", r));
  std::string s(v->as_string());
  if (!is_valid_utf8(s))
    return Err(problem(Problem::invalid_field, std::string(key) + " is not valid UTF-8", r));
  // Names and notes are shown and printed: no control characters (NUL, escape sequences …).
  for (unsigned char c : s) {
    if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7F)
      return Err(problem(Problem::invalid_field,
                         std::string(key) + " must not contain control characters", r));
  }
  if (utf8_length(s).value_or(0) > max_len)
    return Err(problem(Problem::invalid_field,
                       std::string(key) + " is longer than " + std::to_string(max_len), r));
  if (required && s.empty())
    return Err(problem(Problem::invalid_field, std::string(key) + " must not be empty", r));
  return s;
}

Or<std::optional<std::int64_t>> int_field(const Request& r, const json::object& o,
                                          std::string_view key) {
  auto* v = o.if_contains(key);
  if (!v || v->is_null()) return std::optional<std::int64_t>();
  if (v->is_int64()) return std::optional<std::int64_t>(v->as_int64());
  if (v->is_uint64() && v->as_uint64() <= static_cast<std::uint64_t>(INT64_MAX))
    return std::optional<std::int64_t>(static_cast<std::int64_t>(v->as_uint64()));
  if (v->is_double()) {
    auto m = money_from_double(v->as_double());
    if (m.ok()) return std::optional<std::int64_t>(m->vnd());
  }
  return Err(problem(Problem::invalid_field, std::string(key) + " must be an integer", r));
}

Or<Principal> authenticate(const Request& r, Services& s) {
  auto p = s.auth.authenticate(r);
  if (p.ok()) return std::move(*p);
  if (!s.auth_limiter) return Err(problem(p.error(), r));
  const auto verdict = s.auth_limiter->record_failure(r.remote);
  Response out = verdict.limited ? problem(Problem::too_many_auth_failures,
                                           "too many failed authentications from this address", r)
                                 : problem(p.error(), r);
  out.log = verdict.log;
  return Err(std::move(out));
}

Or<std::uint64_t> id_param(const Request& r, const RouteMatch& m, std::string_view name) {
  auto id = parse_id(m.param(name));
  if (!id.ok()) return Err(problem(Problem::not_found, "no such id", r));
  return *id;
}

Or<ledger::Stall> stall_for(const Request& r, Services& s, const Principal& p, StallId id,
                            bool manage) {
  auto st = s.engine.stall(id);
  if (!st.ok()) return Err(problem(st.error(), r));
  auto allowed = manage ? Auth::require_stall_manage(p, *st) : Auth::require_stall_read(p, *st);
  if (!allowed.ok()) return Err(problem(allowed, r));
  return std::move(*st);
}

Or<ledger::Market> market_for(const Request& r, Services& s, const Principal& p, MarketId id) {
  if (auto a = Auth::require_market(p, id); !a.ok()) {
    // Do not reveal whether another market exists.
    return Err(problem(a, r));
  }
  auto m = s.engine.market(id);
  if (!m.ok()) return Err(problem(m.error(), r));
  return std::move(*m);
}

Decision submit(const Request& r, Services& s, ledger::Command cmd, Reply reply, Executor exec,
                std::function<Response(ledger::CommandResult&)> done) {
  std::string path = r.path;
  auto started = std::chrono::steady_clock::now();
  auto st = s.engine.submit(
      std::move(cmd),
      [reply = std::move(reply), done = std::move(done), path, started,
       &metrics = s.metrics](ledger::CommandResult result) {
        metrics.commit_latency_seconds().observe(
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
        if (!result.status.ok()) return reply(problem_from_status(result.status, path));
        reply(done(result));
      },
      std::move(exec));
  if (!st.ok()) return problem(st, r);
  return Deferred{};
}

json::object market_json(Services& s, const ledger::Market& m) {
  json::object o;
  o["id"] = to_string_id(m.id.value);
  o["name"] = m.name;
  o["city"] = s.profiles.market(m.id.value).city;
  o["created_at"] = format_rfc3339_utc(m.created_at_ms);
  return o;
}

bool stall_verified(Services& s, const ledger::Stall& st) {
  return s.engine.balance(ledger::stall_received_account(st.id)).vnd() != 0 ||
         s.engine.balance(ledger::stall_excess_account(st.id)).vnd() != 0;
}

json::object stall_json(Services& s, const ledger::Stall& st) {
  json::object o;
  auto prof = s.profiles.stall(st.id.value);
  o["id"] = to_string_id(st.id.value);
  o["market_id"] = to_string_id(st.market.value);
  o["number"] = prof.number;
  o["name"] = st.name;
  o["holder_name"] = prof.holder_name;
  o["bank_bin"] = st.bank_bin;
  auto bank = describe_bank(st.bank_bin);
  o["bank_code"] = bank.code;
  o["bank_name"] = bank.name;
  o["account"] = st.account;
  o["virtual_account"] = st.virtual_account;
  o["alarm_below_vnd"] = st.alarm_threshold.vnd();
  o["active"] = st.active;
  o["verified"] = stall_verified(s, st);
  o["created_at"] = format_rfc3339_utc(st.created_at_ms);
  o["static_payload"] = static_payload(s, st);
  o["qr_png"] = "/v1/stalls/" + to_string_id(st.id.value) + "/qr.png";
  o["qr_svg"] = "/v1/stalls/" + to_string_id(st.id.value) + "/qr.svg";
  return o;
}

json::object order_json(Services& s, const ledger::Order& o) {
  json::object j;
  UnixMs now = s.clock.now_ms();
  auto id = to_string_id(o.id.value);
  j["id"] = id;
  j["stall_id"] = to_string_id(o.stall.value);
  j["reference"] = o.reference;
  j["amount_vnd"] = o.amount.vnd();
  j["note"] = o.note;
  auto status = o.status_at(now);
  std::string status_text(ledger::to_string(status));
  // The API distinguishes partly paid and overpaid orders (docs/api.md, order statuses).
  if (status == ledger::OrderStatus::open && o.paid_total.positive()) status_text = "underpaid";
  if (status == ledger::OrderStatus::paid && o.paid_total > o.amount) status_text = "overpaid";
  j["status"] = status_text;
  j["paid_vnd"] = o.paid_total.vnd();
  j["created_at"] = format_rfc3339_utc(o.created_at_ms);
  j["expires_at"] = format_rfc3339_utc(o.expires_at_ms);
  auto st = s.engine.stall(o.stall);
  j["payload"] = st.ok() ? order_payload(s, *st, o) : "";
  j["qr_png"] = "/v1/orders/" + id + "/qr.png";
  j["qr_svg"] = "/v1/orders/" + id + "/qr.svg";
  return j;
}

json::object credit_json(const ledger::CreditRecord& c) {
  json::object j;
  j["id"] = to_string_id(c.id.value);
  j["adapter_instance"] = c.credit.adapter_instance;
  j["provider_txn_id"] = c.credit.provider_txn_id;
  j["bank_reference"] = c.credit.bank_reference;
  j["direction"] = to_string(c.credit.direction);
  j["amount_vnd"] = c.credit.amount.vnd();
  j["description"] = c.credit.description;
  j["occurred_at"] = format_rfc3339_utc(c.credit.occurred_at_ms);
  j["received_at"] = format_rfc3339_utc(c.credit.received_at_ms);
  j["outcome"] = ledger::to_string(c.outcome);
  if (c.stall.valid())
    j["stall_id"] = to_string_id(c.stall.value);
  else
    j["stall_id"] = nullptr;
  if (c.order.valid())
    j["order_id"] = to_string_id(c.order.value);
  else
    j["order_id"] = nullptr;
  if (!c.reference.empty())
    j["order_reference"] = c.reference;
  else
    j["order_reference"] = nullptr;
  j["shortfall_vnd"] = c.shortfall.vnd();
  j["excess_vnd"] = c.excess.vnd();
  j["flags"] = flag_names(c.flags);
  j["seq"] = c.outbox_seq;
  return j;
}

json::object totals_json(const ledger::DailyTotals& t) {
  json::object j;
  j["date"] = format_date(t.day);
  j["total_in_vnd"] = (t.received + t.excess).vnd();
  j["received_vnd"] = t.received.vnd();
  j["excess_vnd"] = t.excess.vnd();
  j["total_out_vnd"] = t.paid_out.vnd();
  j["count"] = t.credits;
  j["outgoing_count"] = t.outgoing;
  json::object by;
  for (std::uint32_t i = 1; i < 13; ++i) {
    if (t.by_outcome[i] == 0) continue;
    by[ledger::to_string(static_cast<ledger::Outcome>(i))] = t.by_outcome[i];
  }
  j["by_outcome"] = by;
  return j;
}

json::object dead_letter_json(const ledger::DeadLetter& d, bool with_body) {
  json::object j;
  j["id"] = to_string_id(d.id);
  j["adapter_instance"] = d.adapter_instance;
  j["reason"] = d.reason;
  j["received_at"] = format_rfc3339_utc(d.received_at_ms);
  if (d.reprocessed_at_ms)
    j["reprocessed_at"] = format_rfc3339_utc(d.reprocessed_at_ms);
  else
    j["reprocessed_at"] = nullptr;
  if (with_body) j["body"] = d.body;
  j["body_bytes"] = d.body.size();
  return j;
}

Or<CivilDate> date_param(const Request& r, Services& s) {
  if (auto d = r.query_param("date")) {
    auto parsed = parse_date(*d);
    if (!parsed.ok()) return Err(problem(Problem::invalid_field, "date must be YYYY-MM-DD", r));
    return *parsed;
  }
  return vn_date(s.clock.now_ms());
}

}  // namespace cho4::server::handlers
