// SePay: flat JSON, one transaction per request. Authentication modes: none, `Authorization:
// Apikey <key>`, HMAC-SHA256 over "<X-SePay-Timestamp>.<raw body>" in `X-SePay-Signature:
// sha256=<hex>` with a replay window, and OAuth2, where SePay first obtains a bearer token from
// our token endpoint with client credentials.
#include <algorithm>

#include "adapters/canonical_json.h"
#include "adapters/internal.h"
#include "adapters/limits.h"

namespace cho4::adapters::internal {

namespace {

enum class SepayAuth { none, apikey, hmac, oauth2 };

struct SepayConfig {
  std::string instance;
  SepayAuth auth = SepayAuth::none;
  std::string api_key;
  std::string secret;  // HMAC
  std::int64_t tolerance_s = kDefaultToleranceS;
  std::string client_id;
  std::string client_secret;
  std::string token_key;
  std::int64_t token_ttl_s = kSepayTokenTtlS;
};

Result<SepayConfig> read_config(const ConfigReader& r) {
  SepayConfig c;
  CHO4_ASSIGN_OR_RETURN(c.instance, r.name());
  CHO4_ASSIGN_OR_RETURN(std::string auth, r.string("auth", "none"));
  if (auth == "none") {
    c.auth = SepayAuth::none;
  } else if (auth == "apikey") {
    c.auth = SepayAuth::apikey;
    CHO4_ASSIGN_OR_RETURN(c.api_key, r.secret("api_key"));
  } else if (auth == "hmac") {
    c.auth = SepayAuth::hmac;
    CHO4_ASSIGN_OR_RETURN(c.secret, r.secret("secret"));
    CHO4_ASSIGN_OR_RETURN(c.tolerance_s, r.integer("tolerance_s", kDefaultToleranceS, 1, 86400));
  } else if (auth == "oauth2") {
    c.auth = SepayAuth::oauth2;
    CHO4_ASSIGN_OR_RETURN(c.client_id, r.string("client_id", std::nullopt));
    CHO4_ASSIGN_OR_RETURN(c.client_secret, r.secret("client_secret"));
    CHO4_ASSIGN_OR_RETURN(c.token_key, token_key(r, c.instance, c.client_secret));
    CHO4_ASSIGN_OR_RETURN(c.token_ttl_s,
                          r.integer("token_ttl_s", kSepayTokenTtlS, kTokenTtlMinS, kTokenTtlMaxS));
  } else {
    return invalid_argument("adapter config: sepay \"auth\" must be none, apikey, hmac or oauth2");
  }
  return c;
}

VerifiedScheme scheme_of(SepayAuth a) {
  switch (a) {
    case SepayAuth::none:
      return VerifiedScheme::none;
    case SepayAuth::apikey:
      return VerifiedScheme::api_key;
    case SepayAuth::hmac:
      return VerifiedScheme::hmac_sha256;
    case SepayAuth::oauth2:
      return VerifiedScheme::oauth2_bearer;
  }
  return VerifiedScheme::none;
}

// application/x-www-form-urlencoded pairs; nullopt on a malformed escape.
std::optional<std::vector<std::pair<std::string, std::string>>> parse_form(std::string_view body) {
  auto decode = [](std::string_view s) -> std::optional<std::string> {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
      char c = s[i];
      if (c == '+') {
        out += ' ';
      } else if (c == '%') {
        if (i + 2 >= s.size()) return std::nullopt;
        std::optional<std::string> byte = hex_decode(s.substr(i + 1, 2));
        if (!byte) return std::nullopt;
        out += *byte;
        i += 2;
      } else {
        out += c;
      }
    }
    return out;
  };
  std::vector<std::pair<std::string, std::string>> pairs;
  std::size_t start = 0;
  while (start <= body.size()) {
    std::size_t amp = body.find('&', start);
    std::string_view item = body.substr(start, amp == std::string_view::npos ? amp : amp - start);
    if (!item.empty()) {
      std::size_t eq = item.find('=');
      auto k = decode(item.substr(0, eq));
      auto v = decode(eq == std::string_view::npos ? std::string_view() : item.substr(eq + 1));
      if (!k || !v) return std::nullopt;
      pairs.emplace_back(std::move(*k), std::move(*v));
    }
    if (amp == std::string_view::npos) break;
    start = amp + 1;
  }
  return pairs;
}

class SepayAdapter final : public Adapter {
 public:
  explicit SepayAdapter(SepayConfig c)
      : c_(std::move(c)),
        hmac_(HashAlg::sha256, c_.secret),
        tokens_(c_.instance, c_.token_key, c_.token_ttl_s) {}

