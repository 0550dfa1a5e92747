// Webhook ingress (POST /v1/webhooks/{instance}): authenticate → parse → submit → the provider's
// success body once the batch is durable. Unauthenticated: 401, nothing stored. Authenticated but
// unparseable: dead letter (raw bytes kept), the provider's success body, a metric. Also the
// token endpoints providers call first, and the dead-letter list and re-processing.
#include <chrono>

#include "adapters/registry.h"
#include "core/ids.h"
#include "switch/handlers/handlers.h"
#include "switch/logger.h"
#include "switch/metrics.h"

namespace cho4::server::handlers {
namespace {

adapters::HttpRequest to_adapter_request(const Request& r) {
  adapters::HttpRequest a;
  a.method = r.method;
  a.target = r.target;
  for (const auto& [k, v] : r.headers.fields()) a.headers.add(k, v);
  a.body = r.body;
  return a;
}

// A digest of the request's header fields for the raw archive (the fields themselves may hold
// credentials, so only their hash is kept).
std::string headers_digest(const Request& r) {
  std::string all;
  std::size_t size = 0;
  for (const auto& [k, v] : r.headers.fields()) size += k.size() + v.size() + 3;
  all.reserve(size);
  for (const auto& [k, v] : r.headers.fields()) {
    for (char c : k) all += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    all += ": ";
    all += v;
    all += '\n';
  }
  return hash_token(all);
}

Response from_reply(const adapters::HttpReply& h) {
  Response out;
  out.status = h.status;
  out.content_type = h.content_type;
  out.body = h.body;
  return out;
}

Response auth_failure(const Request& r, const adapters::AuthError& e) {
  Problem p = e.kind == adapters::AuthErrorKind::stale_timestamp ? Problem::stale_timestamp
                                                                 : Problem::bad_signature;
  return problem(p, std::string(adapters::to_string(e.kind)), r);
}

// The webhook's submit errors, in the provider-facing words (503 makes every provider retry).
Response submit_failure(const Request& r, const Status& st, Services& s, std::string_view inst) {
  bool full = st.code() == StatusCode::resource_exhausted;
  s.metrics.record_webhook(inst, full ? "overloaded" : "store_unavailable");
  return problem(full ? Problem::overloaded : Problem::store_unavailable, st.message(), r);
}

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

}  // namespace

CHO4_HANDLER(webhook) {
  auto started = std::chrono::steady_clock::now();
  std::string instance(m.param("instance"));
  const adapters::Adapter* adapter = s.adapters.find(instance);
  if (!adapter) return problem(Problem::not_found, "no adapter instance of this name", r);
  if (r.body.empty()) {
    s.metrics.record_webhook(instance, "bad_request");
    return problem(Problem::bad_request, "empty body", r);
  }
  auto mt = r.media_type();
  if (!mt.empty() && mt != "application/json" && mt != "text/json" &&
      mt.find("+json") == std::string::npos) {
    s.metrics.record_webhook(instance, "bad_request");
    return problem(Problem::unsupported_media_type, "webhooks are JSON", r);
  }
  if (s.draining.load()) return problem(Problem::shutting_down, "retry later", r);
  auto areq = to_adapter_request(r);
  UnixMs now = s.clock.now_ms();
  auto verified = adapter->authenticate(areq, now);
  if (!verified.ok()) {
    s.metrics.record_webhook(instance, "unauthenticated");
    s.log.warn("webhook unauthenticated",
               {{"request_id", r.request_id},
                {"instance", instance},
                {"reason", std::string(adapters::to_string(verified.error().kind))}});
    return auth_failure(r, verified.error());
  }
  auto credits = adapter->parse(areq, now);
  if (!credits.ok()) {
    ledger::RecordDeadLetter dl;
    dl.adapter_instance = instance;
    dl.reason = adapters::to_string(credits.error());
    dl.body = r.body;
    dl.headers_digest = headers_digest(r);
    dl.received_at_ms = now;
    auto success = from_reply(adapter->success_response({}));
    auto st = s.engine.submit(
        std::move(dl),
        [&s, reply, success, instance, rid = r.request_id,
         reason = adapters::to_string(credits.error())](ledger::CommandResult res) {
          if (!res.status.ok()) {
            s.metrics.record_webhook(instance, "store_unavailable");
            return reply(problem_from_status(res.status, "/v1/webhooks/" + instance));
          }
          s.metrics.record_webhook(instance, "dead_letter");
          s.metrics.dead_letters.fetch_add(1);
          s.log.error("webhook dead-lettered",
                      {{"request_id", rid}, {"instance", instance}, {"reason", reason}});
          reply(success);
        },
        std::move(exec));
    if (!st.ok()) return submit_failure(r, st, s, instance);
    return Deferred{};
  }
  ledger::IngestCredits cmd;
  cmd.credits = *credits;
  cmd.raw_body = r.body;
  cmd.headers_digest = headers_digest(r);
  cmd.adapter_instance = instance;
  cmd.received_at_ms = now;
  auto submitted = std::chrono::steady_clock::now();
  auto st = s.engine.submit(
      std::move(cmd),
      [&s, reply, adapter, instance, credits = std::move(*credits), started, submitted,
       path = r.path](ledger::CommandResult res) {
        if (!res.status.ok()) {
          s.metrics.record_webhook(instance, res.status.code() == StatusCode::resource_exhausted
                                                 ? "overloaded"
                                                 : "store_unavailable");
          return reply(problem_from_status(res.status, path));
        }
        if (auto* ing = std::get_if<ledger::IngestResult>(&res.value))
          for (const auto& c : ing->credits)
            s.metrics.record_webhook(instance, ledger::to_string(c.outcome));
        s.metrics.webhook_latency_seconds().observe(seconds_since(started));
        s.metrics.commit_latency_seconds().observe(seconds_since(submitted));
        reply(from_reply(adapter->success_response(credits)));
      },
      std::move(exec));
  if (!st.ok()) return submit_failure(r, st, s, instance);
  return Deferred{};
}

CHO4_HANDLER(webhook_token) {
  (void)reply, (void)exec;
  std::string instance(m.param("instance"));
  const adapters::Adapter* adapter = s.adapters.find(instance);
  if (!adapter || !adapter->has_token_endpoint())
    return problem(Problem::not_found, "no token endpoint for this instance", r);
  auto res = adapter->handle_token_request(to_adapter_request(r), s.clock.now_ms());
  if (!res.ok()) {
    s.metrics.record_webhook(instance, "token_refused");
    return from_reply(adapter->failure_response(res.error()));
  }
  s.metrics.record_webhook(instance, "token_issued");
  return from_reply(*res);
}

CHO4_HANDLER(list_dead_letters) {
  (void)m, (void)reply, (void)exec;
  TRY(p, authenticate(r, s));
  if (p.role == Role::device) return problem(Problem::forbidden, "managers and admins only", r);
  std::uint64_t after = 0;
  if (auto a = r.query_param("after")) {
    auto n = parse_id(*a);
    if (!n.ok()) return problem(Problem::invalid_field, "after: an id", r);
    after = *n;
  }
  json::array out;
  for (const auto& d : s.engine.dead_letters(after, kPageSizeDefault))
    out.push_back(dead_letter_json(d, p.role == Role::admin));
  return json_response(200, json::object{{"dead_letters", std::move(out)}});
}

CHO4_HANDLER(reprocess_dead_letter) {
  TRY(p, authenticate(r, s));
  if (p.role == Role::device) return problem(Problem::forbidden, "managers and admins only", r);
  TRY(id, id_param(r, m));
  auto dl = s.engine.dead_letter(id);
  if (!dl.ok()) return problem(dl.error(), r);
  if (dl->reprocessed_at_ms != 0)
    return problem(Problem::conflict, "this dead letter was already re-processed", r);
  const adapters::Adapter* adapter = s.adapters.find(dl->adapter_instance);
  if (!adapter)
    return problem(Problem::conflict, "its adapter instance is no longer configured", r);
  adapters::HttpRequest areq;
  areq.method = "POST";
  areq.target = "/v1/webhooks/" + dl->adapter_instance;
  areq.headers.add("Content-Type", "application/json");
  areq.body = dl->body;
  // It was authenticated when it arrived; only parsing is retried (with a fixed adapter).
  auto credits = adapter->parse(areq, dl->received_at_ms);
  if (!credits.ok())
    return problem(Problem::invalid_field,
                   "still unparseable: " + adapters::to_string(credits.error()), r);
  ledger::IngestCredits cmd;
  cmd.credits = *credits;
  cmd.raw_body = dl->body;
  cmd.headers_digest = dl->headers_digest;
  cmd.adapter_instance = dl->adapter_instance;
  cmd.received_at_ms = dl->received_at_ms;
  cmd.reprocessed_dead_letter = dl->id;
  return submit(
      r, s, std::move(cmd), std::move(reply), std::move(exec), [](ledger::CommandResult& res) {
        json::array outcomes;
        if (auto* ing = std::get_if<ledger::IngestResult>(&res.value))
          for (const auto& c : ing->credits)
            outcomes.push_back(json::object{{"credit_id", to_string_id(c.credit_id.value)},
                                            {"outcome", ledger::to_string(c.outcome)}});
        return json_response(200, json::object{{"credits", std::move(outcomes)}});
      });
}

}  // namespace cho4::server::handlers
