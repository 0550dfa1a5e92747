// payOS: {code, desc, success, data{…}, signature}. The signature is lower-hex HMAC-SHA256 with
// the checksum key over `data` flattened the way payOS's Node SDK does it (keys sorted, values
// stringified as JavaScript would, joined as k=v&k=v). Only `data` is signed, so nothing is taken
// from the envelope. payOS reports incoming payments only, and sends no timestamp (no replay
// window: the ledger's idempotency handles redeliveries).
#include <algorithm>
#include <cstdio>

#include "adapters/canonical_json.h"
#include "adapters/internal.h"
#include "adapters/limits.h"
#include "core/vn_text.h"

namespace cho4::adapters::internal {

namespace {

struct PayosConfig {
  std::string instance;
  std::string checksum_key;
};

Result<PayosConfig> read_config(const ConfigReader& r) {
  PayosConfig c;
  CHO4_ASSIGN_OR_RETURN(c.instance, r.name());
  CHO4_ASSIGN_OR_RETURN(c.checksum_key, r.secret("checksum_key"));
  return c;
}

// sortObjDataByKey(element) of the SDK: Object.keys(x).sort() applied to one array element.
// Objects get their own keys sorted (one level); a string's keys are its UTF-16 indices; numbers,
// booleans and null have no keys and become {}.
void append_sorted_element(std::string& out, const json::value& e) {
  if (e.is_object()) {
    const json::object& o = e.get_object();
    std::vector<const json::key_value_pair*> members;
    for (const auto& kv : o) members.push_back(&kv);
    std::stable_sort(members.begin(), members.end(),
                     [](auto* a, auto* b) { return utf16_less(a->key(), b->key()); });
    out += '{';
    bool first = true;
    for (const auto* kv : members) {
      if (!first) out += ',';
      first = false;
      js_quote_append(out, kv->key());
      out += ':';
      js_stringify_append(out, kv->value());  // deeper levels keep their order
    }
    out += '}';
    return;
  }
  if (e.is_string()) {
    // {"0":"a","1":"b",…}: one entry per UTF-16 code unit, keys sorted as strings ("10" < "2").
    std::vector<std::pair<std::string, std::string>> units;
    std::string_view s = e.get_string();
    std::size_t pos = 0;
    while (pos < s.size()) {
      std::size_t start = pos;
      std::optional<char32_t> cp = next_code_point(s, pos);
      std::string literal;
      if (cp && *cp >= 0x10000) {
        // A lone surrogate each: JSON.stringify writes them as escapes.
        std::uint32_t v = static_cast<std::uint32_t>(*cp) - 0x10000u;
        char buf[16];
        std::snprintf(buf, sizeof buf, "\"\\u%04x\"", 0xD800u + (v >> 10));
        units.emplace_back(std::to_string(units.size()), buf);
        std::snprintf(buf, sizeof buf, "\"\\u%04x\"", 0xDC00u + (v & 0x3FFu));
        units.emplace_back(std::to_string(units.size()), buf);
        continue;
      }
      js_quote_append(literal, s.substr(start, pos - start));
      units.emplace_back(std::to_string(units.size()), std::move(literal));
    }
    std::stable_sort(units.begin(), units.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    out += '{';
    bool first = true;
    for (const auto& [k, v] : units) {
      if (!first) out += ',';
      first = false;
      out += '"' + k + "\":" + v;
    }
    out += '}';
    return;
  }
  out += "{}";
}

// The SDK's `${value}` for one value.
void append_value(std::string& out, const json::value& v) {
  switch (v.kind()) {
    case json::kind::null:
      return;
    case json::kind::string: {
      std::string_view s = v.get_string();
      if (s == "null" || s == "undefined") return;
      out += s;  // raw UTF-8, no URL encoding
      return;
    }
    case json::kind::bool_:
      out += v.get_bool() ? "true" : "false";
      return;
    case json::kind::int64:
    case json::kind::uint64:
    case json::kind::double_: {
      json::array one;
      one.push_back(v);
      std::string text = js_stringify(one);  // "[<number as JS prints it>]"
      out.append(text, 1, text.size() - 2);
      return;
    }
    case json::kind::array: {
      out += '[';
      bool first = true;
      for (const json::value& e : v.get_array()) {
        if (!first) out += ',';
        first = false;
        append_sorted_element(out, e);
      }
      out += ']';
      return;
    }
    case json::kind::object:
      out += "[object Object]";
      return;
  }
}

class PayosAdapter final : public Adapter {
 public:
  explicit PayosAdapter(PayosConfig c) : c_(std::move(c)), key_(HashAlg::sha256, c_.checksum_key) {}

  std::string_view kind() const override { return "payos"; }
  std::string_view instance() const override { return c_.instance; }

  Result<VerifiedScheme, AuthError> authenticate(const HttpRequest& req, UnixMs) const override {
    ParseArena arena;
    Result<json::value, ParseError> body = parse_json_strict(req.body, arena.storage());
    if (!body.ok() || !body->is_object()) {
      // The signature lives inside the body: one that does not parse cannot carry a valid one.
      return Err(AuthError{AuthErrorKind::bad_signature,
                           "payOS signs the body's data: the body is not a JSON object"});
    }
    const json::object& o = body->get_object();
    const json::value* sig = o.if_contains("signature");
    const json::value* data = o.if_contains("data");
    if (sig == nullptr || !sig->is_string() || data == nullptr) {
      return Err(
          AuthError{AuthErrorKind::missing_credentials, "no signature or no data in the body"});
    }
    if (!data->is_object()) {
      return Err(AuthError{AuthErrorKind::malformed_header, "payOS data is not an object"});
    }
    std::optional<std::string> given = hex_decode(sig->get_string());
    if (!given || given->size() != 32) {
      return Err(AuthError{AuthErrorKind::malformed_header, "signature is not 64 hex digits"});
    }
    Digest expected = key_.compute(payos_signed_string(data->get_object()));
    if (!constant_time_equal(expected.view(), *given)) {
      return Err(
          AuthError{AuthErrorKind::bad_signature, "payOS signature over data does not match"});
    }
    return VerifiedScheme::payos_signature;
  }

  Result<std::vector<BankCredit>, ParseError> parse(const HttpRequest& req,
                                                    UnixMs received_at) const override {
    ParseArena arena;
    CHO4_ASSIGN_OR_RETURN(json::value body, parse_json_strict(req.body, arena.storage()));
    CHO4_ASSIGN_OR_RETURN(const json::object* o, as_object(body, ""));
    const json::value* dv = o->if_contains("data");
    if (dv == nullptr || dv->is_null()) {
      return Err(ParseError{ParseErrorKind::missing_field, "data", "data is required"});
    }
    CHO4_ASSIGN_OR_RETURN(const json::object* d, as_object(*dv, "data"));
    // A notification of a failed payment carries no money; payOS marks success with code "00".
    CHO4_ASSIGN_OR_RETURN(std::string code, read_text(*d, "code", "data"));
    if (!code.empty() && code != "00") {
      return Err(ParseError{ParseErrorKind::bad_value, "data.code",
                            "payment code \"" + code + "\" is not success (\"00\")"});
    }
    BankCredit c;
    c.adapter_instance = c_.instance;
    c.received_at_ms = received_at;
    c.verified = VerifiedScheme::payos_signature;
    CHO4_ASSIGN_OR_RETURN(std::string order_code, read_id(*d, "orderCode", "data"));
    (void)order_code;  // required by payOS; the idempotency key is the bank reference
    CHO4_ASSIGN_OR_RETURN(c.provider_txn_id, read_text(*d, "reference", "data", true));
    c.bank_reference = c.provider_txn_id;
    CHO4_ASSIGN_OR_RETURN(std::int64_t amount, read_amount(*d, "amount", "data"));
    if (amount < 0) {
      return Err(ParseError{ParseErrorKind::negative_amount, "data.amount",
                            "payOS reports incoming payments only"});
    }
    c.amount = Money::vnd(amount);
    c.direction = Direction::in;
    CHO4_ASSIGN_OR_RETURN(c.description, read_text(*d, "description", "data"));
    CHO4_ASSIGN_OR_RETURN(c.account, read_text(*d, "accountNumber", "data", true));
    CHO4_ASSIGN_OR_RETURN(c.sub_account, read_text(*d, "virtualAccountNumber", "data"));
    CHO4_ASSIGN_OR_RETURN(c.occurred_at_ms, read_vn_datetime(*d, "transactionDateTime", "data"));
    return std::vector<BankCredit>{std::move(c)};
  }

  HttpReply success_response(const std::vector<BankCredit>&) const override {
    return HttpReply{200, "application/json", "{\"success\":true}"};
  }

 private:
  PayosConfig c_;
  HmacKey key_;
};

// A stable 1..2^53 orderCode and a 32-hex paymentLinkId derived from the bank reference.
std::int64_t derived_order_code(std::string_view reference) {
  Digest d = sha256(reference);
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | d.bytes[static_cast<std::size_t>(i)];
  return static_cast<std::int64_t>(v % 9'007'199'254'740'991ull) + 1;
}

class PayosSigner final : public Signer {
 public:
  explicit PayosSigner(PayosConfig c) : c_(std::move(c)), key_(HashAlg::sha256, c_.checksum_key) {}
  std::string_view kind() const override { return "payos"; }
  std::size_t max_credits_per_request() const override { return 1; }

  Result<HttpRequest> sign(std::span<const BankCredit> credits, UnixMs,
                           std::string_view) const override {
    if (credits.size() != 1) return invalid_argument("payOS sends one payment per request");
    const BankCredit& c = credits[0];
    if (c.direction != Direction::in)
      return invalid_argument("payOS reports incoming payments only");
    if (!c.amount.positive()) return invalid_argument("amount must be positive");
    if (c.provider_txn_id.empty()) return invalid_argument("payOS needs a reference");
    json::object data;
    data["orderCode"] = derived_order_code(c.provider_txn_id);
    data["amount"] = c.amount.vnd();
    data["description"] = c.description;
    data["accountNumber"] = c.account;
    data["reference"] = c.provider_txn_id;
    data["transactionDateTime"] = format_vn_datetime(c.occurred_at_ms);
    data["currency"] = "VND";
    data["paymentLinkId"] = hex_lower(sha256(c.provider_txn_id).view()).substr(0, 32);
    data["code"] = "00";
    data["desc"] = "Thành công";
    data["counterAccountBankId"] = "";
    data["counterAccountBankName"] = "";
    data["counterAccountName"] = "";
    data["counterAccountNumber"] = "";
    data["virtualAccountName"] = "";
    data["virtualAccountNumber"] = c.sub_account;
    std::string signature = hex_lower(key_.compute(payos_signed_string(data)).view());
    json::object body;
    body["code"] = "00";
    body["desc"] = "success";
    body["success"] = true;
    body["data"] = std::move(data);
    body["signature"] = signature;
    HttpRequest req;
    req.method = "POST";
    req.target = webhook_path(c_.instance);
    req.headers.add("Content-Type", "application/json");
    req.body = js_stringify(body);
    return req;
  }

 private:
  PayosConfig c_;
  HmacKey key_;
};

}  // namespace

std::string payos_signed_string(const json::object& data) {
  std::vector<const json::key_value_pair*> members;
  members.reserve(data.size());
  for (const auto& kv : data) members.push_back(&kv);
  std::stable_sort(members.begin(), members.end(),
                   [](auto* a, auto* b) { return utf16_less(a->key(), b->key()); });
  std::string out;
  out.reserve(512);
  bool first = true;
  for (const auto* kv : members) {
    if (!first) out += '&';
    first = false;
    out += kv->key();
    out += '=';
    append_value(out, kv->value());
  }
  return out;
}

Result<std::unique_ptr<Adapter>> make_payos(const ConfigReader& config) {
  CHO4_ASSIGN_OR_RETURN(PayosConfig c, read_config(config));
  return std::unique_ptr<Adapter>(std::make_unique<PayosAdapter>(std::move(c)));
}

Result<std::unique_ptr<Signer>> make_payos_signer(const ConfigReader& config) {
  CHO4_ASSIGN_OR_RETURN(PayosConfig c, read_config(config));
  return std::unique_ptr<Signer>(std::make_unique<PayosSigner>(std::move(c)));
}

}  // namespace cho4::adapters::internal
