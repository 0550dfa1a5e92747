// Scenario: the complete, deterministic plan of a simulated market day — which customer pays
// which stall, how much, when (the intended send time of an open-loop schedule), through which
// adapter instance, and which faults each payment suffers — together with the outcome the
// server must record for it. `generate_scenario` is a pure function of (world, config, seed):
// the same seed replays the same scenario, which is what makes a failing run reproducible.
// A plain value, read-only once generated.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "simulators/model.h"

namespace cho4::sim {

enum class Arrival : std::uint8_t { constant = 1, poisson = 2 };

// Probability of each fault per payment (0 disables it). `all_faults` gives the CI mix.
struct FaultRates {
  double duplicate = 0;            // the bank delivers the same webhook 1–8 extra times
  double delay = 0;                // a delivery is held back up to `delay_max_ms` (reorders it)
  double ack_lost = 0;             // the bank never sees our 2xx and retries on its schedule
  double bad_signature = 0;        // a forged delivery (wrong secret) precedes the real one
  double mangled_description = 0;  // the bank wraps, folds, truncates the description
  double underpay = 0;             // an order paid short
  double overpay = 0;              // an order paid too much
  double pay_twice = 0;            // an order paid in full, then paid again
  double unknown_account = 0;      // money to an account no stall owns
  double after_expiry = 0;         // an order paid after it expired (bank time)
  double two_instances = 0;        // the same bank transaction reported by a second instance
  double device_drop = 0;          // per device per second: the device drops and reconnects
  std::int64_t delay_max_ms = 2000;

  static FaultRates none() { return {}; }
  static FaultRates all_faults();
};

struct ScenarioConfig {
  double rate_per_s = 100;  // payments per second (open loop)
  Arrival arrival = Arrival::poisson;
  std::int64_t duration_ms = 30'000;
  double dynamic_share = 0.3;      // share of payments to a dynamic order (the rest: static)
  double png_decode_share = 0.05;  // share of orders whose PNG is fetched and decoded (as a phone)
  std::int64_t order_lifetime_ms = 15 * 60 * 1000;  // the server's configured order lifetime
  FaultRates faults;
};

enum class PaymentKind : std::uint8_t {
  static_qr = 1,        // to the stall's static code: no reference
  order_exact = 2,      // a dynamic order paid exactly
  order_under = 3,      // paid short (expect underpaid)
  order_over = 4,       // paid too much (expect overpaid)
  order_twice = 5,      // paid exactly, then paid again (expect paid, then paid_again)
  order_late = 6,       // paid after expiry by bank time (expect late)
  unknown_account = 7,  // to an account no stall owns (expect suspense)
};
std::string_view to_string(PaymentKind kind);
bool is_order(PaymentKind kind);

// The outcome names of the design's table, as the API spells them.
enum class Expect : std::uint8_t {
  static_qr,
  paid,
  underpaid,
  overpaid,
  paid_again,
  late,
  suspense,
  probable_duplicate,
};
std::string_view api_name(Expect e);

inline constexpr std::uint32_t kNoStall = UINT32_MAX;

struct Payment {
  std::uint64_t index = 0;
  PaymentKind kind = PaymentKind::static_qr;
  std::uint32_t stall = 0;  // model stall index (unknown_account: kNoStall)
  std::uint32_t customer = 0;
  std::uint32_t instance = 0;         // adapter instance that delivers it
  std::int64_t intended_ms = 0;       // intended send time, from the start of the run
  std::int64_t amount_vnd = 0;        // what the customer sends (first transfer of order_twice too)
  std::int64_t order_amount_vnd = 0;  // the order's amount (orders only)
  std::string provider_txn_id;        // unique per (instance, payment)
  std::string bank_reference;         // the bank's reference ("FT26…")
  std::string memo;                   // what the customer typed (after the reference, for orders)
  std::string unknown_account;        // unknown_account: the account paid
  DescriptionStyle style = DescriptionStyle::plain;
  std::uint8_t duplicates = 0;  // extra identical deliveries (1–8 when the fault hits)
  std::int64_t delay_ms = 0;    // extra hold-back before sending (delay / reordering)
  bool ack_lost = false;
  bool forged_first = false;
  std::uint32_t second_instance = UINT32_MAX;  // two_instances: the other reporter
  bool decode_png = false;
  // Orders: the order is created over the API this long before the intended send time.
  std::int64_t order_lead_ms = 0;
  // order_late: the bank books the transfer this long after the order expires.
  std::int64_t late_by_ms = 0;
  // order_twice: the second transfer (its own txn id and bank reference).
  std::string second_txn_id;
  std::string second_bank_reference;
  std::string forged_txn_id;           // the forged delivery's id (must never be stored)
  std::string second_instance_txn_id;  // two_instances: the other provider's id

  Expect expected() const;  // outcome of the (first) transfer
};

struct Scenario {
  ScenarioConfig config;
  std::uint64_t seed = 0;
  std::vector<Payment> payments;  // sorted by intended_ms
  // Per device: the times (from the start) at which it drops its connection; it reconnects
  // with its cursor after `reconnect_after_ms`.
  std::vector<std::vector<std::int64_t>> device_drops;
  std::int64_t reconnect_after_ms = 300;

  // Counts for the report: payments per kind and faults applied.
  std::uint64_t count(PaymentKind kind) const;
};

Status validate(const ScenarioConfig& config);

// Deterministic: the same (world, config, seed) gives the same scenario, field for field.
Result<Scenario> generate_scenario(const World& world, const ScenarioConfig& config,
                                   std::uint64_t seed);

// A short fingerprint (FNV-1a over every field) used to show that a replay matches.
std::uint64_t fingerprint(const Scenario& scenario);

}  // namespace cho4::sim
