// The hardening suites' market scenario (scenario.h).
#include "tests/hostile/scenario.h"

#include <boost/json.hpp>

#include <chrono>
#include <cstdio>

namespace cho4::hostile {
namespace {

std::string field(const HttpResponse& r, const char* key) {
  boost::system::error_code ec;
  const auto v = boost::json::parse(r.body, ec);
  if (ec || !v.is_object()) return "";
  const auto* f = v.as_object().if_contains(key);
  if (!f) return "";
  if (f->is_string()) return std::string(f->as_string());
  if (f->is_int64()) return std::to_string(f->as_int64());
  if (f->is_uint64()) return std::to_string(f->as_uint64());
  return "";
}

Headers bearer_json(const std::string& token) {
  return {{"Authorization", "Bearer " + token}, {"Content-Type", "application/json"}};
}

std::string describe(const char* step, const HttpResponse& r) {
  return std::string(step) + " answered " + std::to_string(r.status) + ": " + r.body.substr(0, 400);
}

}  // namespace

long long unix_now_s() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

ScenarioSecrets::ScenarioSecrets() {
  stdwh_secret = "whsec_" + base64_encode("hostile-standard-webhooks-secret-5e8a");
}

std::vector<std::string> ScenarioSecrets::all() const {
  return {sepay_hmac,      sepay_apikey,   sepay_oauth_client_secret,
          payos_checksum,  casso_v1_token, casso_v2_key,
          vietqr_password, stdwh_secret,   stdwh_secret.substr(6)};
}

ServerProcess::Options scenario_server_options(const ScenarioSecrets& secrets) {
  ServerProcess::Options o;
  // One instance of every built-in kind (docs/adapters.md); secrets come from the environment.
  o.config_json = R"({
    "adapters": [
      {"kind": "sepay", "name": "sepay", "auth": "hmac", "secret_env": "HOSTILE_SEPAY_HMAC",
       "tolerance_s": 300},
      {"kind": "sepay", "name": "sepay-apikey", "auth": "apikey",
       "api_key_env": "HOSTILE_SEPAY_APIKEY"},
      {"kind": "sepay", "name": "sepay-oauth", "auth": "oauth2", "client_id": "hostile-client",
       "client_secret_env": "HOSTILE_SEPAY_OAUTH"},
      {"kind": "payos", "name": "payos", "checksum_key_env": "HOSTILE_PAYOS"},
      {"kind": "casso", "name": "casso1", "version": 1, "secure_token_env": "HOSTILE_CASSO1"},
      {"kind": "casso", "name": "casso2", "version": 2, "secret_env": "HOSTILE_CASSO2",
       "tolerance_s": 300},
      {"kind": "vietqr", "name": "vietqr", "username": "hostile",
       "password_env": "HOSTILE_VIETQR"},
      {"kind": "standard_webhooks", "name": "stdwh", "secret_env": "HOSTILE_STDWH",
       "tolerance_s": 300}
    ]
  })";
  o.env = {{"HOSTILE_SEPAY_HMAC", secrets.sepay_hmac},
           {"HOSTILE_SEPAY_APIKEY", secrets.sepay_apikey},
           {"HOSTILE_SEPAY_OAUTH", secrets.sepay_oauth_client_secret},
           {"HOSTILE_PAYOS", secrets.payos_checksum},
           {"HOSTILE_CASSO1", secrets.casso_v1_token},
           {"HOSTILE_CASSO2", secrets.casso_v2_key},
           {"HOSTILE_VIETQR", secrets.vietqr_password},
           {"HOSTILE_STDWH", secrets.stdwh_secret}};
  return o;
}

std::vector<std::string> Scenario::tokens() const {
  return {admin, manager, manager_other, device, device_other, device_revoked};
}

