// A real object graph for handler tests: a ledger engine in a temporary directory, the adapters
// registry with a SePay HMAC instance, auth, hub, metrics and the Api — everything `cho4 serve`
// builds, minus the sockets. call() runs one request to completion.
#pragma once

#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <future>
#include <random>
#include <string>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "adapters/registry.h"
#include "adapters/signing.h"
#include "ledger/engine.h"
#include "switch/api.h"
#include "switch/auth.h"
#include "switch/logger.h"
#include "switch/metrics.h"
#include "switch/notify_hub.h"
#include "switch/profiles.h"
#include "switch/serve_setup.h"
#include "switch/services.h"

namespace cho4::server::testing {

inline constexpr char kSepaySecret[] = "test-sepay-secret-0123456789";
// 2024-10-03 08:00:00 UTC: inside Vietnam's business day of 2024-10-03.
inline constexpr UnixMs kStartMs = 1'727'942'400'000;

inline boost::json::object sepay_config() {
  return {{"kind", "sepay"},
          {"name", "sepay-test"},
          {"auth", "hmac"},
          {"secret", kSepaySecret},
          {"tolerance_s", 300}};
}

// A sink that records what the hub hands it.
struct RecordingSink : DeviceSink {
  std::mutex mu;
  std::vector<std::shared_ptr<const HubEvent>> events;
  void push(std::shared_ptr<const HubEvent> e) override {
    std::lock_guard lock(mu);
    events.push_back(std::move(e));
  }
  std::size_t size() {
    std::lock_guard lock(mu);
    return events.size();
  }
};

class Harness {
 public:
  explicit Harness(std::size_t queue_capacity = 1024) : clock_(kStartMs), log_(clock_, devnull()) {
    static std::atomic<int> n{0};
    dir_ = std::filesystem::temp_directory_path() /
           ("cho4-switch-test-" + std::to_string(::getpid()) + "-" + std::to_string(n++));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    ledger::Options o;
    o.path = (dir_ / "ledger").string();
    o.clock = &clock_;
    o.queue_capacity = queue_capacity;
    auto e = ledger::Engine::open(o);
    EXPECT_TRUE(e.ok()) << (e.ok() ? "" : e.error().to_string());
    engine_ = std::move(*e);
    engine_->set_on_commit([this](std::span<const ledger::OutboxEvent> ev) { hub_.publish(ev); });
    registry_ = std::make_unique<adapters::Registry>(
        [](std::string_view) -> std::optional<std::string> { return std::nullopt; });
    EXPECT_TRUE(registry_->add_instance(sepay_config()).ok());
    profiles_ = std::move(*Profiles::open((dir_ / "profiles.json").string()));
    auth_ = std::make_unique<Auth>(*engine_, clock_, "test-ticket-key");
    services_.reset(new Services{config_, clock_, *engine_, *registry_, *auth_, hub_, metrics_,
                                 *profiles_, log_, load_openapi()});
    api_ = std::make_unique<Api>(*services_);
    EXPECT_TRUE(bootstrap_admin(*engine_, dir_.string()).ok());
    std::ifstream in(dir_ / "admin.token");
    std::getline(in, admin_);
    auto signer = adapters::make_builtin_signer(
        sepay_config(),
        [](std::string_view) -> std::optional<std::string> { return std::nullopt; });
    EXPECT_TRUE(signer.ok());
    signer_ = std::move(*signer);
  }
  ~Harness() {
    api_.reset();
    engine_.reset();
    std::filesystem::remove_all(dir_);
    ::close(log_fd_);
  }

  struct Reply {
    int status = 0;
    boost::json::value json;
    Response raw;
    std::optional<StreamGrant> grant;
  };

  Reply call(std::string method, std::string target, std::string body = {}, std::string token = {},
             std::vector<std::pair<std::string, std::string>> headers = {}) {
    Request r;
    r.method = std::move(method);
    r.target = target;
    auto t = parse_target(target);
    EXPECT_TRUE(t);
    r.path = t->path;
    r.query = t->query;
    if (!body.empty()) r.headers.add("Content-Type", "application/json");
    if (!token.empty()) r.headers.add("Authorization", "Bearer " + token);
    for (auto& [k, v] : headers) r.headers.add(k, v);
    r.body = std::move(body);
    r.request_id = "t";
    return run(r);
  }

