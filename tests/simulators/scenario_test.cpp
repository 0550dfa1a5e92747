#include "simulators/scenario.h"

#include <gtest/gtest.h>

#include <set>

#include "core/ids.h"
#include "core/vn_text.h"
#include "simulators/description.h"

namespace cho4::sim {
namespace {

World test_world(std::uint64_t seed = 1) {
  WorldConfig wc;
  wc.markets = 2;
  wc.stalls_per_market = 10;
  wc.devices_per_stall = 2;
  wc.customers = 50;
  auto w = build_world(wc, seed);
  EXPECT_TRUE(w.ok());
  return *w;
}

ScenarioConfig ci_config() {
  ScenarioConfig c;
  c.rate_per_s = 200;
  c.duration_ms = 30'000;
  c.order_lifetime_ms = 5'000;
  c.faults = FaultRates::all_faults();
  return c;
}

TEST(World, SameSeedSameWorldAndUniqueAccounts) {
  const World a = test_world(3), b = test_world(3), c = test_world(4);
  ASSERT_EQ(a.stalls.size(), 20u);
  std::set<std::string> accounts;
  for (std::size_t i = 0; i < a.stalls.size(); ++i) {
    EXPECT_EQ(a.stalls[i].account, b.stalls[i].account);
    EXPECT_TRUE(accounts.insert(a.stalls[i].account).second);
    EXPECT_TRUE(is_valid_utf8(a.stalls[i].name));
    EXPECT_NE(a.stalls[i].account[0], '9');  // unknown accounts start with 9
  }
  EXPECT_NE(a.stalls[0].account, c.stalls[0].account);
  EXPECT_EQ(a.instances.size(), std::size(kAllProviderKinds));
  EXPECT_EQ(device_count(a), 40u);
  for (const auto& inst : a.instances) EXPECT_TRUE(is_valid_instance_name(inst.name)) << inst.name;
}

TEST(World, RejectsSizesOutOfRange) {
  WorldConfig wc;
  wc.markets = 0;
  EXPECT_FALSE(build_world(wc, 1).ok());
  wc.markets = 1;
  wc.devices_per_stall = 65;
  EXPECT_FALSE(build_world(wc, 1).ok());
}

TEST(Scenario, SameSeedReplaysExactly) {
  const World w = test_world();
  auto a = generate_scenario(w, ci_config(), 99);
  auto b = generate_scenario(w, ci_config(), 99);
  auto c = generate_scenario(w, ci_config(), 100);
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  EXPECT_EQ(fingerprint(*a), fingerprint(*b));
  EXPECT_NE(fingerprint(*a), fingerprint(*c));
  ASSERT_EQ(a->payments.size(), b->payments.size());
  for (std::size_t i = 0; i < a->payments.size(); ++i)
    EXPECT_EQ(a->payments[i].provider_txn_id, b->payments[i].provider_txn_id);
}

TEST(Scenario, EveryFaultOccursInTheCiMix) {
  const World w = test_world();
  auto sc = generate_scenario(w, ci_config(), 5);
  ASSERT_TRUE(sc.ok());
  // Poisson at 200/s for 30 s: about 6000 payments.
  EXPECT_GT(sc->payments.size(), 5500u);
  EXPECT_LT(sc->payments.size(), 6500u);
  for (auto k : {PaymentKind::static_qr, PaymentKind::order_exact, PaymentKind::order_under,
                 PaymentKind::order_over, PaymentKind::order_twice, PaymentKind::order_late,
                 PaymentKind::unknown_account})
    EXPECT_GT(sc->count(k), 0u) << to_string(k);
  std::size_t dup = 0, delayed = 0, lost = 0, forged = 0, two = 0, mangled = 0, png = 0;
  std::set<std::string> ids;
  std::int64_t last = -1;
  for (const auto& p : sc->payments) {
    dup += p.duplicates > 0;
    EXPECT_LE(p.duplicates, 8);
    delayed += p.delay_ms > 0;
    lost += p.ack_lost;
    forged += p.forged_first;
    two += p.second_instance != UINT32_MAX;
    mangled += p.style != DescriptionStyle::plain;
    png += p.decode_png;
    EXPECT_TRUE(ids.insert(p.provider_txn_id).second);
    EXPECT_GE(p.intended_ms, last);
    last = p.intended_ms;
    if (p.kind == PaymentKind::order_late) {
      // Its order is created before the run starts? Never: the lead fits inside the run.
      EXPECT_GE(p.intended_ms - p.order_lead_ms, 0);
      EXPECT_GT(p.order_lead_ms, ci_config().order_lifetime_ms);
    }
    if (p.kind == PaymentKind::order_under) {
      EXPECT_LT(p.amount_vnd, p.order_amount_vnd);
      EXPECT_GT(p.amount_vnd, 0);
    }
    if (p.kind == PaymentKind::order_over) {
      EXPECT_GT(p.amount_vnd, p.order_amount_vnd);
    }
    if (p.second_instance != UINT32_MAX) {
      EXPECT_NE(p.second_instance, p.instance);
    }
  }
  for (auto n : {dup, delayed, lost, forged, two, mangled, png}) EXPECT_GT(n, 0u);
  std::size_t drops = 0;
  for (const auto& d : sc->device_drops) drops += d.size();
  EXPECT_GT(drops, 0u);
}

TEST(Scenario, ConstantArrivalIsEvenlySpaced) {
  const World w = test_world();
  ScenarioConfig c;
  c.rate_per_s = 100;
  c.duration_ms = 1000;
  c.arrival = Arrival::constant;
  auto sc = generate_scenario(w, c, 1);
  ASSERT_TRUE(sc.ok());
  ASSERT_EQ(sc->payments.size(), 100u);
  for (std::size_t i = 0; i < 100; ++i)
    EXPECT_EQ(sc->payments[i].intended_ms, std::int64_t(i * 10));
}

TEST(Scenario, ValidationRejectsBadRates) {
  const World w = test_world();
  ScenarioConfig c;
  c.rate_per_s = 0;
  EXPECT_FALSE(generate_scenario(w, c, 1).ok());
  c.rate_per_s = 10;
  c.faults.duplicate = 1.5;
  EXPECT_FALSE(generate_scenario(w, c, 1).ok());
  c.faults.duplicate = 0;
  c.faults.underpay = c.faults.overpay = 0.6;
  EXPECT_FALSE(generate_scenario(w, c, 1).ok());
}

TEST(Description, ReferenceSurvivesEveryStyle) {
  const World w = test_world();
  for (int s = 0; s < kDescriptionStyleCount; ++s) {
    DescriptionInput in;
    in.reference = "K7M2Q9X4";
    in.memo = "Thanh toán đơn hàng rau củ quả tươi";
    in.style = DescriptionStyle(s);
    in.payer = &w.customers[0];
    in.payer_bank = &w.banks[0];
    in.payee_account = w.stalls[0].account;
    in.payee_name = w.stalls[0].holder_name;
    in.payee_bank_code = "VCB";
    in.trace = "12345678901234";
    in.occurred_at_ms = 1'767'844'560'000;
    const std::string d = make_description(in);
    EXPECT_NE(d.find("K7M2Q9X4"), std::string::npos) << s << ": " << d;
    EXPECT_TRUE(is_valid_utf8(d));
    if (in.style == DescriptionStyle::truncated_25) {
      EXPECT_LE(d.size(), 25u);
    }
    if (in.style == DescriptionStyle::mbvcb) {
      EXPECT_EQ(d.rfind("MBVCB.", 0), 0u);
      EXPECT_NE(d.find(" toi" + w.stalls[0].account), std::string::npos);
    }
    if (in.style == DescriptionStyle::napas_trace) {  // 2026-01-08 10:56 in Vietnam
      EXPECT_EQ(d.rfind("12345678901234.080126.105600.", 0), 0u) << d;
    }
  }
}

}  // namespace
}  // namespace cho4::sim
