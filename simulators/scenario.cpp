#include "simulators/scenario.h"

#include <algorithm>
#include <cstdio>

#include "simulators/rng.h"

namespace cho4::sim {
namespace {

// Bounds on a scenario's size: a run holds every payment in memory (~300 B each).
constexpr double kRateMaxPerS = 1'000'000;
constexpr std::int64_t kDurationMaxMs = 24LL * 3600 * 1000;
constexpr std::uint64_t kPaymentsMax = 50'000'000;
// Orders are created this long before the customer pays (the seller shows the code, the
// customer scans and confirms in the banking app).
constexpr std::int64_t kOrderLeadMs = 200;
// A late payment is booked 1–3 s after the order expired.
constexpr std::int64_t kLateByMinMs = 1000;
constexpr std::int64_t kLateByMaxMs = 3000;
constexpr std::uint8_t kDuplicatesMax = 8;

constexpr const char* kStaticMemos[] = {
    "chuyen tien mua rau", "Thanh toán tiền cá", "mua trái cây",         "tra tien gao",
    "Tiền thịt heo",       "thanh toan hoa qua", "chuyển khoản mua bún", "tien hang cho",
    "Mua đồ khô cô Lan",   "gui tien",
};
constexpr const char* kOrderMemos[] = {
    "thanh toan", "Thanh toán đơn hàng", "tra tien", "mua hang", "chuyen khoan", "",
};

std::string digits(Rng& rng, int n) {
  std::string s;
  for (int i = 0; i < n; ++i) s.push_back(char('0' + rng.below(10)));
  return s;
}

std::int64_t round_to(std::int64_t v, std::int64_t step) {
  return std::max(step, v / step * step);
}

}  // namespace

FaultRates FaultRates::all_faults() {
  FaultRates f;
  f.duplicate = 0.05;
  f.delay = 0.05;
  f.ack_lost = 0.02;
  f.bad_signature = 0.01;
  f.mangled_description = 0.3;
  f.underpay = 0.1;
  f.overpay = 0.05;
  f.pay_twice = 0.03;
  f.unknown_account = 0.02;
  f.after_expiry = 0.03;
  f.two_instances = 0.02;
  f.device_drop = 0.01;
  return f;
}

std::string_view to_string(PaymentKind kind) {
  switch (kind) {
    case PaymentKind::static_qr:
      return "static";
    case PaymentKind::order_exact:
      return "order_exact";
    case PaymentKind::order_under:
      return "order_under";
    case PaymentKind::order_over:
      return "order_over";
    case PaymentKind::order_twice:
      return "order_twice";
    case PaymentKind::order_late:
      return "order_late";
    case PaymentKind::unknown_account:
      return "unknown_account";
  }
  return "unknown";
}

bool is_order(PaymentKind kind) {
  return kind != PaymentKind::static_qr && kind != PaymentKind::unknown_account;
}

std::string_view api_name(Expect e) {
  switch (e) {
    case Expect::static_qr:
      return "static";
    case Expect::paid:
      return "paid";
    case Expect::underpaid:
      return "underpaid";
    case Expect::overpaid:
      return "overpaid";
    case Expect::paid_again:
      return "paid_again";
    case Expect::late:
      return "late";
    case Expect::suspense:
      return "suspense";
    case Expect::probable_duplicate:
      return "probable_duplicate";
  }
  return "unknown";
}

Expect Payment::expected() const {
  switch (kind) {
    case PaymentKind::static_qr:
      return Expect::static_qr;
    case PaymentKind::order_exact:
      return Expect::paid;
    case PaymentKind::order_under:
      return Expect::underpaid;
    case PaymentKind::order_over:
      return Expect::overpaid;
    case PaymentKind::order_twice:
      return Expect::paid;
    case PaymentKind::order_late:
      return Expect::late;
    case PaymentKind::unknown_account:
      return Expect::suspense;
  }
  return Expect::suspense;
}

std::uint64_t Scenario::count(PaymentKind kind) const {
  return std::uint64_t(std::count_if(payments.begin(), payments.end(),
                                     [&](const Payment& p) { return p.kind == kind; }));
}

Status validate(const ScenarioConfig& c) {
  if (!(c.rate_per_s > 0) || c.rate_per_s > kRateMaxPerS)
    return invalid_argument("rate must be > 0 and <= 1000000 per second");
  if (c.duration_ms <= 0 || c.duration_ms > kDurationMaxMs)
    return invalid_argument("duration must be > 0 and at most 24 h");
  if (c.rate_per_s * double(c.duration_ms) / 1000.0 > double(kPaymentsMax))
    return invalid_argument("rate × duration exceeds 50 million payments");
  if (c.order_lifetime_ms < 1000) return invalid_argument("order lifetime must be >= 1 s");
  auto share = [](double v) { return v >= 0 && v <= 1; };
  const FaultRates& f = c.faults;
  for (double v : {c.dynamic_share, c.png_decode_share, f.duplicate, f.delay, f.ack_lost,
                   f.bad_signature, f.mangled_description, f.underpay, f.overpay, f.pay_twice,
                   f.unknown_account, f.after_expiry, f.two_instances, f.device_drop})
    if (!share(v)) return invalid_argument("shares and fault rates must lie in [0, 1]");
  if (f.underpay + f.overpay + f.pay_twice + f.after_expiry > 1)
    return invalid_argument("underpay + overpay + pay_twice + after_expiry must be <= 1");
  if (f.delay_max_ms < 0 || f.delay_max_ms > 60'000)
    return invalid_argument("delay max must be 0..60000 ms");
  return Status();
}

Result<Scenario> generate_scenario(const World& world, const ScenarioConfig& config,
                                   std::uint64_t seed) {
  CHO4_RETURN_IF_ERROR(validate(config));
  if (world.stalls.empty() || world.instances.empty() || world.customers.empty())
    return invalid_argument("the world has no stalls, instances or customers");
  Scenario sc;
  sc.config = config;
  sc.seed = seed;
  Rng root(seed);
  Rng arrivals = root.fork("arrivals");
  Rng pay = root.fork("payments");
  Rng faults = root.fork("faults");
  const FaultRates& f = config.faults;
  const double mean_gap_ms = 1000.0 / config.rate_per_s;
  const std::int64_t late_min_start = config.order_lifetime_ms + kLateByMaxMs + kOrderLeadMs;

  // 10^14 ids per seed band keeps every id below 2^53 (JSON numbers stay exact everywhere).
  const std::uint64_t txn_base = (1000 + seed % 89000) * 100'000'000'000ULL;
  double t = 0;
  for (std::uint64_t i = 0;; ++i) {
    t = config.arrival == Arrival::constant ? double(i) * mean_gap_ms
                                            : t + arrivals.exponential(mean_gap_ms);
    if (t >= double(config.duration_ms)) break;
    Payment p;
    p.index = i;
    p.intended_ms = std::int64_t(t);
    p.customer = std::uint32_t(pay.below(world.customers.size()));
    p.stall = std::uint32_t(pay.below(world.stalls.size()));
    p.instance = world.stalls[p.stall].instance;
    p.bank_reference = "FT" + digits(pay, 14);
    // Numeric ids (SePay's and Casso's `id` are integers), distinct per seed: 4 per payment.
    const std::uint64_t id0 = txn_base + 4 * i;
    p.provider_txn_id = std::to_string(id0 + 1);
    p.forged_txn_id = std::to_string(id0 + 3);
    p.second_instance_txn_id = std::to_string(id0 + 4);

    if (faults.chance(f.unknown_account)) {
      p.kind = PaymentKind::unknown_account;
      p.stall = kNoStall;
      p.instance = std::uint32_t(pay.below(world.instances.size()));
      p.unknown_account = "9" + digits(pay, 11);  // stall accounts never start with 9…
      p.amount_vnd = round_to(pay.between(5'000, 500'000), 1000);
      p.memo = kStaticMemos[pay.below(std::size(kStaticMemos))];
    } else if (pay.chance(config.dynamic_share)) {
      p.order_amount_vnd = round_to(pay.between(10'000, 2'000'000), 1000);
      p.amount_vnd = p.order_amount_vnd;
      p.memo = kOrderMemos[pay.below(std::size(kOrderMemos))];
      p.order_lead_ms = kOrderLeadMs;
      p.decode_png = pay.chance(config.png_decode_share);
      // One order fault at most per payment, chosen by a single draw against the stacked rates.
      const double u = faults.unit();
      double edge = f.underpay;
      if (u < edge) {
        p.kind = PaymentKind::order_under;
        // Most pay a little short; a few send 1/1000 of the bill (200 đ for 200.000 đ).
        p.amount_vnd = faults.chance(0.2)
                           ? std::max<std::int64_t>(1, p.order_amount_vnd / 1000)
                           : p.order_amount_vnd -
                                 round_to(faults.between(1'000, p.order_amount_vnd / 2), 1000);
        if (p.amount_vnd <= 0) p.amount_vnd = 1;
      } else if (u < (edge += f.overpay)) {
        p.kind = PaymentKind::order_over;
        p.amount_vnd = p.order_amount_vnd + round_to(faults.between(1'000, 50'000), 1000);
      } else if (u < (edge += f.pay_twice)) {
        p.kind = PaymentKind::order_twice;
        p.second_txn_id = std::to_string(id0 + 2);
        p.second_bank_reference = "FT" + digits(pay, 14);
      } else if (u < (edge += f.after_expiry) && p.intended_ms >= late_min_start) {
        p.kind = PaymentKind::order_late;
        p.late_by_ms = faults.between(kLateByMinMs, kLateByMaxMs);
        p.order_lead_ms = config.order_lifetime_ms + p.late_by_ms;
      } else {
        p.kind = PaymentKind::order_exact;
      }
    } else {
      p.kind = PaymentKind::static_qr;
      p.amount_vnd = round_to(pay.between(5'000, 500'000), 1000);
      p.memo = kStaticMemos[pay.below(std::size(kStaticMemos))];
    }

    if (faults.chance(f.mangled_description))
      p.style = DescriptionStyle(1 + faults.below(kDescriptionStyleCount - 1));
    if (faults.chance(f.duplicate)) p.duplicates = std::uint8_t(faults.between(1, kDuplicatesMax));
    if (faults.chance(f.delay)) p.delay_ms = faults.between(1, f.delay_max_ms);
    p.ack_lost = faults.chance(f.ack_lost);
    p.forged_first = faults.chance(f.bad_signature);
    if (p.kind != PaymentKind::order_twice && p.kind != PaymentKind::unknown_account &&
        world.instances.size() > 1 && faults.chance(f.two_instances)) {
      auto other = std::uint32_t(faults.below(world.instances.size() - 1));
      if (other >= p.instance) ++other;
      p.second_instance = other;
    }
    sc.payments.push_back(std::move(p));
  }
  std::stable_sort(sc.payments.begin(), sc.payments.end(), [](const Payment& a, const Payment& b) {
    return a.intended_ms < b.intended_ms;
  });

  Rng drops = root.fork("device-drops");
  const auto devices = device_count(world);
  sc.device_drops.resize(devices);
  const std::int64_t seconds = config.duration_ms / 1000;
  for (auto& d : sc.device_drops)
    for (std::int64_t s = 0; s < seconds; ++s)
      if (drops.chance(f.device_drop)) d.push_back(s * 1000 + drops.between(0, 999));
  return sc;
}

std::uint64_t fingerprint(const Scenario& sc) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  auto mix = [&h](std::string_view bytes) {
    for (unsigned char c : bytes) h = (h ^ c) * 0x100000001b3ULL;
    h = (h ^ 0xff) * 0x100000001b3ULL;
  };
  auto num = [&mix](std::int64_t v) { mix(std::to_string(v)); };
  num(std::int64_t(sc.seed));
  for (const auto& p : sc.payments) {
    num(std::int64_t(p.index));
    num(std::int64_t(p.kind));
    num(p.stall);
    num(p.customer);
    num(p.instance);
    num(p.intended_ms);
    num(p.amount_vnd);
    num(p.order_amount_vnd);
    mix(p.provider_txn_id);
    mix(p.bank_reference);
    mix(p.memo);
    mix(p.unknown_account);
    num(std::int64_t(p.style));
    num(p.duplicates);
    num(p.delay_ms);
    num(p.ack_lost);
    num(p.forged_first);
    num(p.second_instance);
    num(p.decode_png);
    num(p.order_lead_ms);
    num(p.late_by_ms);
    mix(p.second_txn_id);
    mix(p.forged_txn_id);
    mix(p.second_instance_txn_id);
  }
  for (const auto& d : sc.device_drops)
    for (auto t : d) num(t);
  return h;
}

}  // namespace cho4::sim
