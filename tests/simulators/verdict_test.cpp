#include "simulators/verdict.h"

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "simulators/report.h"

namespace cho4::sim {
namespace {

ExpectedCredit expect(std::uint64_t i, std::string outcome, std::int64_t amount,
                      std::string stall = "s1") {
  ExpectedCredit e;
  e.payment = i;
  e.instance = "sim-sepay-1";
  e.provider_txn_id = std::to_string(1000 + i);
  e.bank_reference = "FT" + std::to_string(i);
  e.stall_id = std::move(stall);
  e.amount_vnd = amount;
  e.outcome = std::move(outcome);
  e.acknowledged = true;
  e.first_send_us = std::int64_t(i) * 1000;
  return e;
}

ObservedCredit observe(const ExpectedCredit& e, std::string id) {
  return {std::move(id), e.instance,   e.provider_txn_id, e.bank_reference,
          e.stall_id,    e.amount_vnd, e.outcome};
}

// A consistent world: three credits to stall s1, one to suspense, one device with every event.
VerdictInput good_input() {
  VerdictInput in;
  in.expected = {expect(1, "paid", 60'000), expect(2, "static", 20'000),
                 expect(3, "suspense", 5'000, ""), expect(4, "underpaid", 1'000)};
  for (std::size_t i = 0; i < in.expected.size(); ++i)
    in.observed.push_back(observe(in.expected[i], "c" + std::to_string(i + 1)));
  ObservedCredit dup = in.observed[0];
  dup.id = "c9";
  dup.outcome = "duplicate";
  in.observed.push_back(dup);
  in.catch_up["s1"] = {{1, "c1", true, 0}, {2, "c2", true, 0}, {3, "c4", true, 0}};
  DeviceLog d{"s1",
              "ws 1/1",
              {{1, "c1", false, 1500},
               {2, "c2", false, 2600},
               {2, "c2", true, 2700},
               {3, "c4", false, 4300}}};
  in.devices.push_back(d);
  in.totals["s1"] = {81'000, 3};
  in.ledger_check_ran = true;
  in.ledger_check_ok = true;
  return in;
}

TEST(Verdict, ConsistentRunPasses) {
  const Verdict v = judge(good_input());
  for (const auto& d : v.discrepancies) ADD_FAILURE() << d.category << ": " << d.detail;
  EXPECT_TRUE(v.passed());
  EXPECT_EQ(v.matched, 4u);
  EXPECT_EQ(v.duplicate_records, 1u);
  EXPECT_EQ(v.send_to_device_us.count(), 3u);  // the replayed copy is not a live delivery
  EXPECT_EQ(v.send_to_device_us.min(), 300u);  // c4: sent at 4000 µs, received at 4300
  EXPECT_EQ(v.send_to_device_us.max(), 600u);  // c2: sent at 2000 µs, received at 2600
}

TEST(Verdict, MissingCreditFails) {
  auto in = good_input();
  in.observed.erase(in.observed.begin() + 1);
  const Verdict v = judge(in);
  EXPECT_FALSE(v.passed());
  EXPECT_EQ(v.counts_by_category.at("missing"), 1u);
}

TEST(Verdict, DoubleStoreAndWrongOutcomeFail) {
  auto in = good_input();
  auto again = in.observed[0];
  again.id = "c7";
  in.observed.push_back(again);
  in.observed[3].outcome = "paid";
  const Verdict v = judge(in);
  EXPECT_EQ(v.counts_by_category.at("duplicated"), 1u);
  EXPECT_EQ(v.counts_by_category.at("wrong-outcome"), 1u);
}

TEST(Verdict, DeviceGapFailsWithTheMissingSequence) {
  auto in = good_input();
  in.devices[0].events.erase(in.devices[0].events.begin() + 1, in.devices[0].events.begin() + 3);
  const Verdict v = judge(in);
  ASSERT_EQ(v.counts_by_category.at("device-gap"), 1u);
  bool named = false;
  for (const auto& d : v.discrepancies) named |= d.detail.find("seq 2") != std::string::npos;
  EXPECT_TRUE(named);
}

TEST(Verdict, EventGapOnTheServerFails) {
  auto in = good_input();
  in.catch_up["s1"].erase(in.catch_up["s1"].begin() + 1);  // 1, 3: seq 2 lost
  const Verdict v = judge(in);
  EXPECT_TRUE(v.counts_by_category.count("event-sequence"));
  EXPECT_TRUE(v.counts_by_category.count("event-missing"));
}

TEST(Verdict, TotalsForgeriesUnexpectedAndLedgerCheck) {
  auto in = good_input();
  in.totals["s1"].total_in_vnd = 80'000;
  in.forged.emplace_back("sim-sepay-1", "1001");  // a forged id that was stored
  in.observed.push_back({"c8", "sim-payos-1", "777", "FT777", "s1", 1, "static"});
  in.ledger_check_ok = false;
  in.ledger_check_output = "balances do not sum to zero";
  const Verdict v = judge(in);
  EXPECT_TRUE(v.counts_by_category.count("stall-total"));
  EXPECT_TRUE(v.counts_by_category.count("forged-stored"));
  EXPECT_TRUE(v.counts_by_category.count("unexpected"));
  EXPECT_TRUE(v.counts_by_category.count("ledger-check"));
}

TEST(Verdict, UnacknowledgedMayBeAbsent) {
  auto in = good_input();
  in.expected.push_back(expect(5, "static", 7'000));
  in.expected.back().acknowledged = false;
  const Verdict v = judge(in);
  EXPECT_TRUE(v.passed());
  EXPECT_EQ(v.unacknowledged, 1u);
}

TEST(Report, TextAndHtmlCarryTheVerdictAndCharts) {
  auto in = good_input();
  in.devices[0].events.pop_back();
  const Verdict v = judge(in);
  RunStats s;
  s.at_second(0).sent = 10;
  s.at_second(1).sent = 12;
  s.at_second(1).webhook_us.record(900);
  s.webhook_us.record(900);
  s.elapsed_ms = 2000;
  ReportHeader h;
  h.seed = 1234;
  h.scenario = "poisson 10/s for 2 s";
  const std::string text = text_report(h, s, v);
  EXPECT_NE(text.find("FAIL"), std::string::npos);
  EXPECT_NE(text.find("device-gap"), std::string::npos);
  EXPECT_NE(text.find("--seed 1234"), std::string::npos);
  const std::string html = html_report(h, s, v);
  EXPECT_NE(html.find("<svg"), std::string::npos);
  EXPECT_NE(html.find("<polyline"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_NE(progress_line(s, 1500, 2000).find("payments"), std::string::npos);
  const std::string js = summary_json(h, s, v, 10);
  EXPECT_NE(js.find("\"passed\":false"), std::string::npos);
  EXPECT_NE(js.find("\"seed\":1234"), std::string::npos);
  EXPECT_NE(js.find("\"webhook\":{\"count\":1,\"p50_us\":"), std::string::npos);
}

TEST(Report, JsonSummaryCarriesThePerSecondSeries) {
  RunStats s;
  s.at_second(0).sent = 10;
  s.at_second(0).acked = 9;
  s.at_second(0).errors = 1;
  s.at_second(2).sent = 12;
  s.at_second(2).webhook_us.record(900);
  s.at_second(2).device_us.record(40'000);
  s.elapsed_ms = 3000;
  const auto js = boost::json::parse(summary_json(ReportHeader{}, s, judge(good_input()), 10));
  const auto& seconds = js.at("seconds").as_array();
  ASSERT_EQ(seconds.size(), 3u);  // the quiet second in between is kept, as zeros
  EXPECT_EQ(seconds[0].at("sent").as_int64(), 10);
  EXPECT_EQ(seconds[0].at("acked").as_int64(), 9);
  EXPECT_EQ(seconds[0].at("errors").as_int64(), 1);
  EXPECT_EQ(seconds[1].at("sent").as_int64(), 0);
  EXPECT_EQ(seconds[1].at("webhook_p99_us").as_int64(), 0);
  EXPECT_NEAR(double(seconds[2].at("webhook_p99_us").as_int64()), 900, 900 * 0.05);
  EXPECT_NEAR(double(seconds[2].at("device_p99_us").as_int64()), 40'000, 40'000 * 0.05);
}

}  // namespace
}  // namespace cho4::sim