SignedWebhook sepay_webhook(const ScenarioSecrets& secrets, long long id, long long amount_vnd,
                            const std::string& account, const std::string& content, long long ts) {
  SignedWebhook w;
  w.target = "/v1/webhooks/sepay";
  boost::json::object o{{"id", id},
                        {"gateway", "Vietcombank"},
                        {"transactionDate", "2024-10-03 15:06:37"},
                        {"accountNumber", account},
                        {"code", nullptr},
                        {"content", content},
                        {"transferType", "in"},
                        {"transferAmount", amount_vnd},
                        {"accumulated", 0},
                        {"subAccount", nullptr},
                        {"referenceCode", "FT" + std::to_string(id)},
                        {"description", ""}};
  w.body = boost::json::serialize(o);
  const std::string t = std::to_string(ts);
  w.headers = {
      {"Content-Type", "application/json"},
      {"X-SePay-Timestamp", t},
      {"X-SePay-Signature", "sha256=" + hmac_hex("SHA256", secrets.sepay_hmac, t + "." + w.body)}};
  return w;
}

std::string build_scenario(const ServerProcess& server, const ScenarioSecrets& secrets,
                           Scenario& s) {
  const auto port = server.port();
  s.admin = read_file(server.data_dir() / "admin.token");
  while (!s.admin.empty() && (s.admin.back() == '\n' || s.admin.back() == '\r')) s.admin.pop_back();
  if (s.admin.empty()) return "no admin token in " + (server.data_dir() / "admin.token").string();

  auto r = http(port, "POST", "/v1/markets", bearer_json(s.admin),
                R"({"name":"Chợ Đông Ba","city":"Huế"})");
  if (r.status != 201 && r.status != 200) return describe("POST /v1/markets", r);
  s.market = field(r, "id");
  r = http(port, "POST", "/v1/markets", bearer_json(s.admin),
           R"({"name":"Chợ Khác","city":"Huế"})");
  if (r.status != 201 && r.status != 200) return describe("POST /v1/markets (other)", r);
  s.market_other = field(r, "id");

  r = http(port, "POST", "/v1/markets/" + s.market + "/manager-tokens", bearer_json(s.admin), "{}");
  if (r.status != 201 && r.status != 200) return describe("manager-tokens", r);
  s.manager = field(r, "token");
  r = http(port, "POST", "/v1/markets/" + s.market_other + "/manager-tokens", bearer_json(s.admin),
           "{}");
  if (r.status != 201 && r.status != 200) return describe("manager-tokens (other)", r);
  s.manager_other = field(r, "token");

  const auto stall_body = [](const char* number, const std::string& account) {
    return std::string(R"({"number":")") + number +
           R"(","name":"Cô Lan - Rau","holder_name":"NGUYEN THI LAN","bank":"970436","account":")" +
           account + "\"}";
  };
  r = http(port, "POST", "/v1/markets/" + s.market + "/stalls", bearer_json(s.manager),
           stall_body("A1", s.stall_account));
  if (r.status != 201 && r.status != 200) return describe("POST stalls", r);
  s.stall = field(r, "id");
  r = http(port, "POST", "/v1/markets/" + s.market + "/stalls", bearer_json(s.manager),
           stall_body("A2", s.stall_other_account));
  if (r.status != 201 && r.status != 200) return describe("POST stalls (other)", r);
  s.stall_other = field(r, "id");

  const auto device_token = [&](const std::string& stall, std::string& token,
                                std::string* id) -> std::string {
    auto d = http(port, "POST", "/v1/stalls/" + stall + "/device-tokens", bearer_json(s.manager),
                  R"({"label":"điện thoại"})");
    if (d.status != 201 && d.status != 200) return describe("device-tokens", d);
    token = field(d, "token");
    if (id) *id = field(d, "id");
    return "";
  };
  if (auto e = device_token(s.stall, s.device, nullptr); !e.empty()) return e;
  if (auto e = device_token(s.stall_other, s.device_other, nullptr); !e.empty()) return e;
  std::string revoked_id;
  if (auto e = device_token(s.stall, s.device_revoked, &revoked_id); !e.empty()) return e;
  r = http(port, "DELETE", "/v1/stalls/" + s.stall + "/device-tokens/" + revoked_id,
           {{"Authorization", "Bearer " + s.manager}});
  if (r.status == 404 && r.body.find("no such route") != std::string::npos) {
    // docs/api.md documents DELETE /v1/stalls/{id}/device-tokens/{token_id}; a server without the
    // route cannot revoke, so the "revoked" token is replaced by one that was never issued.
    std::fprintf(stderr, "scenario: the server has no device-token revocation route\n");
    s.device_revoked = "cho4d_never_issued_" + std::string(32, 'x');
  } else if (r.status != 200 && r.status != 204) {
    return describe("DELETE device-token", r);
  }

  r = http(port, "POST", "/v1/stalls/" + s.stall + "/orders", bearer_json(s.device),
           R"({"amount_vnd":60000,"note":"2 kg cam"})");
  if (r.status != 201 && r.status != 200) return describe("POST orders", r);
  s.order = field(r, "id");
  s.order_reference = field(r, "reference");

  // One genuine credit, so that the ledger the hostile input must not change is not empty.
  const long long ts = unix_now_s();
  const auto w =
      sepay_webhook(secrets, 910001, 60000, s.stall_account, s.order_reference + " thanh toan", ts);
  r = http(port, "POST", w.target, w.headers, w.body);
  if (r.status != 200) return describe("genuine SePay webhook", r);
  s.replay_ts = std::to_string(ts);
  s.replay_body = w.body;
  for (const auto& [k, v] : w.headers)
    if (k == "X-SePay-Signature") s.replay_sig = v;
  return "";
}

