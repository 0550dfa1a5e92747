// VietQR.vn transaction-sync. VietQR.vn first calls our token_generate endpoint with HTTP Basic
// credentials and receives a short-lived Bearer token (expires_in 300 s), then posts each
// transaction with `Authorization: Bearer <token>`. Keys arrive lower-case or camelCase, so
// fields are matched case-insensitively; `amount` may be a float such as 25000.0. transType "D"
// is money out.
#include "adapters/canonical_json.h"
#include "adapters/internal.h"
#include "adapters/limits.h"

namespace cho4::adapters::internal {

namespace {

struct VietqrConfig {
  std::string instance;
  std::string username;
  std::string password;
  std::string token_key;
  std::int64_t token_ttl_s = kVietqrTokenTtlS;
  std::string bank;  // the receiving bank's code or BIN, since the body does not name it
};

Result<VietqrConfig> read_config(const ConfigReader& r) {
  VietqrConfig c;
  CHO4_ASSIGN_OR_RETURN(c.instance, r.name());
  CHO4_ASSIGN_OR_RETURN(c.username, r.string("username", std::nullopt));
  CHO4_ASSIGN_OR_RETURN(c.password, r.secret("password"));
  CHO4_ASSIGN_OR_RETURN(c.token_key, token_key(r, c.instance, c.password));
  CHO4_ASSIGN_OR_RETURN(c.token_ttl_s,
                        r.integer("token_ttl_s", kVietqrTokenTtlS, kTokenTtlMinS, kTokenTtlMaxS));
  CHO4_ASSIGN_OR_RETURN(c.bank, r.string("bank", ""));
  return c;
}

std::string vietqr_error_body(std::string_view reason, std::string_view message) {
  std::string b = "{\"error\":true,\"errorReason\":";
  js_quote_append(b, reason);
  b += ",\"toastMessage\":";
  js_quote_append(b, message);
  b += ",\"object\":null}";
  return b;
}

class VietqrAdapter final : public Adapter {
 public:
  explicit VietqrAdapter(VietqrConfig c)
      : c_(std::move(c)), tokens_(c_.instance, c_.token_key, c_.token_ttl_s) {}

  std::string_view kind() const override { return "vietqr"; }
  std::string_view instance() const override { return c_.instance; }

  Result<VerifiedScheme, AuthError> authenticate(const HttpRequest& req,
                                                 UnixMs now) const override {
    if (auto e = verify_bearer(req, tokens_, now)) return Err(*std::move(e));
    return VerifiedScheme::vietqr_bearer;
  }

  Result<std::vector<BankCredit>, ParseError> parse(const HttpRequest& req,
                                                    UnixMs received_at) const override {
    ParseArena arena;
    CHO4_ASSIGN_OR_RETURN(json::value body, parse_json_strict(req.body, arena.storage()));
    CHO4_ASSIGN_OR_RETURN(const json::object* o, as_object(body, ""));
    BankCredit c;
    c.adapter_instance = c_.instance;
    c.received_at_ms = received_at;
    c.verified = VerifiedScheme::vietqr_bearer;
    c.bank = c_.bank;
    CHO4_ASSIGN_OR_RETURN(c.provider_txn_id, read_text(*o, "referencenumber", "", true));
    c.bank_reference = c.provider_txn_id;
    CHO4_ASSIGN_OR_RETURN(c.occurred_at_ms, read_epoch_ms(*o, "transactiontime", ""));
    CHO4_ASSIGN_OR_RETURN(std::int64_t amount, read_amount(*o, "amount", ""));
    if (amount < 0) {
      return Err(ParseError{ParseErrorKind::negative_amount, "amount",
                            "VietQR.vn gives the direction in transType"});
    }
    c.amount = Money::vnd(amount);
    CHO4_ASSIGN_OR_RETURN(std::string type, read_text(*o, "transType", ""));
    if (type.empty() || iequals(type, "C")) {
      c.direction = Direction::in;
    } else if (iequals(type, "D")) {
      c.direction = Direction::out;
    } else {
      return Err(ParseError{ParseErrorKind::bad_value, "transType", "expected \"C\" or \"D\""});
    }
    CHO4_ASSIGN_OR_RETURN(c.description, read_text(*o, "content", ""));
    CHO4_ASSIGN_OR_RETURN(c.account, read_text(*o, "bankaccount", "", true));
    return std::vector<BankCredit>{std::move(c)};
  }

  HttpReply success_response(const std::vector<BankCredit>& credits) const override {
    std::string b = "{\"error\":false,\"errorReason\":null,\"toastMessage\":\"\",\"object\":{";
    b += "\"reftransactionid\":";
    js_quote_append(b, credits.empty() ? std::string_view() : credits.front().provider_txn_id);
    b += "}}";
    return HttpReply{200, "application/json", std::move(b)};
  }