  std::string_view kind() const override { return "sepay"; }
  std::string_view instance() const override { return c_.instance; }

  Result<VerifiedScheme, AuthError> authenticate(const HttpRequest& req,
                                                 UnixMs now) const override {
    switch (c_.auth) {
      case SepayAuth::none:
        return VerifiedScheme::none;
      case SepayAuth::apikey: {
        std::optional<std::string_view> h = req.headers.get("Authorization");
        if (!h)
          return Err(AuthError{AuthErrorKind::missing_credentials, "no Authorization header"});
        std::optional<std::string_view> key = credentials_after_scheme(*h, "Apikey");
        if (!key) {
          return Err(
              AuthError{AuthErrorKind::malformed_header, "Authorization is not \"Apikey <key>\""});
        }
        if (!constant_time_equal(*key, c_.api_key)) {
          return Err(AuthError{AuthErrorKind::bad_credentials, "API key does not match"});
        }
        return VerifiedScheme::api_key;
      }
      case SepayAuth::hmac:
        return authenticate_hmac(req, now);
      case SepayAuth::oauth2: {
        if (auto e = verify_bearer(req, tokens_, now)) return Err(*std::move(e));
        return VerifiedScheme::oauth2_bearer;
      }
    }
    return Err(AuthError{AuthErrorKind::unsupported, "unknown mode"});
  }

  Result<std::vector<BankCredit>, ParseError> parse(const HttpRequest& req,
                                                    UnixMs received_at) const override {
    ParseArena arena;
    CHO4_ASSIGN_OR_RETURN(json::value body, parse_json_strict(req.body, arena.storage()));
    CHO4_ASSIGN_OR_RETURN(const json::object* o, as_object(body, ""));
    BankCredit c;
    c.adapter_instance = c_.instance;
    c.received_at_ms = received_at;
    c.verified = scheme_of(c_.auth);
    CHO4_ASSIGN_OR_RETURN(c.provider_txn_id, read_id(*o, "id", ""));
    CHO4_ASSIGN_OR_RETURN(c.bank, read_text(*o, "gateway", ""));
    CHO4_ASSIGN_OR_RETURN(c.occurred_at_ms, read_vn_datetime(*o, "transactionDate", ""));
    CHO4_ASSIGN_OR_RETURN(c.account, read_text(*o, "accountNumber", "", true));
    CHO4_ASSIGN_OR_RETURN(c.sub_account, read_text(*o, "subAccount", ""));
    CHO4_ASSIGN_OR_RETURN(c.bank_reference, read_text(*o, "referenceCode", ""));
    CHO4_ASSIGN_OR_RETURN(c.description, read_text(*o, "content", ""));
    CHO4_ASSIGN_OR_RETURN(std::string type, read_text(*o, "transferType", "", true));
    if (iequals(type, "in")) {
      c.direction = Direction::in;
    } else if (iequals(type, "out")) {
      c.direction = Direction::out;
    } else {
      return Err(
          ParseError{ParseErrorKind::bad_value, "transferType", "expected \"in\" or \"out\""});
    }
    CHO4_ASSIGN_OR_RETURN(std::int64_t amount, read_amount(*o, "transferAmount", ""));
    if (amount < 0) {
      return Err(
          ParseError{ParseErrorKind::negative_amount, "transferAmount",
                     "SePay gives the direction in transferType; the amount must be positive"});
    }
    c.amount = Money::vnd(amount);
    return std::vector<BankCredit>{std::move(c)};
  }

  HttpReply success_response(const std::vector<BankCredit>&) const override {
    return HttpReply{200, "application/json", "{\"success\": true}"};
  }

  HttpReply failure_response(const AuthError& e) const override {
    std::string body = "{\"success\": false, \"error\": ";
    js_quote_append(body, to_string(e.kind));
    body += "}";
    return json_reply(http_status(e.kind), std::move(body));
  }

  bool has_token_endpoint() const override { return c_.auth == SepayAuth::oauth2; }

