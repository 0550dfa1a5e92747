// The signing side of every scheme: builds the exact HttpRequest a real provider sends for a set
// of credits, signed with the instance's configured secrets. Used by the tests, the load
// simulator (simulators/) and the server's integration tests, so they send what providers send.
//
// A Signer is built from the same instance configuration object as the Adapter it talks to.
// Token modes (SePay OAuth2, VietQR.vn): call token_request() first, send it to the server (or
// to Adapter::handle_token_request), take the token with bearer_from_token_reply(), then pass it
// to sign().
//
// Thread-safety: immutable after construction; sign() may run concurrently.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include <boost/json/fwd.hpp>

#include "adapters/http.h"
#include "core/bank_credit.h"
#include "core/clock.h"
#include "core/status.h"

namespace cho4::adapters {

class Signer {
 public:
  virtual ~Signer() = default;

  virtual std::string_view kind() const = 0;
  // Most credits one request of this provider carries: 1 for SePay, payOS, Casso v2 and
  // VietQR.vn; kCreditsPerRequestMax for Casso v1 and Standard Webhooks.
  virtual std::size_t max_credits_per_request() const = 0;

  // The request for these credits sent at `now` (POST /v1/webhooks/{instance}). Fields the
  // provider sends but BankCredit lacks (balances, payOS orderCode, …) are derived
  // deterministically from the credit. `bearer_token` is required in token modes, ignored
  // otherwise. Fails with invalid_argument when a credit cannot be expressed by the provider
  // (an outgoing credit for payOS, a non-numeric id for SePay, too many credits, …).
  virtual Result<HttpRequest> sign(std::span<const BankCredit> credits, UnixMs now,
                                   std::string_view bearer_token = {}) const = 0;

  // Token modes: the request the provider sends first to our token endpoint; nullopt otherwise.
  virtual std::optional<HttpRequest> token_request(UnixMs now) const;
};

// Builds the signer of a built-in kind from an instance configuration object (see registry.h for
// `*_env` secrets). Plugin kinds: Registry::make_signer.
using SecretLookup = std::function<std::optional<std::string>(std::string_view env_name)>;
Result<std::unique_ptr<Signer>> make_builtin_signer(const boost::json::object& config,
                                                    const SecretLookup& secrets);

// The access_token of a token endpoint's JSON reply body
// ({"access_token":"…","token_type":"Bearer","expires_in":300}).
Result<std::string> bearer_from_token_reply(std::string_view reply_body);

// The path every webhook of an instance is posted to, and its token endpoint paths.
std::string webhook_path(std::string_view instance);
std::string sepay_token_path(std::string_view instance);   // …/oauth/token
std::string vietqr_token_path(std::string_view instance);  // …/token_generate

}  // namespace cho4::adapters
