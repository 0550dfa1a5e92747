// The ledger's vocabulary: outcomes, accounts, postings, markets, stalls, orders, recorded credits,
// outbox events, tokens, dead letters and the figures the queries return. Plain value types;
// thread-safe to copy. Stored numbers (Outcome, flags, kinds) are stable: add at the end, never
// renumber.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/bank_credit.h"
#include "core/clock.h"
#include "core/ids.h"
#include "core/money.h"

namespace cho4::ledger {

// The reconciliation outcome of one authenticated bank credit (DESIGN.md's table). Every credit
// ends in exactly one. 9 is deliberately unassigned (STYLE.md's numbering).
enum class Outcome : std::uint32_t {
  paid = 1,        // reference found, the order's total reaches its amount exactly
  underpaid = 2,   // reference found, total still short
  overpaid = 3,    // total exceeds the amount: received up to it, the rest to excess
  paid_again = 4,  // the order was already paid: all to the stall's excess
  late = 5,        // reference found after expiry (bank time): postings as paid/underpaid/overpaid
  static_qr = 6,   // no reference; the receiving (virtual) account belongs to a stall ("static")
  suspense = 7,    // unknown account, ambiguous or foreign reference: to suspense
  outgoing = 8,    // money out of a stall's account (the owner's own transfer)
  duplicate = 10,  // same key, same body: nothing posted
  conflict = 11,   // same key, different amount or account: recorded, never posted
  probable_duplicate = 12,  // same bank transaction through another adapter instance: held
};
// "paid", "underpaid", …, "static", … (the design's names).
std::string_view to_string(Outcome o);
// The inverse of to_string; nullopt for unknown text.
std::optional<Outcome> outcome_from_string(std::string_view s);
// True for outcomes that post money (everything but duplicate, conflict, probable_duplicate).
bool outcome_posts(Outcome o);

// Flags on a recorded credit (bit set). Stable bits.
enum CreditFlag : std::uint32_t {
  kFlagLate = 1u << 0,                // reference found after the order's expiry (bank time)
  kFlagBelowMinimum = 1u << 1,        // static payment under the stall's alarm threshold
  kFlagDateOnly = 1u << 2,            // the provider sent only a date; lateness used received_at
  kFlagOrderCancelled = 1u << 3,      // paid a cancelled order (outcome late)
  kFlagAmbiguousReference = 1u << 4,  // several valid codes of open orders (suspense)
  kFlagForeignReference = 1u << 5,    // a valid code of another account's order (suspense)
  kFlagUnknownAccount = 1u << 6,      // the receiving account belongs to no stall (suspense)
  kFlagResolved = 1u << 7,            // a suspense or held credit resolved later by a person
};

// Accounts of the double-entry book. Names as in DESIGN.md: "bank:<bin>:<account>",
// "stall:<id>:received", "stall:<id>:excess", "stall:<id>:paid_out", "suspense".
std::string bank_account_name(std::string_view bank, std::string_view account);
std::string stall_received_account(StallId s);
std::string stall_excess_account(StallId s);
std::string stall_paid_out_account(StallId s);
inline constexpr std::string_view kSuspenseAccount = "suspense";

// One immutable transfer: `from` loses `amount`, `to` gains it. All balances sum to zero.
struct Posting {
  std::string from;
  std::string to;
  Money amount;
  friend bool operator==(const Posting&, const Posting&) = default;
};

struct Market {
  MarketId id;
  std::string name;
  UnixMs created_at_ms = 0;
  friend bool operator==(const Market&, const Market&) = default;
};

struct Stall {
  StallId id;
  MarketId market;
  std::string name;
  std::string bank_bin;         // the receiving bank's BIN ("970436")
  std::string account;          // the receiving account number
  std::string virtual_account;  // optional virtual account routed to this stall ("" when none)
  Money alarm_threshold;        // static payments below it are flagged below_minimum (0 = off)
  bool active = true;
  UnixMs created_at_ms = 0;
  friend bool operator==(const Stall&, const Stall&) = default;
};

enum class OrderStatus : std::uint8_t {
  open = 1,       // waiting for money, not expired
  paid = 2,       // total reached the amount
  expired = 3,    // lifetime passed without full payment (computed from the clock)
  cancelled = 4,  // cancelled by the stall
};
std::string_view to_string(OrderStatus s);

struct Order {
  OrderId id;
  StallId stall;
  Money amount;
  std::string reference;  // the order's reference code (placed first in 62.08)
  std::string note;       // free text from the stall ("2 kg cam"), may be ""
  UnixMs created_at_ms = 0;
  UnixMs expires_at_ms = 0;
  UnixMs cancelled_at_ms = 0;  // 0 when not cancelled
  UnixMs paid_at_ms = 0;       // bank time of the credit that completed it, 0 when not paid
  Money paid_total;            // sum of credits posted to it (received + excess)
  std::uint32_t credit_count = 0;
  // Status at `now_ms` (expiry is computed, not stored).
  OrderStatus status_at(UnixMs now_ms) const;
  friend bool operator==(const Order&, const Order&) = default;
};

// A credit as the ledger recorded it: the bank's facts, the outcome, and what it posted.
struct CreditRecord {
  CreditId id;
  BankCredit credit;
  Outcome outcome = Outcome::suspense;
  std::uint32_t flags = 0;          // CreditFlag bits
  StallId stall;                    // the stall it was credited to (or whose account it came from)
  OrderId order;                    // the matched order, if any
  std::string reference;            // the matched reference code, "" if none
  Money order_amount;               // the order's amount (0 without an order)
  Money paid_total;                 // the order's total after this credit
  Money shortfall;                  // order amount - paid total, when positive
  Money excess;                     // what this credit put into the stall's excess account
  std::uint64_t outbox_seq = 0;     // the stall's event sequence, 0 when no event
  CreditId related;                 // duplicate/conflict/probable_duplicate: the original
  std::vector<OrderId> candidates;  // suspense by ambiguity/foreign code: the orders found
  std::vector<Posting> postings;
  std::uint64_t raw_id = 0;  // the raw archive entry of the webhook that carried it
  friend bool operator==(const CreditRecord&, const CreditRecord&) = default;
};

// What a stall's devices are told. `kind` separates bank credits from a person's resolution.
enum class EventKind : std::uint8_t { credit = 1, resolution = 2 };

struct OutboxEvent {
  StallId stall;
  std::uint64_t seq = 0;  // per stall, gap-free, starting at 1
  EventKind kind = EventKind::credit;
  CreditId credit_id;
  Outcome outcome = Outcome::static_qr;
  Direction direction = Direction::in;
  Money amount;
  OrderId order;
  std::string reference;
  Money order_amount;
  Money paid_total;
  Money shortfall;
  Money excess;
  std::uint32_t flags = 0;
  UnixMs occurred_at_ms = 0;
  UnixMs received_at_ms = 0;
  std::string description;  // the transfer description as received (shown to the stall owner)
  friend bool operator==(const OutboxEvent&, const OutboxEvent&) = default;
};

// A device or manager token, stored by its hash (the ledger never sees the token itself).
enum class TokenScope : std::uint8_t { stall_device = 1, market_manager = 2, admin = 3 };
struct DeviceToken {
  std::string hash;  // lower-hex SHA-256 of the token (computed by the caller)
  TokenScope scope = TokenScope::stall_device;
  MarketId market;
  StallId stall;      // for stall_device
  std::string label;  // "Chị Lan's phone"
  UnixMs created_at_ms = 0;
  UnixMs expires_at_ms = 0;  // 0 = never
  UnixMs revoked_at_ms = 0;  // 0 = valid
  // Issue order across the ledger (1, 2, ...): tokens issued within one millisecond still list
  // in the order they were made. 0 for tokens stored before it was recorded.
  std::uint64_t issued = 0;
  friend bool operator==(const DeviceToken&, const DeviceToken&) = default;
};

// An authenticated request the adapter could not parse: kept with its raw bytes.
struct DeadLetter {
  std::uint64_t id = 0;
  std::string adapter_instance;
  std::string reason;
  std::string body;
  std::string headers_digest;
  UnixMs received_at_ms = 0;
  UnixMs reprocessed_at_ms = 0;  // 0 until reprocessed
  friend bool operator==(const DeadLetter&, const DeadLetter&) = default;
};

// A stall's or market's figures for one Vietnamese business day (by bank time).
struct DailyTotals {
  CivilDate day;
  Money received;             // into stall received accounts
  Money excess;               // into stall excess accounts
  Money paid_out;             // outgoing transfers
  std::uint32_t credits = 0;  // credits that posted money in
  std::uint32_t outgoing = 0;
  // Counts by outcome, indexed by the Outcome's number (0..12).
  std::uint32_t by_outcome[13] = {};
  friend bool operator==(const DailyTotals&, const DailyTotals&) = default;
};

}  // namespace cho4::ledger
