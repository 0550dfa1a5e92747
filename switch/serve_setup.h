// Start-up steps of `cho4 serve` that are not the server itself: the admin bootstrap token, the
// demo market and its adapter instance, the embedded OpenAPI document. Run once, on the main
// thread, before the server starts (they wait for the ledger synchronously).
#pragma once

#include <string>

#include "core/status.h"
#include "ledger/engine.h"
#include "switch/config.h"
#include "switch/services.h"

namespace cho4::server {

// The SePay HMAC secret of the demo's "sepay-demo" instance (public on purpose: it is a demo).
inline constexpr std::string_view kDemoSepaySecret = "cho4-demo-sepay-hmac-secret";

// Runs one ledger command and waits for its durable result (start-up only).
ledger::CommandResult run_command(ledger::Engine& engine, ledger::Command cmd);

// On first start: a random admin token, stored hashed in the ledger and written to
// `<data>/admin.token` (mode 0600). Later starts keep the existing one.
Status bootstrap_admin(ledger::Engine& engine, const std::string& data_dir);

// Adds the demo's adapter instances to the configuration (unless already configured).
void add_demo_adapters(ServerConfig& config);

// On first start with --demo: a market, stalls, a manager token and one device token per stall,
// written with the adapter secrets to `<data>/demo.json` (mode 0600).
Status ensure_demo(Services& services, const std::string& data_dir);
// Updates demo.json's base_url and prints where things are.
void print_demo(const std::string& base_url, const std::string& data_dir);

// switch/openapi.json, embedded at build time.
std::string load_openapi();

}  // namespace cho4::server
