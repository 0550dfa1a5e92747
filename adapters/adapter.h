// Adapter: one configured adapter instance ("sepay-main"), which proves that a webhook request is
// genuine and turns it into core's canonical BankCredits. Built by the Registry from
// configuration; owned by it; immutable after construction.
//
// Thread-safety: every method is const and safe to call concurrently from any number of I/O
// threads (HMAC contexts are cached per thread inside).
//
// The server's order of calls for POST /v1/webhooks/{instance}:
//   authenticate → 401 with failure_response() on error, nothing stored;
//   parse        → on error: dead-letter the raw bytes, answer success_response({});
//   submit the credits to the ledger → success_response(credits) once durable.
// Token endpoints (POST /v1/webhooks/{instance}/oauth/token for SePay OAuth2,
// /v1/webhooks/{instance}/token_generate for VietQR.vn) go to handle_token_request().
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/errors.h"
#include "adapters/http.h"
#include "core/bank_credit.h"
#include "core/clock.h"
#include "core/status.h"

namespace cho4::adapters {

class Adapter {
 public:
  virtual ~Adapter() = default;
  Adapter() = default;
  Adapter(const Adapter&) = delete;
  Adapter& operator=(const Adapter&) = delete;

  // The adapter kind ("sepay", "payos", "casso", "vietqr", "standard_webhooks", or a plugin's).
  virtual std::string_view kind() const = 0;
  // The configured instance name ("sepay-main"); the first half of every credit's idempotency key.
  virtual std::string_view instance() const = 0;

  // Proves the request genuine with the instance's configured mode. `now` bounds replay windows
  // and token expiry. Success names the scheme that verified it (stored with each credit).
  // Comparisons of secrets, signatures and tokens are constant-time.
  virtual Result<VerifiedScheme, AuthError> authenticate(const HttpRequest& request,
                                                         UnixMs now) const = 0;

  // Turns an authenticated request's body into zero or more credits (adapter_instance,
  // received_at_ms and verified filled in; `verified` is the instance's configured scheme).
  // Fails with a typed ParseError naming the JSON path.
  virtual Result<std::vector<BankCredit>, ParseError> parse(const HttpRequest& request,
                                                            UnixMs received_at) const = 0;

  // The exact body the provider expects once the credits are durable (also for a dead-lettered
  // body, with an empty vector), e.g. SePay {"success": true}.
  virtual HttpReply success_response(const std::vector<BankCredit>& credits) const = 0;

  // The reply for a request that failed authenticate() or handle_token_request(): 401 with a
  // small JSON body in the provider's own error shape where it has one. Never echoes secrets.
  virtual HttpReply failure_response(const AuthError& error) const;

  // True when this instance hosts a token endpoint that the provider calls first (SePay OAuth2,
  // VietQR.vn token_generate).
  virtual bool has_token_endpoint() const { return false; }
  // Checks the provider's client credentials and issues a bearer token. Tokens are self-contained
  // (HMAC-signed, carrying their expiry) so they stay valid across a restart until they expire.
  // Fails with AuthErrorKind::unsupported when has_token_endpoint() is false.
  virtual Result<HttpReply, AuthError> handle_token_request(const HttpRequest& request,
                                                            UnixMs now) const;
};

// The built-in kinds, in documentation order.
inline constexpr std::string_view kBuiltinKinds[] = {"sepay", "payos", "casso", "vietqr",
                                                     "standard_webhooks"};

}  // namespace cho4::adapters