  // OAuth2 client credentials (RFC 6749 §4.4): the client authenticates with HTTP Basic or with
  // client_id/client_secret in the form (or JSON) body; grant_type must be client_credentials.
  Result<HttpReply, AuthError> handle_token_request(const HttpRequest& req,
                                                    UnixMs now) const override {
    if (c_.auth != SepayAuth::oauth2) return Adapter::handle_token_request(req, now);
    std::string grant_type;
    std::string id;
    std::string secret;
    bool have_basic = false;
    if (std::optional<std::string_view> h = req.headers.get("Authorization")) {
      std::optional<std::string_view> b64 = credentials_after_scheme(*h, "Basic");
      std::optional<std::pair<std::string, std::string>> creds;
      if (b64) creds = decode_basic(*b64);
      if (!creds)
        return Err(AuthError{AuthErrorKind::malformed_header, "Authorization is not valid Basic"});
      id = std::move(creds->first);
      secret = std::move(creds->second);
      have_basic = true;
    }
    std::string_view body = req.body;
    if (body.size() > kCredentialBytesMax) {
      return Err(AuthError{AuthErrorKind::bad_request, "token request body too large"});
    }
    std::vector<std::pair<std::string, std::string>> fields;
    std::string_view trimmed = body;
    while (!trimmed.empty() && (trimmed.front() == ' ' || trimmed.front() == '\n'))
      trimmed.remove_prefix(1);
    if (!trimmed.empty() && trimmed.front() == '{') {
      Result<json::value, ParseError> v = parse_json_strict(body);
      if (!v.ok() || !v->is_object()) {
        return Err(
            AuthError{AuthErrorKind::bad_request, "token request body is not a JSON object"});
      }
      for (const auto& kv : v->get_object()) {
        if (kv.value().is_string()) fields.emplace_back(kv.key(), kv.value().get_string());
      }
    } else {
      auto form = parse_form(body);
      if (!form) return Err(AuthError{AuthErrorKind::bad_request, "malformed form body"});
      fields = std::move(*form);
    }
    for (auto& [k, v] : fields) {
      if (k == "grant_type") grant_type = v;
      if (!have_basic && k == "client_id") id = v;
      if (!have_basic && k == "client_secret") secret = v;
    }
    if (!grant_type.empty() && grant_type != "client_credentials") {
      return Err(AuthError{AuthErrorKind::bad_request, "grant_type must be client_credentials"});
    }
    if (id.empty() && secret.empty()) {
      return Err(AuthError{AuthErrorKind::missing_credentials, "no client credentials"});
    }
    // Both compared, always, so timing does not reveal which one was wrong.
    bool id_ok = constant_time_equal(id, c_.client_id);
    bool secret_ok = constant_time_equal(secret, c_.client_secret);
    if (!(id_ok & secret_ok)) {
      return Err(AuthError{AuthErrorKind::bad_credentials, "client credentials do not match"});
    }
    return tokens_.reply(tokens_.issue(id, now));
  }

 private:
  Result<VerifiedScheme, AuthError> authenticate_hmac(const HttpRequest& req, UnixMs now) const {
    std::optional<std::string_view> ts = req.headers.get("X-SePay-Timestamp");
    std::optional<std::string_view> sig = req.headers.get("X-SePay-Signature");
    if (!ts || !sig) {
      return Err(AuthError{AuthErrorKind::missing_credentials,
                           "X-SePay-Timestamp and X-SePay-Signature are required"});
    }
    std::optional<std::int64_t> seconds = parse_timestamp_digits(*ts);
    if (!seconds) {
      return Err(
          AuthError{AuthErrorKind::malformed_header, "X-SePay-Timestamp is not unix seconds"});
    }
    if (auto e = check_window(*seconds * 1000, now, c_.tolerance_s * 1000, "X-SePay-Timestamp")) {
      return Err(*std::move(e));
    }
    constexpr std::string_view kPrefix = "sha256=";
    std::string_view s = *sig;
    if (s.size() < kPrefix.size() || !iequals(s.substr(0, kPrefix.size()), kPrefix)) {
      return Err(AuthError{AuthErrorKind::malformed_header, "X-SePay-Signature lacks \"sha256=\""});
    }
    std::optional<std::string> given = hex_decode(s.substr(kPrefix.size()));
    if (!given || given->size() != 32) {
      return Err(
          AuthError{AuthErrorKind::malformed_header, "X-SePay-Signature is not 64 hex digits"});
    }
    Digest expected = hmac_.compute({*ts, ".", req.body});
    if (!constant_time_equal(expected.view(), *given)) {
      return Err(AuthError{AuthErrorKind::bad_signature, "X-SePay-Signature does not match"});
    }
    return VerifiedScheme::hmac_sha256;
  }