Vars scenario_vars(const ScenarioSecrets& secrets, const Scenario& s) {
  const long long now = unix_now_s();
  Vars v;
  v["admin"] = s.admin;
  v["manager"] = s.manager;
  v["manager_other"] = s.manager_other;
  v["device"] = s.device;
  v["device_other"] = s.device_other;
  v["device_revoked"] = s.device_revoked;
  v["market"] = s.market;
  v["market_other"] = s.market_other;
  v["stall"] = s.stall;
  v["stall_other"] = s.stall_other;
  v["stall_account"] = s.stall_account;
  v["order"] = s.order;
  v["ts"] = std::to_string(now);
  v["ts_old"] = std::to_string(now - 600);
  v["ts_future"] = std::to_string(now + 3600);
  v["ts_ms"] = std::to_string(now * 1000);
  v["fresh_id"] = std::to_string(920000 + now % 10000);
  v["msgid"] = "msg_hostile_stale";
  v["sepay_secret"] = secrets.sepay_hmac;
  v["stdwh_secret"] = secrets.stdwh_secret;
  const std::string good = hmac_hex("SHA256", secrets.sepay_hmac, v["ts"] + ".x");
  v["sepay_half_sig"] = "sha256=" + good.substr(0, good.size() / 2);
  v["replay_ts"] = s.replay_ts;
  v["replay_sig"] = s.replay_sig;
  v["replay_body"] = s.replay_body;
  std::string tampered = s.replay_body;
  if (const auto at = tampered.find("\"transferAmount\":60000"); at != std::string::npos)
    tampered.replace(at, 22, "\"transferAmount\":6000000");
  v["replay_body_tampered"] = tampered;
  return v;
}

std::string ledger_snapshot(std::uint16_t port, const Scenario& s) {
  std::string out;
  const Headers manager{{"Authorization", "Bearer " + s.manager}};
  for (const auto& stall : {s.stall, s.stall_other}) {
    out += http(port, "GET", "/v1/stalls/" + stall + "/totals", manager).body + "\n";
    out += http(port, "GET", "/v1/stalls/" + stall + "/credits", manager).body + "\n";
  }
  out += http(port, "GET", "/v1/markets/" + s.market + "/report", manager).body + "\n";
  return out;
}

}  // namespace cho4::hostile