  HttpReply failure_response(const AuthError& e) const override {
    return json_reply(http_status(e.kind), vietqr_error_body(to_string(e.kind), "Unauthorized"));
  }

  bool has_token_endpoint() const override { return true; }

  Result<HttpReply, AuthError> handle_token_request(const HttpRequest& req,
                                                    UnixMs now) const override {
    std::optional<std::string_view> h = req.headers.get("Authorization");
    if (!h) return Err(AuthError{AuthErrorKind::missing_credentials, "no Authorization header"});
    std::optional<std::string_view> b64 = credentials_after_scheme(*h, "Basic");
    if (!b64 || b64->size() > kCredentialBytesMax) {
      return Err(AuthError{AuthErrorKind::malformed_header, "Authorization is not Basic"});
    }
    std::optional<std::pair<std::string, std::string>> creds = decode_basic(*b64);
    if (!creds)
      return Err(AuthError{AuthErrorKind::malformed_header, "Basic credentials unreadable"});
    bool user_ok = constant_time_equal(creds->first, c_.username);
    bool pass_ok = constant_time_equal(creds->second, c_.password);
    if (!(user_ok & pass_ok)) {
      return Err(AuthError{AuthErrorKind::bad_credentials, "username or password does not match"});
    }
    return tokens_.reply(tokens_.issue(creds->first, now));
  }

 private:
  VietqrConfig c_;
  TokenIssuer tokens_;
};

// A stable UUID-shaped transaction id derived from the bank reference.
std::string derived_transaction_id(std::string_view reference) {
  std::string h = hex_lower(sha256(reference).view());
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-4" + h.substr(13, 3) + "-8" + h.substr(17, 3) +
         "-" + h.substr(20, 12);
}

class VietqrSigner final : public Signer {
 public:
  explicit VietqrSigner(VietqrConfig c) : c_(std::move(c)) {}
  std::string_view kind() const override { return "vietqr"; }
  std::size_t max_credits_per_request() const override { return 1; }

  Result<HttpRequest> sign(std::span<const BankCredit> credits, UnixMs,
                           std::string_view bearer) const override {
    if (credits.size() != 1) return invalid_argument("VietQR.vn sends one transaction per request");
    if (bearer.empty())
      return invalid_argument("VietQR.vn needs a bearer token from token_generate");
    const BankCredit& c = credits[0];
    if (!c.amount.positive()) return invalid_argument("amount must be positive");
    if (c.provider_txn_id.empty()) return invalid_argument("VietQR.vn needs a reference number");
    std::string b = "{\"transactionid\":";
    js_quote_append(b, derived_transaction_id(c.provider_txn_id));
    b += ",\"transactiontime\":" + std::to_string(c.occurred_at_ms);
    b += ",\"referencenumber\":";
    js_quote_append(b, c.provider_txn_id);
    b += ",\"amount\":" + std::to_string(c.amount.vnd());
    b += ",\"content\":";
    js_quote_append(b, c.description);
    b += ",\"bankaccount\":";
    js_quote_append(b, c.account);
    b += ",\"transType\":\"";
    b += c.direction == Direction::out ? "D" : "C";
    b += "\",\"orderId\":\"\",\"sign\":\"\",\"terminalCode\":\"\",\"urlLink\":\"\","
         "\"serviceCode\":\"\",\"subTerminalCode\":\"\"}";
    HttpRequest req;
    req.method = "POST";
    req.target = webhook_path(c_.instance);
    req.headers.add("Content-Type", "application/json");
    req.headers.add("Authorization", "Bearer " + std::string(bearer));
    req.body = std::move(b);
    return req;
  }

  std::optional<HttpRequest> token_request(UnixMs) const override {
    HttpRequest req;
    req.method = "POST";
    req.target = vietqr_token_path(c_.instance);
    req.headers.add("Authorization", "Basic " + base64_encode(c_.username + ":" + c_.password));
    req.headers.add("Content-Type", "application/json");
    return req;
  }

 private:
  VietqrConfig c_;
};

}  // namespace

Result<std::unique_ptr<Adapter>> make_vietqr(const ConfigReader& config) {
  CHO4_ASSIGN_OR_RETURN(VietqrConfig c, read_config(config));
  return std::unique_ptr<Adapter>(std::make_unique<VietqrAdapter>(std::move(c)));
}

Result<std::unique_ptr<Signer>> make_vietqr_signer(const ConfigReader& config) {
  CHO4_ASSIGN_OR_RETURN(VietqrConfig c, read_config(config));
  return std::unique_ptr<Signer>(std::make_unique<VietqrSigner>(std::move(c)));
}

}  // namespace cho4::adapters::internal
