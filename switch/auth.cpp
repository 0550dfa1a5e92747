#include "switch/auth.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <cstring>

#include "core/assert.h"
#include "ledger/engine.h"
#include "switch/limits.h"

namespace cho4::server {
namespace {

std::string to_hex(const unsigned char* p, std::size_t n) {
  static const char* kDigits = "0123456789abcdef";
  std::string out(n * 2, '0');
  for (std::size_t i = 0; i < n; ++i) {
    out[2 * i] = kDigits[p[i] >> 4];
    out[2 * i + 1] = kDigits[p[i] & 15];
  }
  return out;
}

std::string hmac_hex(std::string_view key, std::string_view msg) {
  unsigned char out[EVP_MAX_MD_SIZE];
  std::size_t len = 0;
  auto* r = EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA256", nullptr, key.data(), key.size(),
                      reinterpret_cast<const unsigned char*>(msg.data()), msg.size(), out,
                      sizeof out, &len);
  CHO4_ASSERT(r != nullptr, "HMAC-SHA256 is always available in OpenSSL 3");
  return to_hex(out, len);
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::optional<std::string_view> cookie_value(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    auto semi = header.find(';');
    auto part = header.substr(0, semi);
    header = semi == std::string_view::npos ? std::string_view() : header.substr(semi + 1);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    if (part.size() > name.size() && part.substr(0, name.size()) == name &&
        part[name.size()] == '=')
      return part.substr(name.size() + 1);
  }
  return std::nullopt;
}

}  // namespace

std::string random_hex(std::size_t bytes) {
  std::string buf(bytes, '\0');
  int ok = RAND_bytes(reinterpret_cast<unsigned char*>(buf.data()), static_cast<int>(bytes));
  CHO4_ASSERT(ok == 1, "the OS random source must work");
  return to_hex(reinterpret_cast<const unsigned char*>(buf.data()), bytes);
}

std::string new_token(Role role) {
  const char* prefix = role == Role::admin     ? "cho4_adm_"
                       : role == Role::manager ? "cho4_mgr_"
                                               : "cho4_dev_";
  return prefix + random_hex(32);
}

std::string hash_token(std::string_view token) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  int ok = EVP_Digest(token.data(), token.size(), md, &len, EVP_sha256(), nullptr);
  CHO4_ASSERT(ok == 1, "SHA-256 is always available");
  return to_hex(md, len);
}

Auth::Auth(const ledger::Engine& engine, const Clock& clock, std::string ticket_key)
    : engine_(engine), clock_(clock), ticket_key_(std::move(ticket_key)) {}

Result<Principal> Auth::from_token(std::string_view token) const {
  if (token.empty() || token.size() > 256) return unauthenticated("invalid token");
  return from_hash(hash_token(token));
}

Result<Principal> Auth::from_hash(std::string hash) const {
  auto t = engine_.token_by_hash(hash);
  if (!t.ok()) {
    if (t.error().code() == StatusCode::not_found) return unauthenticated("unknown token");
    return t.error();
  }
  UnixMs now = clock_.now_ms();
  if (t->revoked_at_ms != 0) return unauthenticated("token revoked");
  if (t->expires_at_ms != 0 && t->expires_at_ms <= now) return unauthenticated("token expired");
  Principal p;
  p.role = t->scope == ledger::TokenScope::admin            ? Role::admin
           : t->scope == ledger::TokenScope::market_manager ? Role::manager
                                                            : Role::device;
  p.market = t->market;
  p.stall = t->stall;
  p.token_hash = std::move(hash);
  return p;
}

Result<Principal> Auth::authenticate(const Request& r) const {
  if (auto h = r.header("Authorization")) {
    std::string_view v = *h;
    if (v.size() > 7 && iequals(v.substr(0, 7), "Bearer ")) return from_token(v.substr(7));
    return unauthenticated("Authorization must be 'Bearer <token>'");
  }
  if (auto c = r.header("Cookie")) {
    if (auto v = cookie_value(*c, "cho4_device")) return from_token(*v);
  }
  return unauthenticated("no credentials: send 'Authorization: Bearer <token>'");
}

Result<Principal> Auth::authenticate_stream(const Request& r) const {
  if (auto t = r.query_param("ticket")) {
    CHO4_ASSIGN_OR_RETURN(Ticket ticket, verify_ticket(*t));
    // The token that asked for the ticket must still be valid (revocation cuts tickets too).
    CHO4_ASSIGN_OR_RETURN(Principal asker, from_hash(ticket.token_hash));
    auto s = engine_.stall(ticket.stall);
    if (!s.ok()) return unauthenticated("ticket for an unknown stall");
    Principal p;
    p.role = Role::device;
    p.stall = ticket.stall;
    p.market = s->market;
    p.token_hash = std::move(asker.token_hash);
    return p;
  }
  return authenticate(r);
}

std::string Auth::issue_ticket(StallId stall, std::string_view token_hash) const {
  std::string body = std::to_string(stall.value) + "." +
                     std::to_string(clock_.now_ms() + kTicketLifetimeMs) + "." +
                     std::string(token_hash);
  return body + "." + hmac_hex(ticket_key_, body);
}

Result<Auth::Ticket> Auth::verify_ticket(std::string_view ticket) const {
  auto last = ticket.rfind('.');
  if (last == std::string_view::npos) return unauthenticated("malformed ticket");
  auto body = ticket.substr(0, last);
  if (!constant_time_equal(hmac_hex(ticket_key_, body), ticket.substr(last + 1)))
    return unauthenticated("bad ticket");
  // stall "." expiry "." token hash
  auto dot1 = body.find('.');
  auto dot2 = dot1 == std::string_view::npos ? dot1 : body.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos) return unauthenticated("malformed ticket");
  auto stall = parse_id(body.substr(0, dot1));
  auto expiry = parse_id(body.substr(dot1 + 1, dot2 - dot1 - 1));
  if (!stall.ok() || !expiry.ok()) return unauthenticated("malformed ticket");
  if (static_cast<UnixMs>(*expiry) <= clock_.now_ms()) return unauthenticated("ticket expired");
  return Ticket{StallId{*stall}, std::string(body.substr(dot2 + 1))};
}

Status Auth::require_admin(const Principal& p) {
  if (p.role == Role::admin) return {};
  return permission_denied("admin token required");
}

Status Auth::require_market(const Principal& p, MarketId market) {
  if (p.role == Role::admin) return {};
  if (p.role == Role::manager && p.market == market) return {};
  return permission_denied("not a manager of market " + to_string_id(market.value));
}

Status Auth::require_stall_read(const Principal& p, const ledger::Stall& s) {
  if (p.role == Role::device) {
    if (p.stall == s.id) return {};
    return permission_denied("this device token belongs to another stall");
  }
  return require_market(p, s.market);
}

Status Auth::require_stall_manage(const Principal& p, const ledger::Stall& s) {
  return require_market(p, s.market);
}

}  // namespace cho4::server