  SepayConfig c_;
  HmacKey hmac_;
  TokenIssuer tokens_;
};

class SepaySigner final : public Signer {
 public:
  explicit SepaySigner(SepayConfig c) : c_(std::move(c)), hmac_(HashAlg::sha256, c_.secret) {}

  std::string_view kind() const override { return "sepay"; }
  std::size_t max_credits_per_request() const override { return 1; }

  Result<HttpRequest> sign(std::span<const BankCredit> credits, UnixMs now,
                           std::string_view bearer) const override {
    if (credits.size() != 1)
      return invalid_argument("SePay sends exactly one transaction per request");
    const BankCredit& c = credits[0];
    if (c.provider_txn_id.empty() ||
        !std::all_of(c.provider_txn_id.begin(), c.provider_txn_id.end(),
                     [](char ch) { return ch >= '0' && ch <= '9'; }) ||
        c.provider_txn_id.size() > 18) {
      return invalid_argument("SePay transaction ids are integers");
    }
    if (!c.amount.positive()) return invalid_argument("amount must be positive");
    std::string b = "{\"id\":" + c.provider_txn_id + ",\"gateway\":";
    js_quote_append(b, c.bank);
    b += ",\"transactionDate\":";
    js_quote_append(b, format_vn_datetime(c.occurred_at_ms));
    b += ",\"accountNumber\":";
    js_quote_append(b, c.account);
    b += ",\"code\":null,\"content\":";
    js_quote_append(b, c.description);
    b += ",\"transferType\":\"";
    b += c.direction == Direction::out ? "out" : "in";
    b += "\",\"transferAmount\":" + std::to_string(c.amount.vnd());
    // The balance after the transfer: SePay always sends one; BankCredit does not carry it.
    b += ",\"accumulated\":" + std::to_string(c.amount.vnd());
    b += ",\"subAccount\":";
    if (c.sub_account.empty()) {
      b += "null";
    } else {
      js_quote_append(b, c.sub_account);
    }
    b += ",\"referenceCode\":";
    js_quote_append(b, c.bank_reference);
    b += ",\"description\":\"\"}";

    HttpRequest req;
    req.method = "POST";
    req.target = webhook_path(c_.instance);
    req.headers.add("Content-Type", "application/json");
    switch (c_.auth) {
      case SepayAuth::none:
        break;
      case SepayAuth::apikey:
        req.headers.add("Authorization", "Apikey " + c_.api_key);
        break;
      case SepayAuth::hmac: {
        std::string ts = std::to_string(now / 1000);
        Digest d = hmac_.compute({ts, ".", b});
        req.headers.add("X-SePay-Timestamp", ts);
        req.headers.add("X-SePay-Signature", "sha256=" + hex_lower(d.view()));
        break;
      }
      case SepayAuth::oauth2:
        if (bearer.empty()) return invalid_argument("SePay OAuth2 mode needs a bearer token");
        req.headers.add("Authorization", "Bearer " + std::string(bearer));
        break;
    }
    req.body = std::move(b);
    return req;
  }

  std::optional<HttpRequest> token_request(UnixMs) const override {
    if (c_.auth != SepayAuth::oauth2) return std::nullopt;
    HttpRequest req;
    req.method = "POST";
    req.target = sepay_token_path(c_.instance);
    req.headers.add("Content-Type", "application/x-www-form-urlencoded");
    req.headers.add("Authorization",
                    "Basic " + base64_encode(c_.client_id + ":" + c_.client_secret));
    req.body = "grant_type=client_credentials";
    return req;
  }

 private:
  SepayConfig c_;
  HmacKey hmac_;
};

}  // namespace

Result<std::unique_ptr<Adapter>> make_sepay(const ConfigReader& config) {
  CHO4_ASSIGN_OR_RETURN(SepayConfig c, read_config(config));
  return std::unique_ptr<Adapter>(std::make_unique<SepayAdapter>(std::move(c)));
}

Result<std::unique_ptr<Signer>> make_sepay_signer(const ConfigReader& config) {
  CHO4_ASSIGN_OR_RETURN(SepayConfig c, read_config(config));
  return std::unique_ptr<Signer>(std::make_unique<SepaySigner>(std::move(c)));
}

}  // namespace cho4::adapters::internal
