#include "switch/event_text.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace cho4::server {
namespace {

ledger::OutboxEvent paid(std::int64_t amount) {
  ledger::OutboxEvent e;
  e.stall = StallId{3};
  e.seq = 7;
  e.credit_id = CreditId{99};
  e.outcome = ledger::Outcome::paid;
  e.amount = Money::vnd(amount);
  e.order = OrderId{5};
  e.reference = "K7M2Q9X4";
  e.order_amount = Money::vnd(amount);
  e.paid_total = Money::vnd(amount);
  return e;
}

TEST(EventText, PaidAsTheApiDocumentSaysIt) {
  auto t = event_text(paid(60000));
  EXPECT_EQ(t.display, "Đã nhận 60.000\u00a0₫");
  EXPECT_EQ(t.speech, "Đã nhận sáu mươi nghìn đồng");
}

TEST(EventText, UnderpaidLeadsWithTheShortfall) {
  auto e = paid(60000);
  e.outcome = ledger::Outcome::underpaid;
  e.order_amount = Money::vnd(200000);
  e.shortfall = Money::vnd(140000);
  auto t = event_text(e);
  EXPECT_EQ(t.display, "THIẾU 140.000\u00a0₫ — đã nhận 60.000\u00a0₫ / 200.000\u00a0₫");
  EXPECT_EQ(t.speech, "Thiếu một trăm bốn mươi nghìn đồng. Đã nhận sáu mươi nghìn đồng");
}

TEST(EventText, OverpaidOutgoingAndLate) {
  auto e = paid(250000);
  e.outcome = ledger::Outcome::overpaid;
  e.order_amount = Money::vnd(200000);
  e.excess = Money::vnd(50000);
  EXPECT_EQ(event_text(e).display, "Đã nhận 250.000\u00a0₫ — thừa 50.000\u00a0₫");
  e = paid(30000);
  e.outcome = ledger::Outcome::outgoing;
  e.direction = Direction::out;
  EXPECT_EQ(event_text(e).display, "Đã chuyển đi 30.000\u00a0₫");
  e = paid(30000);
  e.outcome = ledger::Outcome::late;
  EXPECT_NE(event_text(e).display.find("quá hạn"), std::string::npos);
}

TEST(EventText, JsonCarriesEveryDocumentedField) {
  auto e = paid(60000);
  e.flags = ledger::kFlagLate;
  auto o = event_json(e, true);
  for (auto k : {"seq", "stall_id", "credit_id", "outcome", "direction", "amount_vnd", "order_id",
                 "order_reference", "order_amount_vnd", "paid_vnd", "shortfall_vnd", "excess_vnd",
                 "flags", "occurred_at", "received_at", "display", "speech", "replayed"})
    EXPECT_TRUE(o.contains(k)) << k;
  EXPECT_EQ(o.at("type").as_string(), "credit");
  EXPECT_EQ(o.at("outcome").as_string(), "paid");
  EXPECT_EQ(o.at("seq").as_uint64(), 7u);
  EXPECT_TRUE(o.at("replayed").as_bool());
  EXPECT_EQ(o.at("flags").as_array().at(0).as_string(), "late");
  EXPECT_EQ(o.at("order_reference").as_string(), "K7M2Q9X4");
}

}  // namespace
}  // namespace cho4::server
