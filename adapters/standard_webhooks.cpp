// Standard Webhooks (standardwebhooks.com): `webhook-id`, `webhook-timestamp` (unix seconds) and
// `webhook-signature: v1,<base64 HMAC-SHA256(key, id "." timestamp "." body)>`, possibly several
// space-separated signatures (key rotation). The secret is "whsec_" + base64 of the key.
//
// The body is cho4's own event shape for banks that adopt the standard:
//   {"type":"bank.transaction","timestamp":"…","data":{…}} or "data":[{…},…]
// each entry: id (string or integer; for a single object the webhook-id when absent), amount
// (integer đồng; negative = out), direction ("in"/"out", optional), description, account,
// sub_account, bank, reference, occurred_at_ms (epoch ms).
#include <algorithm>

#include "adapters/canonical_json.h"
#include "adapters/internal.h"
#include "adapters/limits.h"

namespace cho4::adapters::internal {

namespace {

struct SwConfig {
  std::string instance;
  std::string secret_text;  // "whsec_…" as configured
  std::string key;          // decoded
  std::int64_t tolerance_s = kDefaultToleranceS;
};

Result<SwConfig> read_config(const ConfigReader& r) {
  SwConfig c;
  CHO4_ASSIGN_OR_RETURN(c.instance, r.name());
  CHO4_ASSIGN_OR_RETURN(c.secret_text, r.secret("secret"));
  std::string_view b64 = c.secret_text;
  if (b64.starts_with("whsec_")) b64.remove_prefix(6);
  std::optional<std::string> key = base64_decode(b64);
  if (!key || key->size() < 16) {
    return invalid_argument(
        "adapter config: standard_webhooks \"secret\" must be whsec_ + base64 of >= 16 bytes");
  }
  c.key = std::move(*key);
  CHO4_ASSIGN_OR_RETURN(c.tolerance_s, r.integer("tolerance_s", kDefaultToleranceS, 1, 86400));
  return c;
}

constexpr std::size_t kWebhookIdBytesMax = 256;

class SwAdapter final : public Adapter {
 public:
  explicit SwAdapter(SwConfig c) : c_(std::move(c)), key_(HashAlg::sha256, c_.key) {}

  std::string_view kind() const override { return "standard_webhooks"; }
  std::string_view instance() const override { return c_.instance; }

  Result<VerifiedScheme, AuthError> authenticate(const HttpRequest& req,
                                                 UnixMs now) const override {
    std::optional<std::string_view> id = req.headers.get("webhook-id");
    std::optional<std::string_view> ts = req.headers.get("webhook-timestamp");
    std::optional<std::string_view> sigs = req.headers.get("webhook-signature");
    if (!id || !ts || !sigs) {
      return Err(AuthError{AuthErrorKind::missing_credentials,
                           "webhook-id, webhook-timestamp and webhook-signature are required"});
    }
    if (id->empty() || id->size() > kWebhookIdBytesMax) {
      return Err(AuthError{AuthErrorKind::malformed_header, "webhook-id is empty or too long"});
    }
    std::optional<std::int64_t> seconds = parse_timestamp_digits(*ts);
    if (!seconds) {
      return Err(
          AuthError{AuthErrorKind::malformed_header, "webhook-timestamp is not unix seconds"});
    }
    if (auto e = check_window(*seconds * 1000, now, c_.tolerance_s * 1000, "webhook-timestamp")) {
      return Err(*std::move(e));
    }
    std::string expected = base64_encode(key_.compute({*id, ".", *ts, ".", req.body}).view());
    bool any_v1 = false;
    bool match = false;
    std::string_view rest = *sigs;
    while (!rest.empty()) {
      std::size_t sp = rest.find(' ');
      std::string_view item = rest.substr(0, sp);
      rest = sp == std::string_view::npos ? std::string_view() : rest.substr(sp + 1);
      if (!item.starts_with("v1,")) continue;  // other versions (v1a: asymmetric) are not ours
      any_v1 = true;
      match |= constant_time_equal(item.substr(3), expected);
    }
    if (!any_v1) {
      return Err(AuthError{AuthErrorKind::malformed_header, "webhook-signature has no v1 entry"});
    }
    if (!match) {
      return Err(AuthError{AuthErrorKind::bad_signature, "no webhook-signature entry matches"});
    }
    return VerifiedScheme::standard_webhooks;
  }

  Result<std::vector<BankCredit>, ParseError> parse(const HttpRequest& req,
                                                    UnixMs received_at) const override {
    ParseArena arena;
    CHO4_ASSIGN_OR_RETURN(json::value body, parse_json_strict(req.body, arena.storage()));
    CHO4_ASSIGN_OR_RETURN(const json::object* o, as_object(body, ""));
    const json::value* data = o->if_contains("data");
    if (data == nullptr || data->is_null()) {
      return Err(ParseError{ParseErrorKind::missing_field, "data", "data is required"});
    }
    std::vector<BankCredit> out;
    if (data->is_array()) {
      const json::array& a = data->get_array();
      if (a.size() > kCreditsPerRequestMax) {
        return Err(ParseError{ParseErrorKind::too_many_credits, "data", "too many transactions"});
      }
      for (std::size_t i = 0; i < a.size(); ++i) {
        std::string prefix = "data[" + std::to_string(i) + "]";
        CHO4_ASSIGN_OR_RETURN(const json::object* e, as_object(a[i], prefix));
        CHO4_ASSIGN_OR_RETURN(BankCredit c, parse_entry(*e, prefix, std::nullopt, received_at));
        out.push_back(std::move(c));
      }
      return out;
    }
    CHO4_ASSIGN_OR_RETURN(const json::object* e, as_object(*data, "data"));
    CHO4_ASSIGN_OR_RETURN(BankCredit c,
                          parse_entry(*e, "data", req.headers.get("webhook-id"), received_at));
    out.push_back(std::move(c));
    return out;
  }

