// Fuzz target: the HTTP request path without sockets — target parsing, the router and every pure
// handler (switch/api.h) over a real object graph: a ledger engine in a scratch folder, the
// adapters registry with a SePay HMAC instance, auth, notify hub, metrics, profiles.
//
// Input: "METHOD TARGET\n<header lines>\n--\n<body>". So that the fuzzer reaches the handlers
// behind authentication, the template variables $ADMIN $MANAGER $DEVICE (tokens), $MARKET $STALL
// $ORDER (ids of a market set up at start) and, in headers, $TS and $SIG (a valid SePay timestamp
// and HMAC over the body) are replaced before the request is handled.
//
// The admin backup route is left out: it writes wherever its body points.
//
// Properties: no request is answered 500 (an internal error is a bug; store trouble is 503);
// every status is a real HTTP status; every problem body is JSON with the documented `type`
// prefix; a Deferred decision is answered exactly once.
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <future>
#include <memory>
#include <string>

#include <boost/json.hpp>

#include "adapters/hmac.h"
#include "adapters/registry.h"
#include "fuzz/fuzz_check.h"
#include "ledger/engine.h"
#include "switch/api.h"
#include "switch/auth.h"
#include "switch/logger.h"
#include "switch/metrics.h"
#include "switch/notify_hub.h"
#include "switch/problem.h"
#include "switch/profiles.h"
#include "switch/serve_setup.h"
#include "switch/services.h"

namespace {

using namespace cho4;
using namespace cho4::server;

constexpr char kSepaySecret[] = "fuzz-sepay-secret-0123456789";
constexpr UnixMs kStartMs = 1'727'942'400'000;  // 2024-10-03 08:00 UTC

boost::json::object sepay_config() {
  return {{"kind", "sepay"},
          {"name", "sepay-fuzz"},
          {"auth", "hmac"},
          {"secret", kSepaySecret},
          {"tolerance_s", 300}};
}

struct Graph {
  std::filesystem::path dir;
  ManualClock clock{kStartMs};
  int log_fd = ::open("/dev/null", O_WRONLY);
  Logger log{clock, log_fd};
  ServerConfig config;
  Metrics metrics;
  NotifyHub hub{&metrics};
  std::unique_ptr<ledger::Engine> engine;
  std::unique_ptr<adapters::Registry> registry;
  std::unique_ptr<Profiles> profiles;
  std::unique_ptr<Auth> auth;
  std::unique_ptr<Services> services;
  std::unique_ptr<Api> api;
  std::string admin, manager, device, market, stall, order;