  Reply run(const Request& r) {
    std::promise<Response> p;
    auto f = p.get_future();
    auto d = api_->handle(
        r, [&p](Response res) { p.set_value(std::move(res)); },
        [](std::function<void()> fn) { fn(); });
    Reply out;
    if (auto* g = std::get_if<StreamGrant>(&d)) {
      out.status = 101;
      out.grant = *g;
      return out;
    }
    if (auto* res = std::get_if<Response>(&d))
      out.raw = std::move(*res);
    else
      out.raw = f.get();
    out.status = out.raw.status;
    boost::system::error_code ec;
    out.json = boost::json::parse(out.raw.body, ec);
    return out;
  }

  // A signed SePay webhook for one credit into `account`.
  Reply sepay(std::uint64_t txn_id, std::int64_t amount, std::string account, std::string content,
              std::string_view secret_override = {}) {
    BankCredit c;
    c.adapter_instance = "sepay-test";
    c.provider_txn_id = std::to_string(txn_id);
    c.bank_reference = "FT" + std::to_string(txn_id);
    c.bank = "Vietcombank";
    c.account = std::move(account);
    c.amount = Money::vnd(amount);
    c.description = std::move(content);
    c.occurred_at_ms = clock_.now_ms() - 1000;
    c.verified = VerifiedScheme::hmac_sha256;
    auto req = signer_->sign(std::span<const BankCredit>(&c, 1), clock_.now_ms());
    EXPECT_TRUE(req.ok());
    Request r;
    r.method = "POST";
    r.target = req->target;
    r.path = req->target;
    for (auto& [k, v] : req->headers.fields()) {
      if (!secret_override.empty() && iequals(k, "X-SePay-Signature"))
        r.headers.add(k, std::string(secret_override));
      else
        r.headers.add(k, v);
    }
    if (!r.header("Content-Type")) r.headers.add("Content-Type", "application/json");
    r.body = req->body;
    return run(r);
  }

  // Creates a market, a stall (VCB account) and a device token; returns ids and tokens.
  struct StallSetup {
    std::string market_id, stall_id, manager, device;
    std::string account;
  };
  StallSetup make_stall(std::string account = "0123456789") {
    StallSetup s;
    s.account = account;
    auto m = call("POST", "/v1/markets", R"({"name":"Chợ Test","city":"Huế"})", admin_);
    EXPECT_EQ(m.status, 201) << m.raw.body;
    s.market_id = std::string(m.json.at("id").as_string());
    auto mt = call("POST", "/v1/markets/" + s.market_id + "/manager-tokens", "{}", admin_);
    EXPECT_EQ(mt.status, 201) << mt.raw.body;
    s.manager = std::string(mt.json.at("token").as_string());
    auto st = call(
        "POST", "/v1/markets/" + s.market_id + "/stalls",
        R"({"number":"A12","name":"Cô Lan - Rau","holder_name":"Nguyễn Thị Lan","bank":"970436","account":")" +
            account + R"("})",
        s.manager);
    EXPECT_EQ(st.status, 201) << st.raw.body;
    s.stall_id = std::string(st.json.at("id").as_string());
    auto dt = call("POST", "/v1/stalls/" + s.stall_id + "/device-tokens", R"({"label":"phone"})",
                   s.manager);
    EXPECT_EQ(dt.status, 201) << dt.raw.body;
    s.device = std::string(dt.json.at("token").as_string());
    return s;
  }

  ManualClock& clock() { return clock_; }
  ledger::Engine& engine() { return *engine_; }
  NotifyHub& hub() { return hub_; }
  Metrics& metrics() { return metrics_; }
  Api& api() { return *api_; }
  const std::string& admin() const { return admin_; }

 private:
  int devnull() {
    log_fd_ = ::open("/dev/null", O_WRONLY);
    return log_fd_;
  }
  std::filesystem::path dir_;
  ManualClock clock_;
  int log_fd_ = -1;
  Logger log_;
  ServerConfig config_;
  Metrics metrics_;
  NotifyHub hub_{&metrics_};
  std::unique_ptr<ledger::Engine> engine_;
  std::unique_ptr<adapters::Registry> registry_;
  std::unique_ptr<Profiles> profiles_;
  std::unique_ptr<Auth> auth_;
  std::unique_ptr<Services> services_;
  std::unique_ptr<Api> api_;
  std::unique_ptr<adapters::Signer> signer_;
  std::string admin_;
};

}  // namespace cho4::server::testing
