// Fuzz target: one adapter kind's authenticate + parse (built as one binary per kind, selected by
// CHO4_FUZZ_ADAPTER_KIND: sepay, payos, casso1, casso2, vietqr, standard_webhooks).
//
// The input is "<header lines>\n--\n<body>". Three paths per input:
//   1. the request exactly as fuzzed: authenticate must not crash (and almost always refuses);
//   2. the fuzzed body with a VALID signature or token computed here, the way the provider
//      computes it, so the parser is reached with hostile bytes: authenticate must accept it
//      (for payOS, whose signature lives inside the body, parse() is called directly);
//   3. a credit built from the input, signed by the adapter's own Signer: authenticate must
//      accept it and parse must give back its amount, direction and transaction id.
// Parse failures are typed ParseErrors (the server dead-letters them), never crashes.
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include <boost/json.hpp>

#include "adapters/adapter.h"
#include "adapters/canonical_json.h"
#include "adapters/hmac.h"
#include "adapters/registry.h"
#include "adapters/signing.h"
#include "core/vn_text.h"
#include "fuzz/fuzz_check.h"

#ifndef CHO4_FUZZ_ADAPTER_KIND
#error "define CHO4_FUZZ_ADAPTER_KIND"
#endif

namespace {

using namespace cho4;
using namespace cho4::adapters;

constexpr std::string_view kKind = CHO4_FUZZ_ADAPTER_KIND;
constexpr UnixMs kNow = 1'727'948'258'000;  // 2024-10-03, inside every replay window below
const std::string kSecret = "fuzz-secret-0123456789abcdef";
const std::string kStdwhSecret = "whsec_" + base64_encode("fuzz-standard-webhooks-key");

std::optional<std::string> lookup(std::string_view name) {
  if (name == "FUZZ_STDWH") return kStdwhSecret;
  if (name == "FUZZ_SECRET") return kSecret;
  return std::nullopt;
}

boost::json::object config() {
  if (kKind == "sepay")
    return {{"kind", "sepay"},
            {"name", "sepay-fuzz"},
            {"auth", "hmac"},
            {"secret_env", "FUZZ_SECRET"},
            {"tolerance_s", 300}};
  if (kKind == "payos")
    return {{"kind", "payos"}, {"name", "payos-fuzz"}, {"checksum_key_env", "FUZZ_SECRET"}};
  if (kKind == "casso1")
    return {{"kind", "casso"},
            {"name", "casso1-fuzz"},
            {"version", 1},
            {"secure_token_env", "FUZZ_SECRET"}};
  if (kKind == "casso2")
    return {{"kind", "casso"},
            {"name", "casso2-fuzz"},
            {"version", 2},
            {"secret_env", "FUZZ_SECRET"},
            {"tolerance_s", 300}};
  if (kKind == "vietqr")
    return {{"kind", "vietqr"},
            {"name", "vietqr-fuzz"},
            {"username", "fuzz"},
            {"password_env", "FUZZ_SECRET"}};
  return {{"kind", "standard_webhooks"},
          {"name", "stdwh-fuzz"},
          {"secret_env", "FUZZ_STDWH"},
          {"tolerance_s", 300}};
}

struct Fixture {
  std::unique_ptr<Adapter> adapter;
  std::unique_ptr<Signer> signer;
  std::string bearer;  // token modes
  Fixture() {
    auto a = make_builtin_adapter(config(), lookup);
    FUZZ_CHECK(a.ok(), "the fuzz adapter configuration is refused");
    adapter = std::move(*a);
    auto s = make_builtin_signer(config(), lookup);
    FUZZ_CHECK(s.ok(), "the fuzz signer configuration is refused");
    signer = std::move(*s);
    if (auto req = signer->token_request(kNow)) {
      auto reply = adapter->handle_token_request(*req, kNow);
      FUZZ_CHECK(reply.ok(), "our own token request is refused");
      auto token = bearer_from_token_reply(reply->body);
      FUZZ_CHECK(token.ok(), "the token reply has no access_token");
      bearer = *token;
    }
  }
};

const Fixture& fixture() {
  static const Fixture f;
  return f;
}

HttpRequest with_headers(std::string_view header_block, std::string body) {
  HttpRequest r;
  r.method = "POST";
  r.target = webhook_path(fixture().adapter->instance());
  r.body = std::move(body);
  std::size_t pos = 0;
  while (pos < header_block.size()) {
    std::size_t end = header_block.find('\n', pos);
    if (end == std::string_view::npos) end = header_block.size();
    const std::string_view line = header_block.substr(pos, end - pos);
    const std::size_t colon = line.find(':');
    if (colon != std::string_view::npos) {
      std::string_view value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
      r.headers.add(std::string(line.substr(0, colon)), std::string(value));
    }
    pos = end + 1;
  }
  return r;
}

std::string hex(const Digest& d) {
  return hex_lower(d.view());
}

// Path 2: a valid signature or token over exactly these body bytes, as the provider sends it.
// Returns false when this kind cannot sign an arbitrary body from outside (payOS signs inside).
bool sign_raw(HttpRequest& r) {
  const std::string ts_s = std::to_string(kNow / 1000);
  if (kKind == "sepay") {
    r.headers.set("X-SePay-Timestamp", ts_s);
    r.headers.set("X-SePay-Signature",
                  "sha256=" + hex(hmac(HashAlg::sha256, kSecret, ts_s + "." + r.body)));
    return true;
  }
  if (kKind == "casso1") {
    r.headers.set("Secure-Token", kSecret);
    return true;
  }
  if (kKind == "casso2") {
    // Casso signs its whole body re-serialised with keys sorted; a body that is not JSON cannot
    // be signed that way, so it is not signed at all.
    auto v = parse_json_strict(r.body);
    if (!v.ok()) return false;
    StringifyOptions o;
    o.key_order = KeyOrder::bytes;
    const std::string t = std::to_string(kNow);
    r.headers.set(
        "X-Casso-Signature",
        "t=" + t + ",v1=" + hex(hmac(HashAlg::sha512, kSecret, t + "." + js_stringify(*v, o))));
    return true;
  }
  if (kKind == "vietqr") {
    r.headers.set("Authorization", "Bearer " + fixture().bearer);
    return true;
  }
  if (kKind == "standard_webhooks") {
    const std::string id = "msg_fuzz";
    const std::string key = "fuzz-standard-webhooks-key";  // kStdwhSecret is "whsec_" + base64(key)
    r.headers.set("webhook-id", id);
    r.headers.set("webhook-timestamp", ts_s);
    r.headers.set(
        "webhook-signature",
        "v1," + base64_encode(hmac(HashAlg::sha256, key, id + "." + ts_s + "." + r.body).view()));
    return true;
  }
  return false;
}

std::string ascii_digits(std::string_view s, std::size_t max, std::string_view fallback) {
  std::string out;
  for (char c : s)
    if (c >= '0' && c <= '9' && out.size() < max) out += c;
  return out.empty() ? std::string(fallback) : out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const Fixture& f = fixture();
  fuzz::Fields fields(data, size);
  const std::string_view header_block = fields.next();
  const std::string body(fields.rest());

  // 1. As fuzzed.
  HttpRequest raw = with_headers(header_block, body);
  if (auto auth = f.adapter->authenticate(raw, kNow); auth.ok())
    f.adapter->parse(raw, kNow).permit_unchecked();

  // 2. Valid signature over the fuzzed body.
  HttpRequest signed_raw = with_headers({}, body);
  if (sign_raw(signed_raw)) {
    auto auth = f.adapter->authenticate(signed_raw, kNow);
    // Casso v2 re-serialises the body: a body whose re-serialisation the adapter computes
    // differently (accepted escaping variants) may legitimately fail; every other scheme signs
    // raw bytes or ignores the body, so a refusal is a bug.
    if (kKind != "casso2") FUZZ_CHECK(auth.ok(), "a correctly signed request was refused");
  }
  auto parsed = f.adapter->parse(signed_raw, kNow);
  if (parsed.ok()) {
    for (const auto& c : *parsed) {
      FUZZ_CHECK(c.amount.vnd() > 0, "a parsed credit without a positive amount");
      FUZZ_CHECK(c.amount <= kCreditAmountMax, "a parsed credit above kCreditAmountMax");
      FUZZ_CHECK(c.adapter_instance == f.adapter->instance(), "credit of another instance");
      FUZZ_CHECK(is_valid_utf8(c.description), "a credit description that is not UTF-8");
    }
  }

  // 3. A credit built from the input, signed by the provider's own rules.
  if (size >= 8) {
    BankCredit c;
    c.adapter_instance = std::string(f.adapter->instance());
    c.provider_txn_id = std::to_string(1 + (data[0] | (data[1] << 8) | (data[2] << 16)));
    c.bank_reference = "FT" + c.provider_txn_id;
    c.account = ascii_digits(header_block, 19, "0123456789");
    c.direction = (kKind != "payos" && (data[3] & 1)) ? Direction::out : Direction::in;
    c.amount = Money::vnd(
        1 + static_cast<std::int64_t>(data[4] | (data[5] << 8) | (data[6] << 16)) * (1 + data[7]));
    c.description = fold_to_ascii(body.substr(0, 120));
    c.occurred_at_ms = kNow - 60'000;
    c.received_at_ms = kNow;
    auto request = f.signer->sign(std::span<const BankCredit>(&c, 1), kNow, f.bearer);
    if (request.ok()) {
      auto auth = f.adapter->authenticate(*request, kNow);
      FUZZ_CHECK(auth.ok(), "the adapter refuses what its own signer signed");
      auto back = f.adapter->parse(*request, kNow);
      FUZZ_CHECK(back.ok() && back->size() == 1, "the adapter cannot parse its signer's request");
      const BankCredit& b = back->front();
      FUZZ_CHECK(b.amount == c.amount, "amount changed through sign + parse");
      FUZZ_CHECK(b.direction == c.direction, "direction changed through sign + parse");
      FUZZ_CHECK(b.provider_txn_id == c.provider_txn_id || kKind == "payos",
                 "transaction id changed through sign + parse");
    }
  }
  return 0;
}
