// Bank side of a payment: turns a transfer of the scenario into the exact HTTP request the
// provider would send, through the adapters' own signing side (adapters/signing.h), and builds
// the server configuration of the adapter instances the simulator delivers through.
// WebhookFactory owns one Signer per instance (and one with a wrong secret, for forgeries);
// immutable after construction, so build() may run on several threads at once.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "adapters/http.h"
#include "adapters/signing.h"
#include "core/bank_credit.h"
#include "core/status.h"
#include "simulators/model.h"

namespace cho4::sim {

// The instance's configuration object as the server's adapters::Registry reads it (secrets by
// environment variable name only).
boost::json::object instance_config(const AdapterInstance& instance);
// Every instance of the world: the "adapters" array of the generated server configuration.
boost::json::array adapters_config(const World& world);
// NAME=secret pairs the server process needs in its environment.
std::vector<std::pair<std::string, std::string>> secret_environment(const World& world);

// payOS (`reference`) and VietQR.vn (`referencenumber`) identify a transaction by the bank's own
// reference: for them the provider transaction id IS the bank reference.
bool txn_id_is_bank_reference(ProviderKind kind);

class WebhookFactory {
 public:
  // Builds the signers; fails when an instance's configuration is refused by the adapters.
  static Result<WebhookFactory> create(const World& world);

  // The request for `credit` through `instance` sent at `now`. `forged` signs with a wrong
  // secret (the server must answer 401 and store nothing). `bearer` is the token of token-mode
  // instances (VietQR.vn), obtained with token_request().
  Result<adapters::HttpRequest> build(std::uint32_t instance, const BankCredit& credit, UnixMs now,
                                      bool forged, std::string_view bearer = {}) const;
  // Token-mode instances: the request for our token endpoint; nullopt for the others.
  std::optional<adapters::HttpRequest> token_request(std::uint32_t instance, UnixMs now) const;

 private:
  std::vector<std::unique_ptr<adapters::Signer>> signers_;
  std::vector<std::unique_ptr<adapters::Signer>> forgers_;
};

}  // namespace cho4::sim
