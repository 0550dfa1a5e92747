// BankCredit: the canonical form of one bank transaction reported by a provider. Adapters produce
// it from a provider's webhook; the ledger records it. Neither sees the other: this is their
// whole contract. A plain value type.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/money.h"

namespace cho4 {

// Money into the receiving account (a customer's payment) or out of it (the owner's own transfer,
// such as a refund). Stable numbers: stored in the ledger.
enum class Direction : std::uint8_t { in = 1, out = 2 };

// How the request that carried the credit was authenticated. Stable numbers: stored in the ledger.
enum class VerifiedScheme : std::uint8_t {
  none = 0,               // an adapter instance configured without authentication
  api_key = 1,            // a static shared key in a header (SePay Apikey, Casso v1 Secure-Token)
  hmac_sha256 = 2,        // SePay HMAC with timestamp
  oauth2_bearer = 3,      // a bearer token our own token endpoint issued (SePay OAuth2)
  payos_signature = 4,    // payOS body signature over `data`
  casso_hmac_sha512 = 5,  // Casso v2 X-Casso-Signature
  vietqr_bearer = 6,      // VietQR.vn bearer token from our token endpoint
  standard_webhooks = 7,  // Standard Webhooks HMAC-SHA256
  plugin = 8,             // a scheme of an out-of-tree plugin
};

std::string_view to_string(Direction d);
std::string_view to_string(VerifiedScheme s);

struct BankCredit {
  // Idempotency key: (adapter_instance, provider_txn_id).
  std::string adapter_instance;  // configured instance name, e.g. "sepay-main"
  std::string provider_txn_id;   // the provider's id of this transaction (SePay `id`, …)
  std::string bank_reference;  // the bank's own reference ("FT23…", "MBVCB.3278907687"), may be ""
  std::string bank;  // the receiving bank as the provider names it (BIN, code or brand), may be ""
  std::string account;      // receiving account number (as the provider reports it)
  std::string sub_account;  // virtual account / sub-account, "" when none
  Direction direction = Direction::in;
  Money amount;               // always positive; `direction` says which way it moved
  std::string description;    // the transfer description exactly as received (UTF-8)
  UnixMs occurred_at_ms = 0;  // when the bank booked it (bank time), UTC ms
  bool occurred_date_only =
      false;                  // the provider sent only a date (Casso v1): lateness uses received_at
  UnixMs received_at_ms = 0;  // when cho4 received the webhook
  VerifiedScheme verified = VerifiedScheme::none;

  friend bool operator==(const BankCredit&, const BankCredit&) = default;
};

}  // namespace cho4
