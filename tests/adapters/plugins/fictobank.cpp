// FictoBank: an example out-of-tree cho4 adapter plugin for a fictional bank. It is built against
// adapters/plugin_abi.h only (no cho4 library), with its own JSON dialect and its own HMAC header:
//
//   POST body:  {"event":"txn.posted","txn":{"ref":"FB0001","value":25000,"side":"CR",
//                "memo":"…","acct":"0123456789","vacct":"","posted_ms":1767844560000}}
//   headers:    X-Ficto-Time: <unix seconds>
//               X-Ficto-Mac:  <lower hex HMAC-SHA256(secret, time + ":" + body)>
//   config:     {"kind":"fictobank","name":"ficto-1","secret":"…","window_s":300}
//   success:    200 {"ack":"OK","count":<n>}
//
// The tests build three variants from this file: the real plugin, one that reports a wrong ABI
// version (FICTOBANK_WRONG_ABI) and one without the entry symbol (FICTOBANK_NO_ENTRY).
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <boost/json.hpp>
#include <cstdio>
#include <cstring>
#include <string>

#include "adapters/plugin_abi.h"

namespace {

namespace json = boost::json;

struct Instance {
  std::string name;
  std::string secret;
  std::int64_t window_s = 300;
};

void set_error(cho4_error_out* err, const char* message, const char* path = "") {
  if (err == nullptr) return;
  if (err->message != nullptr && err->message_cap > 0) {
    std::snprintf(err->message, err->message_cap, "%s", message);
  }
  if (err->path != nullptr && err->path_cap > 0)
    std::snprintf(err->path, err->path_cap, "%s", path);
}

std::string_view view(cho4_str s) {
  return s.data ? std::string_view(s.data, s.len) : std::string_view();
}

bool iequal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

const cho4_str* header(const cho4_request* r, std::string_view name) {
  for (std::size_t i = 0; i < r->header_count; ++i) {
    if (iequal(view(r->headers[i].name), name)) return &r->headers[i].value;
  }
  return nullptr;
}

std::string mac_hex(const std::string& key, std::string_view ts, std::string_view body) {
  std::string msg(ts);
  msg += ':';
  msg += body;
  unsigned char out[EVP_MAX_MD_SIZE];
  std::size_t len = 0;
  // EVP_Q_mac: OpenSSL 3's one-shot MAC (no deprecated HMAC_CTX).
  EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA256", nullptr, key.data(), key.size(),
            reinterpret_cast<const unsigned char*>(msg.data()), msg.size(), out, sizeof out, &len);
  static const char* hex = "0123456789abcdef";
  std::string h;
  for (std::size_t i = 0; i < len; ++i) {
    h += hex[out[i] >> 4];
    h += hex[out[i] & 15];
  }
  return h;
}

void* create(cho4_str name, cho4_str config_json, cho4_error_out* err) {
  json::error_code ec;
  json::value v = json::parse(view(config_json), ec);
  if (ec || !v.is_object()) {
    set_error(err, "config is not a JSON object");
    return nullptr;
  }
  const json::object& o = v.get_object();
  const json::value* secret = o.if_contains("secret");
  if (secret == nullptr || !secret->is_string() || secret->get_string().empty()) {
    set_error(err, "fictobank needs \"secret\"");
    return nullptr;
  }
  auto* inst = new Instance;
  inst->name = std::string(view(name));
  inst->secret = std::string(secret->get_string());
  if (const json::value* w = o.if_contains("window_s"); w != nullptr && w->is_int64()) {
    inst->window_s = w->get_int64();
  }
  return inst;
}

void destroy(void* instance) {
  delete static_cast<Instance*>(instance);
}

int authenticate(const void* instance, const cho4_request* r, int64_t now_ms, cho4_error_out* err) {
  const auto* inst = static_cast<const Instance*>(instance);
  const cho4_str* ts = header(r, "X-Ficto-Time");
  const cho4_str* mac = header(r, "X-Ficto-Mac");
  if (ts == nullptr || mac == nullptr) {
    set_error(err, "X-Ficto-Time and X-Ficto-Mac are required");
    return CHO4_AUTH_MISSING_CREDENTIALS;
  }
  std::string_view t = view(*ts);
  if (t.empty() || t.size() > 12 || t.find_first_not_of("0123456789") != std::string_view::npos) {
    set_error(err, "X-Ficto-Time is not unix seconds");
    return CHO4_AUTH_MALFORMED_HEADER;
  }
  long long seconds = std::stoll(std::string(t));
  long long drift = now_ms / 1000 - seconds;
  if (drift < 0) drift = -drift;
  if (drift > inst->window_s) {
    set_error(err, "X-Ficto-Time outside the window");
    return CHO4_AUTH_STALE_TIMESTAMP;
  }
  std::string expected = mac_hex(inst->secret, t, view(r->body));
  std::string_view given = view(*mac);
  if (given.size() != expected.size() ||
      CRYPTO_memcmp(given.data(), expected.data(), expected.size()) != 0) {
    set_error(err, "X-Ficto-Mac does not match");
    return CHO4_AUTH_BAD_SIGNATURE;
  }
  return CHO4_PLUGIN_OK;
}

