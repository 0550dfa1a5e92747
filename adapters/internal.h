// Internals shared by the built-in adapters: configuration reading, strict JSON field readers,
// self-contained bearer tokens, and the per-kind factories. Not part of the public API.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <boost/json.hpp>

#include "adapters/adapter.h"
#include "adapters/errors.h"
#include "adapters/hmac.h"
#include "adapters/signing.h"
#include "core/bank_credit.h"
#include "core/status.h"

namespace cho4::adapters::internal {

namespace json = boost::json;

// ---- Configuration ----

// Reads one instance's configuration object. Errors name the key, never a secret's value.
class ConfigReader {
 public:
  ConfigReader(const json::object& config, const SecretLookup& secrets)
      : config_(config), secrets_(secrets) {}

  const json::object& object() const { return config_; }
  // "kind" and "name" (the latter checked with core's is_valid_instance_name).
  Result<std::string> kind() const;
  Result<std::string> name() const;
  // A string option; `fallback` when absent (nullopt fallback = required).
  Result<std::string> string(std::string_view key, std::optional<std::string> fallback) const;
  // A secret given inline as `key` or through the environment variable named by `key_env`.
  // Required and non-empty unless optional() is used.
  Result<std::string> secret(std::string_view key) const;
  Result<std::optional<std::string>> optional_secret(std::string_view key) const;
  // An integer option within [min, max]; `fallback` when absent.
  Result<std::int64_t> integer(std::string_view key, std::int64_t fallback, std::int64_t min,
                               std::int64_t max) const;

 private:
  const json::object& config_;
  const SecretLookup& secrets_;
};

// A copy of the configuration with every `x_env` replaced by `x` holding the secret (plugins get
// resolved secrets and never see the environment).
Result<json::object> resolve_secrets(const json::object& config, const SecretLookup& secrets);

// ---- JSON field readers (parse side) ----

// Memory for one parsed body: a stack buffer first, the heap only for large bodies. Declare it
// before the json::value that uses it, so that the value goes first.
class ParseArena {
 public:
  ParseArena() : resource_(buffer_, sizeof buffer_) {}
  ParseArena(const ParseArena&) = delete;
  ParseArena& operator=(const ParseArena&) = delete;
  json::storage_ptr storage() { return json::storage_ptr(&resource_); }

 private:
  static constexpr std::size_t kBytes = 8192;
  alignas(std::max_align_t) unsigned char buffer_[kBytes];
  json::monotonic_resource resource_;
};

// A member by exact key, else by ASCII case-insensitive key (providers vary the case); nullptr
// when absent.
const json::value* member(const json::object& o, std::string_view key);
std::string join_path(std::string_view prefix, std::string_view key);

// The object at the top of a body or of a field; wrong_type otherwise.
Result<const json::object*, ParseError> as_object(const json::value& v, std::string_view path);

// A signed amount in đồng, strictly: missing/null → missing_field, a string → amount_as_string,
// other non-numbers → bad_amount, 0 → zero_amount, a fraction → fractional_amount, beyond int64
// or kCreditAmountMax → amount_out_of_range. A float without fraction (25000.0) is accepted.
Result<std::int64_t, ParseError> read_amount(const json::object& o, std::string_view key,
                                             std::string_view prefix);
// A transaction id: an integer (printed in decimal) or a non-empty string; required.
Result<std::string, ParseError> read_id(const json::object& o, std::string_view key,
                                        std::string_view prefix);
// A text field: null and absence give "" unless required (then missing_field); an integer is
// printed in decimal (account numbers sometimes arrive as numbers); other types → wrong_type.
Result<std::string, ParseError> read_text(const json::object& o, std::string_view key,
                                          std::string_view prefix, bool required = false);
// "YYYY-MM-DD HH:MM:SS" in Vietnam time, required → UTC ms.
Result<UnixMs, ParseError> read_vn_datetime(const json::object& o, std::string_view key,
                                            std::string_view prefix);
// An integer of epoch milliseconds, required.
Result<UnixMs, ParseError> read_epoch_ms(const json::object& o, std::string_view key,
                                         std::string_view prefix);

// Fills amount and direction from a signed amount (negative = out).
void set_signed_amount(BankCredit& c, std::int64_t signed_amount);
// The amount as the provider writes it: negative for outgoing money.
std::int64_t signed_amount(const BankCredit& c);

// ---- Credentials ----

// Parses "Scheme credentials" from a header value: nullopt when the scheme differs
// (case-insensitive) or nothing follows it.
std::optional<std::string_view> credentials_after_scheme(std::string_view header,
                                                         std::string_view scheme);
// Unix seconds / milliseconds from a header: digits only, at most 15 of them.
std::optional<std::int64_t> parse_timestamp_digits(std::string_view text);
// Fails with stale_timestamp when |now - signed_at| exceeds tolerance.
std::optional<AuthError> check_window(std::int64_t signed_at_ms, UnixMs now,
                                      std::int64_t tolerance_ms, std::string_view header);
// Decodes "user:password" from a Basic credential.
std::optional<std::pair<std::string, std::string>> decode_basic(std::string_view b64);

// Self-contained bearer tokens: base64url(payload) "." base64url(HMAC-SHA256(payload)), payload
// "cho4t1|instance|subject|issued_ms|expires_ms". No storage: a token verifies after a restart
// as long as the key (from config, or derived from the client secret) is unchanged.
class TokenIssuer {
 public:
  TokenIssuer(std::string instance, std::string_view key, std::int64_t ttl_s);
  std::int64_t ttl_s() const { return ttl_s_; }
  std::string issue(std::string_view subject, UnixMs now) const;
  // The subject of a genuine, unexpired token of this instance.
  Result<std::string, AuthError> verify(std::string_view token, UnixMs now) const;
  // The token's reply body: {"access_token":…,"token_type":"Bearer","expires_in":ttl}.
  HttpReply reply(std::string_view token) const;

 private:
  std::string instance_;
  HmacKey key_;
  std::int64_t ttl_s_;
};
// The token key of an instance: config `token_key`(_env) when set, else derived from the client
// secret and the instance name.
Result<std::string> token_key(const ConfigReader& config, std::string_view instance,
                              std::string_view client_secret);
// Checks an `Authorization: Bearer` header against the issuer.
std::optional<AuthError> verify_bearer(const HttpRequest& request, const TokenIssuer& issuer,
                                       UnixMs now);

// A JSON error reply for failure_response().
HttpReply json_reply(int status, std::string body);

// ---- Per-kind factories ----
Result<std::unique_ptr<Adapter>> make_sepay(const ConfigReader& config);
Result<std::unique_ptr<Signer>> make_sepay_signer(const ConfigReader& config);
Result<std::unique_ptr<Adapter>> make_payos(const ConfigReader& config);
Result<std::unique_ptr<Signer>> make_payos_signer(const ConfigReader& config);
Result<std::unique_ptr<Adapter>> make_casso(const ConfigReader& config);
Result<std::unique_ptr<Signer>> make_casso_signer(const ConfigReader& config);
Result<std::unique_ptr<Adapter>> make_vietqr(const ConfigReader& config);
Result<std::unique_ptr<Signer>> make_vietqr_signer(const ConfigReader& config);
Result<std::unique_ptr<Adapter>> make_standard_webhooks(const ConfigReader& config);
Result<std::unique_ptr<Signer>> make_standard_webhooks_signer(const ConfigReader& config);

// payOS's signed string for `data` (exposed for tests of the canonicalisation).
std::string payos_signed_string(const json::object& data);

}  // namespace cho4::adapters::internal