  HttpReply success_response(const std::vector<BankCredit>&) const override {
    return HttpReply{200, "application/json", "{\"ok\":true}"};
  }

 private:
  Result<BankCredit, ParseError> parse_entry(const json::object& e, const std::string& prefix,
                                             std::optional<std::string_view> webhook_id,
                                             UnixMs received_at) const {
    BankCredit c;
    c.adapter_instance = c_.instance;
    c.received_at_ms = received_at;
    c.verified = VerifiedScheme::standard_webhooks;
    if (webhook_id && member(e, "id") == nullptr) {
      c.provider_txn_id = std::string(*webhook_id);
    } else {
      CHO4_ASSIGN_OR_RETURN(c.provider_txn_id, read_id(e, "id", prefix));
    }
    CHO4_ASSIGN_OR_RETURN(std::int64_t amount, read_amount(e, "amount", prefix));
    set_signed_amount(c, amount);
    CHO4_ASSIGN_OR_RETURN(std::string direction, read_text(e, "direction", prefix));
    if (!direction.empty()) {
      bool out = iequals(direction, "out");
      if (!out && !iequals(direction, "in")) {
        return Err(ParseError{ParseErrorKind::bad_value, join_path(prefix, "direction"),
                              "expected \"in\" or \"out\""});
      }
      if (amount < 0 && !out) {
        return Err(ParseError{ParseErrorKind::bad_value, join_path(prefix, "direction"),
                              "a negative amount contradicts direction \"in\""});
      }
      c.direction = out ? Direction::out : Direction::in;
    }
    CHO4_ASSIGN_OR_RETURN(c.description, read_text(e, "description", prefix));
    CHO4_ASSIGN_OR_RETURN(c.account, read_text(e, "account", prefix, true));
    CHO4_ASSIGN_OR_RETURN(c.sub_account, read_text(e, "sub_account", prefix));
    CHO4_ASSIGN_OR_RETURN(c.bank, read_text(e, "bank", prefix));
    CHO4_ASSIGN_OR_RETURN(c.bank_reference, read_text(e, "reference", prefix));
    CHO4_ASSIGN_OR_RETURN(c.occurred_at_ms, read_epoch_ms(e, "occurred_at_ms", prefix));
    return c;
  }

  SwConfig c_;
  HmacKey key_;
};

class SwSigner final : public Signer {
 public:
  explicit SwSigner(SwConfig c) : c_(std::move(c)), key_(HashAlg::sha256, c_.key) {}
  std::string_view kind() const override { return "standard_webhooks"; }
  std::size_t max_credits_per_request() const override { return kCreditsPerRequestMax; }

  Result<HttpRequest> sign(std::span<const BankCredit> credits, UnixMs now,
                           std::string_view) const override {
    if (credits.empty() || credits.size() > kCreditsPerRequestMax) {
      return invalid_argument("a Standard Webhooks message carries 1.." +
                              std::to_string(kCreditsPerRequestMax) + " transactions");
    }
    json::array entries;
    for (const BankCredit& c : credits) {
      if (!c.amount.positive()) return invalid_argument("amount must be positive");
      if (c.provider_txn_id.empty()) return invalid_argument("every transaction needs an id");
      json::object e;
      e["id"] = c.provider_txn_id;
      e["amount"] = c.amount.vnd();
      e["direction"] = c.direction == Direction::out ? "out" : "in";
      e["description"] = c.description;
      e["account"] = c.account;
      e["sub_account"] = c.sub_account;
      e["bank"] = c.bank;
      e["reference"] = c.bank_reference;
      e["occurred_at_ms"] = c.occurred_at_ms;
      entries.push_back(std::move(e));
    }
    json::object body;
    body["type"] = "bank.transaction";
    body["timestamp"] = format_rfc3339_utc(now);
    // The message id identifies this delivery; retries of one message keep it.
    std::string msg_id = "msg_" + credits[0].provider_txn_id;
    if (credits.size() == 1) {
      body["data"] = std::move(entries[0]);
    } else {
      msg_id += "_" + std::to_string(credits.size());
      body["data"] = std::move(entries);
    }
    HttpRequest req;
    req.method = "POST";
    req.target = webhook_path(c_.instance);
    req.headers.add("Content-Type", "application/json");
    req.body = js_stringify(body);
    std::string ts = std::to_string(now / 1000);
    req.headers.add("webhook-id", msg_id);
    req.headers.add("webhook-timestamp", ts);
    req.headers.add("webhook-signature",
                    "v1," + base64_encode(key_.compute({msg_id, ".", ts, ".", req.body}).view()));
    return req;
  }

 private:
  SwConfig c_;
  HmacKey key_;
};

}  // namespace

Result<std::unique_ptr<Adapter>> make_standard_webhooks(const ConfigReader& config) {
  CHO4_ASSIGN_OR_RETURN(SwConfig c, read_config(config));
  return std::unique_ptr<Adapter>(std::make_unique<SwAdapter>(std::move(c)));
}

Result<std::unique_ptr<Signer>> make_standard_webhooks_signer(const ConfigReader& config) {
  CHO4_ASSIGN_OR_RETURN(SwConfig c, read_config(config));
  return std::unique_ptr<Signer>(std::make_unique<SwSigner>(std::move(c)));
}

}  // namespace cho4::adapters::internal