  Graph() {
    // /dev/shm when present: the ledger syncs every batch, and the fuzzer is not testing disks.
    const std::filesystem::path base =
        std::filesystem::exists("/dev/shm") ? "/dev/shm" : std::filesystem::temp_directory_path();
    dir = base / ("cho4-fuzz-http-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    ledger::Options o;
    o.path = (dir / "ledger").string();
    o.clock = &clock;
    auto e = ledger::Engine::open(o);
    FUZZ_CHECK(e.ok(), "the ledger does not open");
    engine = std::move(*e);
    engine->set_on_commit([this](std::span<const ledger::OutboxEvent> ev) { hub.publish(ev); });
    registry = std::make_unique<adapters::Registry>(
        [](std::string_view) -> std::optional<std::string> { return std::nullopt; });
    FUZZ_CHECK(registry->add_instance(sepay_config()).ok(), "the SePay instance is refused");
    auto p = Profiles::open((dir / "profiles.json").string());
    FUZZ_CHECK(p.ok(), "profiles do not open");
    profiles = std::move(*p);
    auth = std::make_unique<Auth>(*engine, clock, "fuzz-ticket-key");
    services.reset(new Services{config, clock, *engine, *registry, *auth, hub, metrics, *profiles,
                                log, load_openapi()});
    api = std::make_unique<Api>(*services);
    FUZZ_CHECK(bootstrap_admin(*engine, dir.string()).ok(), "admin bootstrap fails");
    std::ifstream in(dir / "admin.token");
    std::getline(in, admin);
    market = field(call("POST", "/v1/markets", R"({"name":"Chợ Fuzz","city":"Huế"})", admin), "id");
    manager =
        field(call("POST", "/v1/markets/" + market + "/manager-tokens", "{}", admin), "token");
    stall = field(call("POST", "/v1/markets/" + market + "/stalls",
                       R"({"number":"A1","name":"Cô Lan","holder_name":"NGUYEN THI LAN",)"
                       R"("bank":"970436","account":"0123456789"})",
                       manager),
                  "id");
    device =
        field(call("POST", "/v1/stalls/" + stall + "/device-tokens", R"({"label":"p"})", manager),
              "token");
    order = field(
        call("POST", "/v1/stalls/" + stall + "/orders", R"({"amount_vnd":60000})", device), "id");
    FUZZ_CHECK(!device.empty() && !order.empty(), "the fuzz market could not be set up");
  }
  ~Graph() {
    api.reset();
    engine.reset();
    std::filesystem::remove_all(dir);
  }

  static std::string field(const Response& r, const char* key) {
    boost::system::error_code ec;
    auto v = boost::json::parse(r.body, ec);
    if (ec || !v.is_object() || !v.as_object().contains(key)) return "";
    const auto& f = v.as_object().at(key);
    if (f.is_string()) return std::string(f.as_string());
    if (f.is_int64()) return std::to_string(f.as_int64());
    return "";
  }

  Response call(std::string method, const std::string& target, std::string body,
                const std::string& token) {
    Request r;
    r.method = std::move(method);
    r.target = target;
    auto t = parse_target(target);
    r.path = t->path;
    r.query = t->query;
    r.headers.add("Content-Type", "application/json");
    r.headers.add("Authorization", "Bearer " + token);
    r.body = std::move(body);
    return run(r);
  }

  Response run(const Request& r) {
    auto promise = std::make_shared<std::promise<Response>>();
    auto answers = std::make_shared<std::atomic<int>>(0);
    auto decision = api->handle(
        r,
        [promise, answers](Response res) {
          FUZZ_CHECK(answers->fetch_add(1) == 0, "a deferred request answered twice");
          promise->set_value(std::move(res));
        },
        [](std::function<void()> fn) { fn(); });
    if (auto* res = std::get_if<Response>(&decision)) return *res;
    if (std::get_if<StreamGrant>(&decision)) {
      Response granted;
      granted.status = 101;
      return granted;
    }
    auto future = promise->get_future();
    FUZZ_CHECK(future.wait_for(std::chrono::seconds(30)) == std::future_status::ready,
               "a deferred request was never answered");
    return future.get();
  }
};

Graph& graph() {
  static Graph g;
  return g;
}

void replace_all(std::string& s, std::string_view from, const std::string& to) {
  for (std::size_t at = 0; (at = s.find(from, at)) != std::string::npos; at += to.size())
    s.replace(at, from.size(), to);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Graph& g = graph();
  fuzz::Fields fields(data, size);
  std::string head(fields.next());
  std::string body(fields.rest());
  for (std::string* s : {&head, &body}) {
    replace_all(*s, "$ADMIN", g.admin);
    replace_all(*s, "$MANAGER", g.manager);
    replace_all(*s, "$DEVICE", g.device);
    replace_all(*s, "$MARKET", g.market);
    replace_all(*s, "$STALL", g.stall);
    replace_all(*s, "$ORDER", g.order);
  }
  const std::string ts = std::to_string(g.clock.now_ms() / 1000);
  replace_all(head, "$TS", ts);
  replace_all(
      head, "$SIG",
      "sha256=" +
          adapters::hex_lower(
              adapters::hmac(adapters::HashAlg::sha256, kSepaySecret, ts + "." + body).view()));

  // "METHOD TARGET" then header lines.
  const std::size_t eol = std::min(head.find('\n'), head.size());
  const std::string line = head.substr(0, eol);
  const std::size_t space = line.find(' ');
  if (space == std::string::npos) return 0;
  Request r;
  r.method = line.substr(0, space);
  r.target = line.substr(space + 1);
  auto target = parse_target(r.target);
  if (!target) return 0;  // the session answers 400 before the Api sees it
  // A backup writes a RocksDB checkpoint wherever "to" names: not something to let a fuzzer aim
  // at the machine's folders (tests/secrets covers the route).
  if (target->path.find("/admin/") != std::string::npos) return 0;
  r.path = target->path;
  r.query = target->query;
  std::size_t pos = eol + 1;
  while (pos < head.size()) {
    std::size_t end = std::min(head.find('\n', pos), head.size());
    const std::string h = head.substr(pos, end - pos);
    if (const auto colon = h.find(':'); colon != std::string::npos) {
      std::size_t v = colon + 1;
      while (v < h.size() && h[v] == ' ') ++v;
      r.headers.add(h.substr(0, colon), h.substr(v));
    }
    pos = end + 1;
  }
  if (body.size() > g.api->body_limit(r.method, r.path)) return 0;  // the session answers 413
  r.body = std::move(body);
  r.request_id = "fuzz";

  const Response res = g.run(r);
  FUZZ_CHECK(res.status >= 100 && res.status <= 599, "not an HTTP status");
  if (res.status == 500) {
    std::fprintf(stderr, "500 for %s %s: %s\n", r.method.c_str(), r.target.c_str(),
                 res.body.c_str());
  }
  FUZZ_CHECK(res.status != 500, "an internal error (500) for a client's request");
  if (res.content_type.find("problem+json") != std::string::npos) {
    boost::system::error_code ec;
    auto v = boost::json::parse(res.body, ec);
    FUZZ_CHECK(!ec && v.is_object(), "a problem body that is not a JSON object");
    const auto* type = v.as_object().if_contains("type");
    FUZZ_CHECK(type && type->is_string() &&
                   std::string_view(type->as_string()).starts_with(kProblemTypeBase),
               "a problem without its type");
  }
  // Time moves a little, so that orders expire and replay windows move during a long run.
  g.clock.advance_ms(250);
  return 0;
}
