// Table-driven reconciliation: every outcome of DESIGN.md's table with its postings, every bank
// wrapper of reference/webhooks.md, and the adversarial cases of issue 3.
#include <gtest/gtest.h>

#include "ledger/reference_code.h"
#include "tests/ledger/ledger_test_util.h"

namespace cho4::ledger::testing {
namespace {

constexpr char kAcct[] = "0071000123456";
constexpr char kOtherAcct[] = "1903555777";

struct Wrapper {
  const char* name;
  std::string (*wrap)(const std::string& memo);
};

// What banks and aggregators do around the payer's memo (reference/webhooks.md).
const Wrapper kWrappers[] = {
    {"plain", [](const std::string& m) { return m; }},
    {"mbvcb",
     [](const std::string& m) {
       return "MBVCB.3278907687." + m +
              ".CT tu 0071000999888 NGUYEN VAN A toi0071000123456 TRAN THI B tai Vietcombank";
     }},
    {"napas_trace", [](const std::string& m) { return "725123.031024.140237." + m; }},
    {"gd_trace", [](const std::string& m) { return m + " GD 123456-031024 14:02:37"; }},
    {"qr_aggregator",
     [](const std::string& m) {
       return "QR VQR712a7d45ea " + m + " Ma giao dich Trace756759 Trace 756759";
     }},
    {"chatpay", [](const std::string& m) { return m + " (by Techcombank ChatPay)"; }},
    {"vietnamese_memo", [](const std::string& m) { return m + " Thanh toán đơn hàng rau củ"; }},
    {"upper_no_diacritics", [](const std::string& m) { return m + " THANH TOAN DON HANG"; }},
    {"truncated_19", [](const std::string& m) { return (m + " mua rau cai").substr(0, 19); }},
    {"truncated_25", [](const std::string& m) { return (m + " thanh toan tien").substr(0, 25); }},
    {"whitespace_removed", [](const std::string& m) { return "CHUYENTIEN" + m + "CAMON"; }},
};

struct MemoForm {
  const char* name;
  std::string (*form)(const std::string& code);
};
const MemoForm kMemoForms[] = {
    {"as_is", [](const std::string& c) { return c; }},
    {"lower_case",
     [](const std::string& c) {
       std::string s = c;
       for (auto& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
       return s;
     }},
    {"space_inside", [](const std::string& c) { return c.substr(0, 4) + " " + c.substr(4); }},
    {"line_break_inside", [](const std::string& c) { return c.substr(0, 6) + "\n" + c.substr(6); }},
    {"prefixed", [](const std::string& c) { return "TT " + c; }},
};

class ReconcileTest : public LedgerFixture {};

TEST_F(ReconcileTest, EveryBankWrapperAndMemoFormMatchesTheOrder) {
  Stall s = stall(kAcct);
  int n = 0;
  for (const auto& w : kWrappers) {
    for (const auto& f : kMemoForms) {
      // Whitespace-removing banks also glue the split forms together: still one token.
      Order o = order(s.id, 50000);
      std::string desc = w.wrap(f.form(o.reference));
      CreditResult r = ingest(credit(kAcct, 50000, desc, "w" + std::to_string(++n)));
      EXPECT_EQ(r.outcome, Outcome::paid) << w.name << "/" << f.name << ": " << desc;
      EXPECT_EQ(r.order, o.id) << w.name << "/" << f.name;
      EXPECT_EQ(r.reference, o.reference);
      EXPECT_GT(r.outbox_seq, 0u);
    }
  }
  EXPECT_EQ(engine_->balance(stall_received_account(s.id)), Money::vnd(50000LL * n));
}

TEST_F(ReconcileTest, EveryOutcomeWithItsPostings) {
  Stall s = stall(kAcct, "VA0071", Money::vnd(10000));
  std::string bank = bank_account_name("970436", kAcct);
  std::string recv = stall_received_account(s.id), excess = stall_excess_account(s.id),
              paid_out = stall_paid_out_account(s.id);

  // paid
  Order o1 = order(s.id, 100000);
  CreditResult r = ingest(credit(kAcct, 100000, o1.reference, "t1"));
  EXPECT_EQ(r.outcome, Outcome::paid);
  EXPECT_EQ(r.paid_total, Money::vnd(100000));
  EXPECT_EQ(r.shortfall, Money());
  auto rec = engine_->credit(r.credit_id);
  ASSERT_TRUE(rec.ok());
  EXPECT_EQ(rec->postings, (std::vector<Posting>{{bank, recv, Money::vnd(100000)}}));

  // paid_again: everything to excess
  r = ingest(credit(kAcct, 100000, o1.reference, "t2"));
  EXPECT_EQ(r.outcome, Outcome::paid_again);
  EXPECT_EQ(r.excess, Money::vnd(100000));
  EXPECT_EQ(engine_->credit(r.credit_id)->postings,
            (std::vector<Posting>{{bank, excess, Money::vnd(100000)}}));

  // underpaid, accumulating, then overpaid (received up to the amount + excess)
  Order o2 = order(s.id, 200000);
  r = ingest(credit(kAcct, 200, o2.reference, "t3"));  // 200 đ for a 200.000 đ bill: loud
  EXPECT_EQ(r.outcome, Outcome::underpaid);
  EXPECT_EQ(r.shortfall, Money::vnd(199800));
  r = ingest(credit(kAcct, 199900, o2.reference, "t4"));
  EXPECT_EQ(r.outcome, Outcome::overpaid);
  EXPECT_EQ(r.paid_total, Money::vnd(200100));
  EXPECT_EQ(r.excess, Money::vnd(100));
  EXPECT_EQ(
      engine_->credit(r.credit_id)->postings,
      (std::vector<Posting>{{bank, recv, Money::vnd(199800)}, {bank, excess, Money::vnd(100)}}));

  // late: after expiry by bank time, postings as paid
  Order o3 = order(s.id, 30000, 60'000);
  clock_.advance_ms(120'000);
  r = ingest(credit(kAcct, 30000, o3.reference, "t5"));
  EXPECT_EQ(r.outcome, Outcome::late);
  EXPECT_TRUE(r.late());
  EXPECT_EQ(engine_->credit(r.credit_id)->postings,
            (std::vector<Posting>{{bank, recv, Money::vnd(30000)}}));
  // Bank time decides, not receive time: booked before expiry, delivered after → not late.
  Order o4 = order(s.id, 40000, 60'000);
  BankCredit early = credit(kAcct, 40000, o4.reference, "t6");
  clock_.advance_ms(300'000);
  early.received_at_ms = clock_.now_ms();
  r = ingest(early);
  EXPECT_EQ(r.outcome, Outcome::paid);
  EXPECT_FALSE(r.late());

  // static, and below_minimum under the alarm threshold; the virtual account routes too
  r = ingest(credit(kAcct, 25000, "chuyen tien mua rau", "t7"));
  EXPECT_EQ(r.outcome, Outcome::static_qr);
  EXPECT_FALSE(r.below_minimum());
  BankCredit va = credit("9999999999", 5000, "mua hanh", "t8");
  va.sub_account = "VA0071";
  r = ingest(va);
  EXPECT_EQ(r.outcome, Outcome::static_qr);
  EXPECT_EQ(r.stall, s.id);
  EXPECT_TRUE(r.below_minimum());

  // suspense: unknown account
  r = ingest(credit("5555555555", 70000, "abc", "t9"));
  EXPECT_EQ(r.outcome, Outcome::suspense);
  EXPECT_EQ(engine_->credit(r.credit_id)->postings,
            (std::vector<Posting>{{bank_account_name("Vietcombank", "5555555555"),
                                   std::string(kSuspenseAccount), Money::vnd(70000)}}));

  // outgoing: the owner's own transfer
  BankCredit out = credit(kAcct, 15000, "hoan tien khach", "t10");
  out.direction = Direction::out;
  r = ingest(out);
  EXPECT_EQ(r.outcome, Outcome::outgoing);
  EXPECT_EQ(engine_->credit(r.credit_id)->postings,
            (std::vector<Posting>{{paid_out, bank, Money::vnd(15000)}}));

  // duplicate: same key and body; conflict: same key, different amount; neither posts
  Money before = engine_->balance(recv);
  r = ingest(credit(kAcct, 25000, "chuyen tien mua rau", "t7"));
  EXPECT_EQ(r.outcome, Outcome::duplicate);
  EXPECT_EQ(r.outbox_seq, 0u);
  r = ingest(credit(kAcct, 26000, "chuyen tien mua rau", "t7"));
  EXPECT_EQ(r.outcome, Outcome::conflict);
  EXPECT_TRUE(engine_->credit(r.credit_id)->postings.empty());
  EXPECT_EQ(engine_->balance(recv), before);
  EXPECT_EQ(engine_->held_credits(10).size(), 1u);

  // probable_duplicate: the same bank transaction through another adapter instance
  BankCredit again = credit(kAcct, 25000, "chuyen tien mua rau", "other-id", "casso-v2");
  again.bank_reference = "FTt7";
  r = ingest(again);
  EXPECT_EQ(r.outcome, Outcome::probable_duplicate);
  EXPECT_EQ(engine_->balance(recv), before);
  EXPECT_EQ(engine_->held_credits(10).size(), 2u);

  // Everything balances.
  Money sum;
  for (const char* a : {"suspense"}) sum += engine_->balance(a);
  sum += engine_->balance(recv) + engine_->balance(excess) + engine_->balance(paid_out) +
         engine_->balance(bank) + engine_->balance(bank_account_name("Vietcombank", "5555555555")) +
         engine_->balance(bank_account_name("970436", "9999999999"));
  EXPECT_EQ(sum, Money());
}

TEST_F(ReconcileTest, AdversarialCases) {
  Stall s = stall(kAcct);
  Stall other = stall(kOtherAcct);

  // Two valid codes of open orders: suspense, both candidates listed.
  Order a = order(s.id, 10000), b = order(s.id, 10000);
  CreditResult r = ingest(credit(kAcct, 10000, a.reference + " " + b.reference, "x1"));
  EXPECT_EQ(r.outcome, Outcome::suspense);
  EXPECT_EQ(r.candidates, (std::vector<OrderId>{a.id, b.id}));
  EXPECT_TRUE(r.flags & kFlagAmbiguousReference);
  EXPECT_EQ(engine_->suspense_credits(10).size(), 1u);

  // A wrong check character: no match (the account's stall gets a static payment).
  Order c = order(s.id, 10000);
  std::string bad = c.reference;
  bad.back() = bad.back() == 'A' ? 'B' : 'A';
  r = ingest(credit(kAcct, 10000, bad, "x2"));
  EXPECT_EQ(r.outcome, Outcome::static_qr);
  EXPECT_FALSE(r.order.valid());

  // A code of another stall's order arriving at this stall's account: suspense.
  Order foreign = order(other.id, 10000);
  r = ingest(credit(kAcct, 10000, "tt " + foreign.reference, "x3"));
  EXPECT_EQ(r.outcome, Outcome::suspense);
  EXPECT_TRUE(r.flags & kFlagForeignReference);
  EXPECT_EQ(r.candidates, std::vector<OrderId>{foreign.id});
  EXPECT_EQ(engine_->order(foreign.id)->paid_total, Money());

  // A code split by a space, and by a line break: match.
  Order d = order(s.id, 12000), e = order(s.id, 13000);
  r = ingest(credit(kAcct, 12000, d.reference.substr(0, 3) + " " + d.reference.substr(3), "x4"));
  EXPECT_EQ(r.outcome, Outcome::paid);
  EXPECT_EQ(r.order, d.id);
  r = ingest(credit(kAcct, 13000,
                    "MBVCB.1." + e.reference.substr(0, 7) + "\n" + e.reference.substr(7), "x5"));
  EXPECT_EQ(r.outcome, Outcome::paid);
  EXPECT_EQ(r.order, e.id);

  // The same bank transaction through two adapter instances.
  BankCredit one = credit(kAcct, 9000, "rau", "p-1", "sepay-main");
  one.bank_reference = "FT24277123";
  BankCredit two = credit(kAcct, 9000, "rau", "9876", "casso-v2");
  two.bank_reference = "FT24277123";
  EXPECT_EQ(ingest(one).outcome, Outcome::static_qr);
  r = ingest(two);
  EXPECT_EQ(r.outcome, Outcome::probable_duplicate);
  EXPECT_EQ(engine_->credit(r.credit_id)->related, engine_->credit_by_key("sepay-main", "p-1")->id);
  // …and its redelivery through the second instance is a plain duplicate of it.
  EXPECT_EQ(ingest(two).outcome, Outcome::duplicate);
}

// Naming an order that does not change (another stall's) must not rewrite it: the writer reads
// candidates without copying them into the batch. A credit naming two such orders writes exactly
// as many RocksDB entries as one naming a single order.
TEST_F(ReconcileTest, OrdersThatOnlyAppearAsCandidatesAreNotRewritten) {
  stall(kAcct);  // the receiving stall
  Stall other = stall(kOtherAcct);
  Order f = order(other.id, 10000), g = order(other.id, 20000);
  auto keys_written_by = [&](BankCredit c) {
    std::uint64_t before = engine_->stats().keys_written;
    CreditResult r = ingest(std::move(c));
    EXPECT_EQ(r.outcome, Outcome::suspense);
    EXPECT_TRUE(r.flags & kFlagForeignReference);
    return engine_->stats().keys_written - before;
  };
  std::uint64_t one = keys_written_by(credit(kAcct, 10000, "tt " + f.reference, "c1"));
  std::uint64_t two =
      keys_written_by(credit(kAcct, 10000, "tt " + f.reference + " " + g.reference, "c2"));
  EXPECT_GT(one, 0u);
  EXPECT_EQ(two, one);
  EXPECT_EQ(engine_->order(f.id)->paid_total, Money());
  EXPECT_EQ(engine_->order(g.id)->paid_total, Money());
}

TEST_F(ReconcileTest, CancelledAndDateOnlyCredits) {
  Stall s = stall(kAcct);
  Order o = order(s.id, 20000);
  auto cancelled = must<Order>(*engine_, CancelOrder{o.id});
  EXPECT_EQ(cancelled.status_at(clock_.now_ms()), OrderStatus::cancelled);
  CreditResult r = ingest(credit(kAcct, 20000, o.reference, "c1"));
  EXPECT_EQ(r.outcome, Outcome::late);
  EXPECT_TRUE(r.flags & kFlagOrderCancelled);
  // A paid order cannot be cancelled.
  EXPECT_EQ(run(*engine_, CancelOrder{o.id}).status.code(), StatusCode::failed_precondition);

  // Casso v1 sends only a date: the day from it, lateness from the receive time.
  Order p = order(s.id, 5000, 60'000);
  BankCredit c = credit(kAcct, 5000, p.reference, "c2", "casso-v1");
  c.occurred_at_ms = vn_day_start_ms(vn_date(clock_.now_ms()));
  c.occurred_date_only = true;
  r = ingest(c);
  EXPECT_EQ(r.outcome, Outcome::paid);  // midnight is before expiry, but lateness uses receipt
  EXPECT_TRUE(r.date_only());
  clock_.advance_ms(120'000);
  Order q = order(s.id, 5000, 60'000);
  clock_.advance_ms(120'000);
  c = credit(kAcct, 5000, q.reference, "c3", "casso-v1");
  c.occurred_at_ms = vn_day_start_ms(vn_date(clock_.now_ms()));
  c.occurred_date_only = true;
  r = ingest(c);
  EXPECT_EQ(r.outcome, Outcome::late);
  EXPECT_TRUE(r.date_only());
}

TEST_F(ReconcileTest, RejectsMalformedCreditsWithoutRecordingAnything) {
  stall(kAcct);
  BankCredit c = credit(kAcct, 0, "x", "bad1");
  IngestCredits in;
  in.credits.push_back(c);
  EXPECT_EQ(run(*engine_, in).status.code(), StatusCode::invalid_argument);
  c = credit(kAcct, 1000, "x", "");
  in.credits = {c};
  EXPECT_EQ(run(*engine_, in).status.code(), StatusCode::invalid_argument);
  c = credit(kAcct, 1000, "x", "ok", "Bad Instance!");
  in.credits = {c};
  EXPECT_EQ(run(*engine_, in).status.code(), StatusCode::invalid_argument);
  EXPECT_EQ(engine_->stats().last_credit_id, 0u);
}

}  // namespace
}  // namespace cho4::ledger::testing
