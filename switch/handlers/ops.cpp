// Operations: liveness, readiness, Prometheus metrics, the OpenAPI document.
#include "ledger/engine.h"
#include "switch/handlers/handlers.h"
#include "switch/metrics.h"

namespace cho4::server::handlers {

CHO4_HANDLER(healthz) {
  (void)m, (void)s, (void)reply, (void)exec, (void)r;
  return Response::json(200, R"({"status":"ok"})");
}

CHO4_HANDLER(readyz) {
  (void)m, (void)reply, (void)exec;
  auto stats = s.engine.stats();
  auto cap = s.config.limits.engine_queue_capacity;
  if (s.draining.load()) return problem(Problem::shutting_down, "draining", r);
  if (!s.engine.healthy())
    return problem(Problem::store_unavailable, s.engine.health().message(), r);
  // Saturated: above 90 % of the queue the next burst would be refused.
  if (stats.queue_depth * 10 >= cap * 9)
    return problem(Problem::overloaded, "ledger queue saturated", r);
  json::object o{{"status", "ready"}, {"queue_depth", stats.queue_depth}, {"queue_capacity", cap}};
  return json_response(200, o);
}

CHO4_HANDLER(metrics) {
  (void)m, (void)reply, (void)exec, (void)r;
  auto stats = s.engine.stats();
  Metrics::Sampled sampled;
  sampled.queue_depth = static_cast<std::int64_t>(stats.queue_depth);
  sampled.queue_capacity = static_cast<std::int64_t>(s.config.limits.engine_queue_capacity);
  sampled.store_healthy = s.engine.healthy();
  s.metrics.connections.store(static_cast<std::int64_t>(s.connections()));
  std::string text = s.metrics.render(sampled);
  text +=
      "# HELP cho4_ledger_batches_total Durable ledger batches.\n# TYPE cho4_ledger_batches_total "
      "counter\n";
  text += "cho4_ledger_batches_total " + std::to_string(stats.batches) + "\n";
  text +=
      "# HELP cho4_ledger_commands_total Commands committed (commands / batches = mean batch "
      "size).\n# TYPE cho4_ledger_commands_total counter\n";
  text += "cho4_ledger_commands_total " + std::to_string(stats.commands) + "\n";
  text +=
      "# HELP cho4_ledger_credits_total Credits recorded.\n# TYPE cho4_ledger_credits_total "
      "counter\n";
  text += "cho4_ledger_credits_total " + std::to_string(stats.credits) + "\n";
  text +=
      "# HELP cho4_ledger_rejected_full_total Commands refused on a full queue.\n# TYPE "
      "cho4_ledger_rejected_full_total counter\n";
  text += "cho4_ledger_rejected_full_total " + std::to_string(stats.rejected_full) + "\n";
  return Response::text(200, std::move(text), "text/plain; version=0.0.4; charset=utf-8");
}

CHO4_HANDLER(openapi) {
  (void)m, (void)reply, (void)exec, (void)r;
  return Response::json(200, s.openapi_json);
}

}  // namespace cho4::server::handlers
