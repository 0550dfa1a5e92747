#include "switch/serve_setup.h"

#include <sys/stat.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <future>
#include <sstream>

#include <boost/json.hpp>

#include "core/ids.h"
#include "switch/auth.h"
#include "switch/handlers/common.h"
#include "switch/profiles.h"

namespace cho4::server {
namespace fs = std::filesystem;
namespace json = boost::json;

extern const char kOpenApiJson[];

std::string load_openapi() {
  return kOpenApiJson;
}

ledger::CommandResult run_command(ledger::Engine& engine, ledger::Command cmd) {
  std::promise<ledger::CommandResult> p;
  auto f = p.get_future();
  auto st =
      engine.submit(std::move(cmd), [&p](ledger::CommandResult r) { p.set_value(std::move(r)); });
  if (!st.ok()) return ledger::CommandResult{st, {}};
  return f.get();
}

namespace {

Status write_private(const fs::path& path, const std::string& text) {
  std::string tmp = path.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out) return io_error("cannot write " + tmp);
  }
  ::chmod(tmp.c_str(), 0600);
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) return io_error("cannot write " + path.string() + ": " + ec.message());
  return {};
}

Result<std::string> issue(ledger::Engine& engine, Role role, ledger::TokenScope scope,
                          MarketId market, StallId stall, std::string label) {
  std::string token = new_token(role);
  ledger::DeviceToken t;
  t.hash = hash_token(token);
  t.scope = scope;
  t.market = market;
  t.stall = stall;
  t.label = std::move(label);
  auto r = run_command(engine, ledger::IssueToken{t});
  if (!r.status.ok()) return r.status;
  return token;
}

}  // namespace

Status bootstrap_admin(ledger::Engine& engine, const std::string& data_dir) {
  fs::path path = fs::path(data_dir) / "admin.token";
  if (fs::exists(path)) {
    std::ifstream in(path);
    std::string token;
    std::getline(in, token);
    if (engine.token_by_hash(hash_token(token)).ok()) return {};
    // The file survived but the store was replaced (restored backup): issue a new one.
  }
  auto token = issue(engine, Role::admin, ledger::TokenScope::admin, MarketId{}, StallId{},
                     "bootstrap admin");
  if (!token.ok()) return token.error();
  return write_private(path, *token + "\n");
}

void add_demo_adapters(ServerConfig& config) {
  for (const auto& a : config.adapters)
    if (a.is_object() && a.as_object().if_contains("name") &&
        a.as_object().at("name") == "sepay-demo")
      return;
  config.adapters.push_back(json::object{{"kind", "sepay"},
                                         {"name", "sepay-demo"},
                                         {"auth", "hmac"},
                                         {"secret", kDemoSepaySecret},
                                         {"tolerance_s", 300}});
}

Status ensure_demo(Services& s, const std::string& data_dir) {
  fs::path path = fs::path(data_dir) / "demo.json";
  if (fs::exists(path) && !s.engine.markets().empty()) return {};
  auto market_r = run_command(s.engine, ledger::CreateMarket{"Chợ Bến Thành (demo)"});
  if (!market_r.status.ok()) return market_r.status;
  auto market = std::get<ledger::Market>(market_r.value);
  CHO4_RETURN_IF_ERROR(s.profiles.set_market(market.id.value, MarketProfile{"TP. Hồ Chí Minh"}));
  struct DemoStall {
    const char* number;
    const char* name;
    const char* holder;
    const char* bin;
    const char* account;
  };
  const DemoStall stalls[] = {
      {"A12", "Cô Lan - Rau", "NGUYEN THI LAN", "970436", "0123456789"},
      {"B07", "Chú Tư - Cá", "TRAN VAN TU", "970422", "0987654321"},
      {"C03", "Chị Mai - Trái cây", "LE THI MAI", "970407", "1903456789012"},
  };
  auto manager_or = issue(s.engine, Role::manager, ledger::TokenScope::market_manager, market.id,
                          StallId{}, "demo manager");
  if (!manager_or.ok()) return manager_or.error();
  std::string manager = *manager_or;
  json::array stall_list;
  for (const auto& d : stalls) {
    ledger::CreateStall cmd;
    cmd.market = market.id;
    cmd.name = d.name;
    cmd.bank_bin = d.bin;
    cmd.account = d.account;
    auto r = run_command(s.engine, cmd);
    if (!r.status.ok()) return r.status;
    auto st = std::get<ledger::Stall>(r.value);
    CHO4_RETURN_IF_ERROR(s.profiles.set_stall(st.id.value, StallProfile{d.number, d.holder}));
    auto device = issue(s.engine, Role::device, ledger::TokenScope::stall_device, market.id, st.id,
                        std::string("demo device ") + d.number);
    if (!device.ok()) return device.error();
    stall_list.push_back(json::object{{"id", to_string_id(st.id.value)},
                                      {"number", d.number},
                                      {"name", d.name},
                                      {"bank_bin", d.bin},
                                      {"account", d.account},
                                      {"device_token", *device}});
  }
  std::ifstream admin_in(fs::path(data_dir) / "admin.token");
  std::string admin;
  std::getline(admin_in, admin);
  json::object demo{{"base_url", ""},
                    {"admin_token", admin},
                    {"manager_token", manager},
                    {"market_id", to_string_id(market.id.value)},
                    {"stalls", std::move(stall_list)},
                    {"adapters", json::array{json::object{{"name", "sepay-demo"},
                                                          {"kind", "sepay"},
                                                          {"auth", "hmac"},
                                                          {"secret", kDemoSepaySecret}}}}};
  return write_private(path, json::serialize(demo));
}

void print_demo(const std::string& base_url, const std::string& data_dir) {
  fs::path path = fs::path(data_dir) / "demo.json";
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  boost::system::error_code ec;
  auto v = json::parse(ss.str(), ec);
  if (ec || !v.is_object()) return;
  v.as_object()["base_url"] = base_url;
  write_private(path, json::serialize(v)).permit_unchecked();
  const auto& o = v.as_object();
  std::printf("demo: market %s, tokens and the SePay demo secret in %s\n",
              std::string(o.at("market_id").as_string()).c_str(), path.string().c_str());
  for (const auto& st : o.at("stalls").as_array()) {
    const auto& so = st.as_object();
    std::string id(so.at("id").as_string());
    std::printf("  stall %s %s: %s/v1/stalls/%s/qr.png  events: %s/v1/stalls/%s/events\n",
                std::string(so.at("number").as_string()).c_str(),
                std::string(so.at("name").as_string()).c_str(), base_url.c_str(), id.c_str(),
                base_url.c_str(), id.c_str());
  }
  std::printf("  webhook: POST %s/v1/webhooks/sepay-demo (SePay HMAC)\n", base_url.c_str());
}

}  // namespace cho4::server
