// cho4-sim: the market-day load simulator. Parses the command line, runs the simulation
// (simulators/runner.h) and exits 0 when the verdict passes, 1 when it lists discrepancies,
// 2 on a usage error and 3 when the run could not happen. See docs/simulator.md.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "simulators/runner.h"

namespace {

using namespace cho4::sim;

constexpr int kExitPass = 0;
constexpr int kExitFail = 1;
constexpr int kExitUsage = 2;
constexpr int kExitInternal = 3;

constexpr const char* kUsage = R"(usage: cho4-sim [options]

Drives a cho4 server with a seeded, open-loop market day (webhooks of every adapter kind, faults,
WebSocket and SSE devices), then checks everything it sent against what the server stored.

server (one of):
  --server-bin PATH      start `PATH serve` on 127.0.0.1 (ephemeral port) with a generated config
  --data DIR             its data folder (created; reused by --kill-every restarts)
  --threads N            the server's I/O threads
  --url URL              attach to a running server (http://127.0.0.1:8080) instead
  --admin-token TOKEN    admin token of that server (or env CHO4_ADMIN_TOKEN)

scenario:
  --seed N               replay a scenario (default: a fresh seed, printed)
  --rate R               payments per second (default 100)
  --arrival KIND         poisson (default) or constant
  --duration D           e.g. 30s, 2m, 500ms (default 30s)
  --markets N            markets (default 2)
  --stalls N             stalls per market (default 20)
  --devices N            devices per stall (default 2; WebSocket and SSE alternate)
  --customers N          customers (default 200)
  --dynamic-share F      share of payments to dynamic orders (default 0.3)
  --png-share F          share of orders whose PNG is fetched and decoded (default 0.05)
  --order-lifetime D     the server's order lifetime (default 5s, written to its config)
  --faults SPEC          all (default), none, or name=rate,… of: duplicate delay ack_lost
                         bad_signature mangled underpay overpay pay_twice unknown_account
                         after_expiry two_instances device_drop
  --kill-every D         SIGKILL the server every D and restart it on the same data

sending:
  --retry-minute D       SePay's retry schedule with one minute compressed to D (default 250ms)
  --request-timeout D    a webhook attempt without an answer by then is retried (default 5s)
  --connections N        most HTTP connections to the server (default 256)

output:
  --report FILE          write the text report
  --html FILE            write the HTML report with SVG charts
  --json FILE            headline figures and per-second series as JSON (bench/run reads it)
  --no-ledger-check      skip `cho4 ledger check --data DIR` after the run
  --quiet                no live progress line
  --plan                 print the scenario's summary and fingerprint, and exit
)";

bool parse_duration_ms(std::string_view s, std::int64_t& out) {
  std::size_t i = 0;
  while (i < s.size() && ((s[i] >= '0' && s[i] <= '9') || s[i] == '.')) ++i;
  if (i == 0) return false;
  const double v = std::strtod(std::string(s.substr(0, i)).c_str(), nullptr);
  const auto unit = s.substr(i);
  double ms;
  if (unit.empty() || unit == "s")
    ms = v * 1000;
  else if (unit == "ms")
    ms = v;
  else if (unit == "m" || unit == "min")
    ms = v * 60'000;
  else if (unit == "h")
    ms = v * 3'600'000;
  else
    return false;
  if (ms < 0 || ms > 86'400'000.0) return false;
  out = std::int64_t(ms);
  return true;
}

bool parse_number(std::string_view s, double& out) {
  if (s.empty()) return false;
  char* end = nullptr;
  const std::string t(s);
  out = std::strtod(t.c_str(), &end);
  return end == t.c_str() + t.size();
}

bool parse_faults(std::string_view spec, FaultRates& f) {
  if (spec == "all") {
    f = FaultRates::all_faults();
    return true;
  }
  if (spec == "none") {
    f = FaultRates::none();
    return true;
  }
  f = FaultRates::none();
  while (!spec.empty()) {
    auto comma = spec.find(',');
    auto item = spec.substr(0, comma);
    spec = comma == std::string_view::npos ? std::string_view() : spec.substr(comma + 1);
    auto eq = item.find('=');
    if (eq == std::string_view::npos) return false;
    auto name = item.substr(0, eq);
    double v;
    if (!parse_number(item.substr(eq + 1), v)) return false;
    if (name == "duplicate")
      f.duplicate = v;
    else if (name == "delay")
      f.delay = v;
    else if (name == "ack_lost")
      f.ack_lost = v;
    else if (name == "bad_signature")
      f.bad_signature = v;
    else if (name == "mangled")
      f.mangled_description = v;
    else if (name == "underpay")
      f.underpay = v;
    else if (name == "overpay")
      f.overpay = v;
    else if (name == "pay_twice")
      f.pay_twice = v;
    else if (name == "unknown_account")
      f.unknown_account = v;
    else if (name == "after_expiry")
      f.after_expiry = v;
    else if (name == "two_instances")
      f.two_instances = v;
    else if (name == "device_drop")
      f.device_drop = v;
    else
      return false;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  RunOptions opt;
  opt.seed =
      std::uint64_t(std::chrono::system_clock::now().time_since_epoch().count()) % 1'000'000'007;
  opt.scenario.order_lifetime_ms = 5'000;
  opt.scenario.faults = FaultRates::all_faults();
  opt.progress = true;
  if (const char* t = std::getenv("CHO4_ADMIN_TOKEN")) opt.admin_token = t;
  bool plan_only = false;
  for (int i = 0; i < argc; ++i) {
    if (i) opt.command_line += ' ';
    opt.command_line += argv[i];
  }

  std::vector<std::string_view> args(argv + 1, argv + argc);
  auto usage_error = [](const std::string& msg) {
    std::fprintf(stderr, "cho4-sim: %s\n(cho4-sim --help lists the options)\n", msg.c_str());
    return kExitUsage;
  };
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string_view a = args[i];
    auto value = [&](std::string_view& out) {
      if (i + 1 >= args.size()) return false;
      out = args[++i];
      return true;
    };
    std::string_view v;
    double d = 0;
    std::int64_t ms = 0;
    if (a == "--help" || a == "-h") {
      std::fputs(kUsage, stdout);
      return kExitPass;
    } else if (a == "--quiet") {
      opt.progress = false;
    } else if (a == "--plan") {
      plan_only = true;
    } else if (a == "--no-ledger-check") {
      opt.ledger_check = false;
    } else if (!value(v)) {
      return usage_error("unknown option or missing value: " + std::string(a));
    } else if (a == "--server-bin") {
      opt.server_bin = v;
    } else if (a == "--data") {
      opt.data_dir = v;
    } else if (a == "--url") {
      opt.url = v;
    } else if (a == "--admin-token") {
      opt.admin_token = v;
    } else if (a == "--report") {
      opt.report_text_path = v;
    } else if (a == "--html") {
      opt.report_html_path = v;
    } else if (a == "--json") {
      opt.summary_json_path = v;
    } else if (a == "--faults") {
      if (!parse_faults(v, opt.scenario.faults))
        return usage_error("bad --faults: " + std::string(v));
    } else if (a == "--arrival") {
      if (v == "poisson")
        opt.scenario.arrival = Arrival::poisson;
      else if (v == "constant")
        opt.scenario.arrival = Arrival::constant;
      else
        return usage_error("--arrival is poisson or constant");
    } else if (a == "--duration" || a == "--order-lifetime" || a == "--kill-every" ||
               a == "--retry-minute" || a == "--request-timeout") {
      if (!parse_duration_ms(v, ms)) return usage_error("bad duration for " + std::string(a));
      if (a == "--duration")
        opt.scenario.duration_ms = ms;
      else if (a == "--order-lifetime")
        opt.scenario.order_lifetime_ms = ms;
      else if (a == "--kill-every")
        opt.kill_every_ms = ms;
      else if (a == "--retry-minute")
        opt.retry_minute_ms = ms;
      else
        opt.request_timeout_ms = ms;
    } else if (!parse_number(v, d) || d < 0) {
      return usage_error("bad number for " + std::string(a));
    } else if (a == "--seed") {
      opt.seed = std::uint64_t(d);
    } else if (a == "--rate") {
      opt.scenario.rate_per_s = d;
    } else if (a == "--markets") {
      opt.world.markets = std::uint32_t(d);
    } else if (a == "--stalls") {
      opt.world.stalls_per_market = std::uint32_t(d);
    } else if (a == "--devices") {
      opt.world.devices_per_stall = std::uint32_t(d);
    } else if (a == "--customers") {
      opt.world.customers = std::uint32_t(d);
    } else if (a == "--dynamic-share") {
      opt.scenario.dynamic_share = d;
    } else if (a == "--png-share") {
      opt.scenario.png_decode_share = d;
    } else if (a == "--threads") {
      opt.server_threads = int(d);
    } else if (a == "--connections") {
      opt.connections_max = std::size_t(d);
    } else {
      return usage_error("unknown option " + std::string(a));
    }
  }
  if (opt.connections_max == 0) return usage_error("--connections must be at least 1");

  if (plan_only) {
    auto world = build_world(opt.world, opt.seed);
    if (!world.ok()) return usage_error(world.error().message());
    auto sc = generate_scenario(*world, opt.scenario, opt.seed);
    if (!sc.ok()) return usage_error(sc.error().message());
    std::printf("seed %llu fingerprint %016llx payments %zu stalls %zu devices %llu\n",
                static_cast<unsigned long long>(opt.seed),
                static_cast<unsigned long long>(fingerprint(*sc)), sc->payments.size(),
                world->stalls.size(), static_cast<unsigned long long>(device_count(*world)));
    for (auto k : {PaymentKind::static_qr, PaymentKind::order_exact, PaymentKind::order_under,
                   PaymentKind::order_over, PaymentKind::order_twice, PaymentKind::order_late,
                   PaymentKind::unknown_account})
      std::printf("  %-16s %llu\n", std::string(to_string(k)).c_str(),
                  static_cast<unsigned long long>(sc->count(k)));
    return kExitPass;
  }

  auto r = run_simulation(opt);
  if (!r.ok()) {
    std::fprintf(stderr, "cho4-sim: the run could not happen: %s\n(seed %llu)\n",
                 r.error().to_string().c_str(), static_cast<unsigned long long>(opt.seed));
    return r.error().code() == cho4::StatusCode::invalid_argument ? kExitUsage : kExitInternal;
  }
  std::fputs(r->text.c_str(), stdout);
  return r->verdict.passed() ? kExitPass : kExitFail;
}
