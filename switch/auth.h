// Auth: who is calling. Bearer tokens (admin, market manager, stall device) are random 256-bit
// secrets shown once; the ledger stores only their SHA-256 (lower hex). Browsers use a
// short-lived ticket (HMAC-signed stall id + expiry, `?ticket=`) or the `cho4_device` cookie.
// Scope rules live here so every handler asks the same questions.
//
// Thread-safe: reads the ledger through snapshot queries; the ticket key is fixed at
// construction.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/ids.h"
#include "core/status.h"
#include "ledger/types.h"
#include "switch/http_types.h"

namespace cho4::ledger {
class Engine;
}

namespace cho4::server {

enum class Role : std::uint8_t { admin, manager, device };

struct Principal {
  Role role = Role::device;
  MarketId market;  // manager, device
  StallId stall;    // device
  std::string token_hash;
};

// A new random token with a readable prefix ("cho4_dev_…"), and its stored hash.
std::string new_token(Role role);
std::string hash_token(std::string_view token);  // lower-hex SHA-256
std::string random_hex(std::size_t bytes);

class Auth {
 public:
  // `ticket_key` signs browser tickets (random per process: tickets live a minute).
  Auth(const ledger::Engine& engine, const Clock& clock, std::string ticket_key);

  // From `Authorization: Bearer …` or the cho4_device cookie. unauthenticated when absent,
  // unknown, revoked or expired.
  Result<Principal> authenticate(const Request& request) const;
  // Like authenticate, but also accepts `?ticket=` (device streams only).
  Result<Principal> authenticate_stream(const Request& request) const;

  // A ticket for `stall`, tied to the token that asked for it (`token_hash`): a stream opened with
  // it is refused once that token is revoked or expired.
  std::string issue_ticket(StallId stall, std::string_view token_hash) const;
  struct Ticket {
    StallId stall;
    std::string token_hash;
  };
  Result<Ticket> verify_ticket(std::string_view ticket) const;

  // Scope checks: forbidden (permission_denied) when not allowed.
  static Status require_admin(const Principal& p);
  static Status require_market(const Principal& p, MarketId market);  // manager of it, admin
  static Status require_stall_read(const Principal& p, const ledger::Stall& s);  // + its devices
  static Status require_stall_manage(const Principal& p, const ledger::Stall& s);

 private:
  Result<Principal> from_token(std::string_view token) const;
  // The principal of a stored token hash: unauthenticated when unknown, revoked or expired.
  Result<Principal> from_hash(std::string hash) const;

  const ledger::Engine& engine_;
  const Clock& clock_;
  std::string ticket_key_;
};

}  // namespace cho4::server
