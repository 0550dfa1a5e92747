// Casso. v1: `Secure-Token: <static key>`, body {"error":0,"data":[…]} with one entry per
// transaction, dates only ("when"). v2: `X-Casso-Signature: t=<unix ms>,v1=<hex HMAC-SHA512>`
// over t + "." + the whole body recursively key-sorted and serialised compactly; Casso's own
// senders disagree on escaping "/" and non-ASCII in that JSON, so every escaping form verifies.
// A negative amount is money out in both versions.
#include <algorithm>

#include "adapters/canonical_json.h"
#include "adapters/internal.h"
#include "adapters/limits.h"

namespace cho4::adapters::internal {

namespace {

struct CassoConfig {
  std::string instance;
  int version = 2;
  std::string secure_token;  // v1
  std::string secret;        // v2 checksum key
  std::int64_t tolerance_s = kDefaultToleranceS;
};

Result<CassoConfig> read_config(const ConfigReader& r) {
  CassoConfig c;
  CHO4_ASSIGN_OR_RETURN(c.instance, r.name());
  CHO4_ASSIGN_OR_RETURN(std::int64_t version, r.integer("version", 2, 1, 2));
  c.version = static_cast<int>(version);
  if (c.version == 1) {
    CHO4_ASSIGN_OR_RETURN(c.secure_token, r.secret("secure_token"));
  } else {
    CHO4_ASSIGN_OR_RETURN(c.secret, r.secret("secret"));
    CHO4_ASSIGN_OR_RETURN(c.tolerance_s, r.integer("tolerance_s", kDefaultToleranceS, 1, 86400));
  }
  return c;
}

struct CassoSignature {
  std::string_view t;
  std::vector<std::string_view> v1;  // several during key rotation
};

std::optional<CassoSignature> parse_signature_header(std::string_view h) {
  CassoSignature s;
  std::size_t start = 0;
  while (start <= h.size()) {
    std::size_t comma = h.find(',', start);
    std::string_view item =
        h.substr(start, comma == std::string_view::npos ? comma : comma - start);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (item.starts_with("t=")) {
      s.t = item.substr(2);
    } else if (item.starts_with("v1=")) {
      s.v1.push_back(item.substr(3));
    }
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  if (s.t.empty() || s.v1.empty()) return std::nullopt;
  return s;
}

bool needs_escaping_variants(std::string_view body) {
  return std::any_of(body.begin(), body.end(),
                     [](char c) { return c == '/' || static_cast<unsigned char>(c) >= 0x80; });
}

class CassoAdapter final : public Adapter {
 public:
  explicit CassoAdapter(CassoConfig c) : c_(std::move(c)), key_(HashAlg::sha512, c_.secret) {}

  std::string_view kind() const override { return "casso"; }
  std::string_view instance() const override { return c_.instance; }

  Result<VerifiedScheme, AuthError> authenticate(const HttpRequest& req,
                                                 UnixMs now) const override {
    if (c_.version == 1) {
      std::optional<std::string_view> token = req.headers.get("Secure-Token");
      if (!token)
        return Err(AuthError{AuthErrorKind::missing_credentials, "no Secure-Token header"});
      if (!constant_time_equal(*token, c_.secure_token)) {
        return Err(AuthError{AuthErrorKind::bad_credentials, "Secure-Token does not match"});
      }
      return VerifiedScheme::api_key;
    }
    std::optional<std::string_view> h = req.headers.get("X-Casso-Signature");
    if (!h)
      return Err(AuthError{AuthErrorKind::missing_credentials, "no X-Casso-Signature header"});
    std::optional<CassoSignature> sig = parse_signature_header(*h);
    if (!sig) {
      return Err(AuthError{AuthErrorKind::malformed_header, "X-Casso-Signature lacks t= or v1="});
    }
    std::optional<std::int64_t> t = parse_timestamp_digits(sig->t);
    if (!t) return Err(AuthError{AuthErrorKind::malformed_header, "t= is not unix milliseconds"});
    if (auto e = check_window(*t, now, c_.tolerance_s * 1000, "X-Casso-Signature t")) {
      return Err(*std::move(e));
    }
    std::vector<std::string> given;
    for (std::string_view v : sig->v1) {
      std::optional<std::string> bytes = hex_decode(v);
      if (bytes && bytes->size() == 64) given.push_back(std::move(*bytes));
    }
    if (given.empty()) {
      return Err(AuthError{AuthErrorKind::malformed_header, "v1= is not 128 hex digits"});
    }
    auto matches = [&](std::string_view message) {
      Digest d = key_.compute({sig->t, ".", message});
      bool any = false;
      for (const std::string& g : given) any |= constant_time_equal(d.view(), g);
      return any;
    };
    ParseArena arena;
    Result<json::value, ParseError> body = parse_json_strict(req.body, arena.storage());
    if (body.ok()) {
      StringifyOptions opt{KeyOrder::utf16, false, false};
      if (matches(js_stringify(*body, opt))) return VerifiedScheme::casso_hmac_sha512;
      if (needs_escaping_variants(req.body)) {
        for (auto [slash, unicode] : {std::pair{true, true}, {true, false}, {false, true}}) {
          opt.escape_slash = slash;
          opt.escape_non_ascii = unicode;
          if (matches(js_stringify(*body, opt))) return VerifiedScheme::casso_hmac_sha512;
        }
      }
    }
    // A body that is not JSON can still be genuine if the sender signed its raw bytes; it then
    // goes on to parse() and is dead-lettered rather than lost.
    if (matches(req.body)) return VerifiedScheme::casso_hmac_sha512;
    return Err(AuthError{AuthErrorKind::bad_signature, "X-Casso-Signature does not match"});
  }

  Result<std::vector<BankCredit>, ParseError> parse(const HttpRequest& req,
                                                    UnixMs received_at) const override {
    ParseArena arena;
    CHO4_ASSIGN_OR_RETURN(json::value body, parse_json_strict(req.body, arena.storage()));
    CHO4_ASSIGN_OR_RETURN(const json::object* o, as_object(body, ""));
    if (const json::value* err = o->if_contains("error");
        err != nullptr && !(err->is_int64() && err->get_int64() == 0) && !err->is_null()) {
      return Err(ParseError{ParseErrorKind::bad_value, "error", "Casso reports an error"});
    }
    const json::value* data = o->if_contains("data");
    if (data == nullptr || data->is_null()) {
      return Err(ParseError{ParseErrorKind::missing_field, "data", "data is required"});
    }
    std::vector<BankCredit> out;
    if (c_.version == 1) {
      if (!data->is_array()) {
        return Err(ParseError{ParseErrorKind::wrong_type, "data", "Casso v1 data is an array"});
      }
      const json::array& a = data->get_array();
      if (a.size() > kCreditsPerRequestMax) {
        return Err(ParseError{ParseErrorKind::too_many_credits, "data", "too many transactions"});
      }
      out.reserve(a.size());
      for (std::size_t i = 0; i < a.size(); ++i) {
        std::string prefix = "data[" + std::to_string(i) + "]";
        CHO4_ASSIGN_OR_RETURN(const json::object* e, as_object(a[i], prefix));
        CHO4_ASSIGN_OR_RETURN(BankCredit c, parse_v1(*e, prefix));
        c.received_at_ms = received_at;
        out.push_back(std::move(c));
      }
      return out;
    }
    CHO4_ASSIGN_OR_RETURN(const json::object* d, as_object(*data, "data"));
    CHO4_ASSIGN_OR_RETURN(BankCredit c, parse_v2(*d));
    c.received_at_ms = received_at;
    out.push_back(std::move(c));
    return out;
  }

  HttpReply success_response(const std::vector<BankCredit>&) const override {
    return HttpReply{200, "application/json", "{\"success\":true}"};
  }

 private:
  Result<BankCredit, ParseError> parse_v1(const json::object& e, const std::string& prefix) const {
    BankCredit c;
    c.adapter_instance = c_.instance;
    c.verified = VerifiedScheme::api_key;
    CHO4_ASSIGN_OR_RETURN(c.provider_txn_id, read_id(e, "id", prefix));
    CHO4_ASSIGN_OR_RETURN(std::int64_t amount, read_amount(e, "amount", prefix));
    set_signed_amount(c, amount);
    CHO4_ASSIGN_OR_RETURN(c.description, read_text(e, "description", prefix));
    CHO4_ASSIGN_OR_RETURN(c.bank_reference, read_text(e, "tid", prefix));
    // v1's subAccId is the bank account number the transaction belongs to.
    CHO4_ASSIGN_OR_RETURN(c.account, read_text(e, "subAccId", prefix, true));
    CHO4_ASSIGN_OR_RETURN(std::string when, read_text(e, "when", prefix, true));
    if (when.size() == 10) {
      Result<CivilDate> d = parse_date(when);
      if (!d.ok()) {
        return Err(
            ParseError{ParseErrorKind::bad_time, join_path(prefix, "when"), d.error().message()});
      }
      c.occurred_at_ms = vn_day_start_ms(*d);
      c.occurred_date_only = true;
    } else {
      Result<UnixMs> t = parse_vn_datetime(when);
      if (!t.ok()) {
        return Err(
            ParseError{ParseErrorKind::bad_time, join_path(prefix, "when"), t.error().message()});
      }
      c.occurred_at_ms = *t;
    }
    return c;
  }

  Result<BankCredit, ParseError> parse_v2(const json::object& d) const {
    BankCredit c;
    c.adapter_instance = c_.instance;
    c.verified = VerifiedScheme::casso_hmac_sha512;
    CHO4_ASSIGN_OR_RETURN(c.provider_txn_id, read_id(d, "id", "data"));
    CHO4_ASSIGN_OR_RETURN(c.bank_reference, read_text(d, "reference", "data"));
    CHO4_ASSIGN_OR_RETURN(c.description, read_text(d, "description", "data"));
    CHO4_ASSIGN_OR_RETURN(std::int64_t amount, read_amount(d, "amount", "data"));
    set_signed_amount(c, amount);
    CHO4_ASSIGN_OR_RETURN(c.occurred_at_ms, read_vn_datetime(d, "transactionDateTime", "data"));
    CHO4_ASSIGN_OR_RETURN(c.account, read_text(d, "accountNumber", "data", true));
    CHO4_ASSIGN_OR_RETURN(c.bank, read_text(d, "bankAbbreviation", "data"));
    if (c.bank.empty()) {
      CHO4_ASSIGN_OR_RETURN(c.bank, read_text(d, "bankName", "data"));
    }
    CHO4_ASSIGN_OR_RETURN(c.sub_account, read_text(d, "virtualAccountNumber", "data"));
    return c;
  }

  CassoConfig c_;
  HmacKey key_;
};

class CassoSigner final : public Signer {
 public:
  explicit CassoSigner(CassoConfig c) : c_(std::move(c)), key_(HashAlg::sha512, c_.secret) {}
  std::string_view kind() const override { return "casso"; }
  std::size_t max_credits_per_request() const override {
    return c_.version == 1 ? kCreditsPerRequestMax : 1;
  }

  Result<HttpRequest> sign(std::span<const BankCredit> credits, UnixMs now,
                           std::string_view) const override {
    if (credits.empty() || credits.size() > max_credits_per_request()) {
      return invalid_argument("Casso v" + std::to_string(c_.version) + " carries 1.." +
                              std::to_string(max_credits_per_request()) + " transactions");
    }
    json::object body;
    body["error"] = 0;
    for (const BankCredit& c : credits) {
      if (!c.amount.positive()) return invalid_argument("amount must be positive");
    }
    HttpRequest req;
    req.method = "POST";
    req.target = webhook_path(c_.instance);
    req.headers.add("Content-Type", "application/json");
    if (c_.version == 1) {
      json::array data;
      for (const BankCredit& c : credits) {
        json::object e;
        e["id"] = id_value(c.provider_txn_id);
        e["when"] = c.occurred_date_only ? format_date(vn_date(c.occurred_at_ms))
                                         : format_vn_datetime(c.occurred_at_ms);
        e["amount"] = signed_amount(c);
        e["description"] = c.description;
        e["cusum_balance"] = 0;
        e["tid"] = c.bank_reference;
        e["subAccId"] = c.account;
        data.push_back(std::move(e));
      }
      body["data"] = std::move(data);
      req.headers.add("Secure-Token", c_.secure_token);
      req.body = js_stringify(body);
      return req;
    }
    const BankCredit& c = credits[0];
    json::object d;
    d["id"] = id_value(c.provider_txn_id);
    d["reference"] = c.bank_reference;
    d["description"] = c.description;
    d["amount"] = signed_amount(c);
    d["runningBalance"] = 0;
    d["transactionDateTime"] = format_vn_datetime(c.occurred_at_ms);
    d["accountNumber"] = c.account;
    d["bankName"] = c.bank;
    d["bankAbbreviation"] = c.bank;
    d["virtualAccountNumber"] = c.sub_account;
    d["virtualAccountName"] = "";
    d["counterAccountName"] = "";
    d["counterAccountNumber"] = "";
    d["counterAccountBankId"] = "";
    d["counterAccountBankName"] = "";
    body["data"] = std::move(d);
    req.body = js_stringify(body);
    std::string t = std::to_string(now);
    std::string sorted = js_stringify(body, StringifyOptions{KeyOrder::utf16, false, false});
    Digest mac = key_.compute({t, ".", sorted});
    req.headers.add("X-Casso-Signature", "t=" + t + ",v1=" + hex_lower(mac.view()));
    return req;
  }

 private:
  // Casso ids are integers; a non-numeric id is sent as a string.
  static json::value id_value(const std::string& id) {
    if (!id.empty() && id.size() <= 18 &&
        std::all_of(id.begin(), id.end(), [](char ch) { return ch >= '0' && ch <= '9'; }) &&
        (id == "0" || id[0] != '0')) {
      return json::value(std::stoll(id));
    }
    return json::value(id);
  }

  CassoConfig c_;
  HmacKey key_;
};

}  // namespace

Result<std::unique_ptr<Adapter>> make_casso(const ConfigReader& config) {
  CHO4_ASSIGN_OR_RETURN(CassoConfig c, read_config(config));
  return std::unique_ptr<Adapter>(std::make_unique<CassoAdapter>(std::move(c)));
}

Result<std::unique_ptr<Signer>> make_casso_signer(const ConfigReader& config) {
  CHO4_ASSIGN_OR_RETURN(CassoConfig c, read_config(config));
  return std::unique_ptr<Signer>(std::make_unique<CassoSigner>(std::move(c)));
}

}  // namespace cho4::adapters::internal
