// A small market set up over the real API for the hardening suites: two markets, a manager
// token each, two stalls in the first market, device tokens (one revoked), an open order and one
// genuine signed SePay credit, all with secrets the test knows (so tests/secrets can grep for
// them). Also the adapter configuration with one instance of every kind and its secrets.
//
// Not thread-safe; built once per test before any load starts.
#pragma once

#include <string>
#include <vector>

#include "tests/hostile/corpus.h"
#include "tests/hostile/harness.h"

namespace cho4::hostile {

// Secrets of the configured adapter instances (passed to the server through the environment).
struct ScenarioSecrets {
  std::string sepay_hmac = "hostile-sepay-hmac-secret-4b1f0e";
  std::string sepay_apikey = "hostile-sepay-apikey-9d2c71";
  std::string sepay_oauth_client_secret = "hostile-sepay-oauth-secret-66aa01";
  std::string payos_checksum = "hostile-payos-checksum-key-1a54716c8f0e";
  std::string casso_v1_token = "hostile-casso-v1-secure-token-77e2";
  std::string casso_v2_key = "hostile-casso-v2-key-mgExMrjj4i7a";
  std::string vietqr_password = "hostile-vietqr-basic-password-3c9d";
  std::string stdwh_secret;  // "whsec_" + base64, built in the constructor
  ScenarioSecrets();
  std::vector<std::string> all() const;
};

// The server options (configuration + environment) for these secrets.
ServerProcess::Options scenario_server_options(const ScenarioSecrets& secrets);

struct Scenario {
  std::string admin, manager, manager_other, device, device_other, device_revoked;
  std::string market, market_other, stall, stall_other, order, order_reference;
  std::string stall_account = "0123456789";
  std::string stall_other_account = "0987654321";
  // The genuine SePay webhook sent during setup, for replay cases.
  std::string replay_ts, replay_sig, replay_body;
  std::vector<std::string> tokens() const;
};

// Builds the scenario on a running server; "" on success, else what failed (with the response).
std::string build_scenario(const ServerProcess& server, const ScenarioSecrets& secrets,
                           Scenario& out);

// A SePay HMAC webhook for `amount_vnd` into `account` with transaction id `id`, signed at `ts`.
struct SignedWebhook {
  std::string target, body;
  Headers headers;
};
SignedWebhook sepay_webhook(const ScenarioSecrets& secrets, long long id, long long amount_vnd,
                            const std::string& account, const std::string& content, long long ts);

// Variables for the corpus templates.
Vars scenario_vars(const ScenarioSecrets& secrets, const Scenario& s);

// What must not change while hostile input arrives: totals and history of both stalls and the
// market report, as the API returns them.
std::string ledger_snapshot(std::uint16_t port, const Scenario& s);

// The current Unix time in seconds (the replay windows are real time: the server's clock).
long long unix_now_s();

}  // namespace cho4::hostile