int parse(const void*, const cho4_request* r, cho4_credit_sink sink, void* ctx,
          cho4_error_out* err) {
  json::error_code ec;
  json::value v = json::parse(view(r->body), ec);
  if (ec || !v.is_object()) {
    set_error(err, "body is not a JSON object");
    return CHO4_PARSE_INVALID_JSON;
  }
  const json::value* txn = v.get_object().if_contains("txn");
  if (txn == nullptr || !txn->is_object()) {
    set_error(err, "txn is required", "txn");
    return CHO4_PARSE_MISSING_FIELD;
  }
  const json::object& t = txn->get_object();
  auto text = [&](const char* key) -> std::string {
    const json::value* f = t.if_contains(key);
    return (f != nullptr && f->is_string()) ? std::string(f->get_string()) : std::string();
  };
  std::string ref = text("ref");
  if (ref.empty()) {
    set_error(err, "ref is required", "txn.ref");
    return CHO4_PARSE_MISSING_FIELD;
  }
  const json::value* value = t.if_contains("value");
  if (value == nullptr || value->is_null()) {
    set_error(err, "value is required", "txn.value");
    return CHO4_PARSE_MISSING_FIELD;
  }
  if (value->is_string()) {
    set_error(err, "value must be a number", "txn.value");
    return CHO4_PARSE_AMOUNT_AS_STRING;
  }
  if (!value->is_int64()) {
    set_error(err, "value must be an integer", "txn.value");
    return CHO4_PARSE_BAD_AMOUNT;
  }
  if (value->get_int64() <= 0) {
    set_error(err, "value must be positive", "txn.value");
    return CHO4_PARSE_ZERO_AMOUNT;
  }
  std::string side = text("side");
  if (side != "CR" && side != "DR") {
    set_error(err, "side must be CR or DR", "txn.side");
    return CHO4_PARSE_BAD_VALUE;
  }
  const json::value* posted = t.if_contains("posted_ms");
  if (posted == nullptr || !posted->is_int64()) {
    set_error(err, "posted_ms is required", "txn.posted_ms");
    return CHO4_PARSE_BAD_TIME;
  }
  std::string memo = text("memo");
  std::string acct = text("acct");
  std::string vacct = text("vacct");
  cho4_credit c{};
  c.provider_txn_id = cho4_str{ref.data(), ref.size()};
  c.bank_reference = cho4_str{ref.data(), ref.size()};
  c.bank = cho4_str{"FICTO", 5};
  c.account = cho4_str{acct.data(), acct.size()};
  c.sub_account = cho4_str{vacct.data(), vacct.size()};
  c.description = cho4_str{memo.data(), memo.size()};
  c.amount_vnd = value->get_int64();
  c.direction = side == "DR" ? CHO4_DIRECTION_OUT : CHO4_DIRECTION_IN;
  c.occurred_at_ms = posted->get_int64();
  c.occurred_date_only = 0;
  sink(ctx, &c);
  return CHO4_PLUGIN_OK;
}

void success_response(const void*, size_t count, cho4_reply_sink sink, void* ctx) {
  std::string body = "{\"ack\":\"OK\",\"count\":" + std::to_string(count) + "}";
  const char* type = "application/json";
  sink(ctx, 200, cho4_str{type, std::strlen(type)}, cho4_str{body.data(), body.size()});
}

int sign(const void* instance, const cho4_credit* credits, size_t count, int64_t now_ms,
         cho4_request_sink sink, void* ctx, cho4_error_out* err) {
  const auto* inst = static_cast<const Instance*>(instance);
  if (count != 1) {
    set_error(err, "FictoBank sends one transaction per request");
    return CHO4_PARSE_BAD_VALUE;
  }
  const cho4_credit& c = credits[0];
  json::object txn;
  txn["ref"] = view(c.provider_txn_id);
  txn["value"] = c.amount_vnd;
  txn["side"] = c.direction == CHO4_DIRECTION_OUT ? "DR" : "CR";
  txn["memo"] = view(c.description);
  txn["acct"] = view(c.account);
  txn["vacct"] = view(c.sub_account);
  txn["posted_ms"] = c.occurred_at_ms;
  json::object body;
  body["event"] = "txn.posted";
  body["txn"] = std::move(txn);
  std::string text = json::serialize(body);
  std::string ts = std::to_string(now_ms / 1000);
  std::string mac = mac_hex(inst->secret, ts, text);
  std::string target = "/v1/webhooks/" + inst->name;
  cho4_header headers[3] = {
      {{"Content-Type", 12}, {"application/json", 16}},
      {{"X-Ficto-Time", 12}, {ts.data(), ts.size()}},
      {{"X-Ficto-Mac", 11}, {mac.data(), mac.size()}},
  };
  cho4_request req{
      {"POST", 4}, {target.data(), target.size()}, headers, 3, {text.data(), text.size()}};
  sink(ctx, &req);
  return CHO4_PLUGIN_OK;
}

const cho4_plugin_v1 kTable = {
    CHO4_PLUGIN_ABI_VERSION, "fictobank", create, destroy, authenticate, parse,
    success_response,        sign,
};

}  // namespace

extern "C" {

__attribute__((visibility("default"))) uint32_t cho4_plugin_abi_version(void) {
#ifdef FICTOBANK_WRONG_ABI
  return CHO4_PLUGIN_ABI_VERSION + 41;
#else
  return CHO4_PLUGIN_ABI_VERSION;
#endif
}

#ifndef FICTOBANK_NO_ENTRY
__attribute__((visibility("default"))) const cho4_plugin_v1* cho4_plugin_entry(void) {
  return &kTable;
}
#endif

}  // extern "C"
