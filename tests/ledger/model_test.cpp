// A seeded randomized test: thousands of orders and credits, each credit delivered 1–8 times in
// any order, with conflicts, cross-instance twins, cancellations and late payments, checked
// delivery by delivery against a small reference model of DESIGN.md's outcome table.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <set>

#include "ledger/check.h"
#include "tests/ledger/ledger_test_util.h"

namespace cho4::ledger::testing {
namespace {

// The reference model: the design's table written as plainly as possible.
struct Model {
  struct MOrder {
    StallId stall;
    std::int64_t amount = 0;
    UnixMs expires = 0;
    bool cancelled = false;
    std::int64_t paid = 0;
  };
  struct Expect {
    Outcome outcome;
    OrderId order;
    std::int64_t paid_total = 0;
    std::vector<OrderId> candidates;
  };
  std::map<std::string, StallId> stall_of_account;
  std::map<std::uint64_t, MOrder> orders;
  std::map<std::string, BankCredit> keys;
  std::set<std::tuple<std::string, std::string, std::int64_t>> bankrefs;
  std::map<std::uint64_t, std::int64_t> received, excess, paid_out;
  std::int64_t suspense = 0;
  std::size_t held = 0;

  bool cancel(OrderId id) {
    MOrder& o = orders.at(id.value);
    if (o.cancelled || o.paid >= o.amount) return false;
    o.cancelled = true;
    return true;
  }

  Expect deliver(const BankCredit& c, const std::vector<OrderId>& mentioned) {
    std::string key = c.adapter_instance + "|" + c.provider_txn_id;
    if (auto it = keys.find(key); it != keys.end()) {
      const BankCredit& o = it->second;
      bool same = o.amount == c.amount && o.account == c.account && o.direction == c.direction &&
                  o.sub_account == c.sub_account;
      if (!same) held++;
      return {same ? Outcome::duplicate : Outcome::conflict, {}, 0, {}};
    }
    keys[key] = c;
    auto br = std::make_tuple(c.account, c.bank_reference, c.amount.vnd());
    if (!c.bank_reference.empty() && bankrefs.count(br)) {
      held++;
      return {Outcome::probable_duplicate, {}, 0, {}};
    }
    if (!c.bank_reference.empty()) bankrefs.insert(br);
    auto st = stall_of_account.find(c.account);
    std::int64_t a = c.amount.vnd();
    if (c.direction == Direction::out) {
      if (st == stall_of_account.end()) {
        suspense -= a;
        return {Outcome::suspense, {}, 0, {}};
      }
      paid_out[st->second.value] -= a;
      return {Outcome::outgoing, {}, 0, {}};
    }
    std::vector<OrderId> own, foreign;
    for (OrderId id : mentioned) {
      bool mine = st != stall_of_account.end() && orders.at(id.value).stall == st->second;
      (mine ? own : foreign).push_back(id);
    }
    if (own.size() == 1) {
      MOrder& o = orders.at(own[0].value);
      bool late = c.occurred_at_ms >= o.expires || o.cancelled;
      std::int64_t before = o.paid;
      o.paid += a;
      Outcome out;
      if (before >= o.amount) {
        out = Outcome::paid_again;
        excess[o.stall.value] += a;
      } else {
        std::int64_t rec = std::min(a, o.amount - before);
        received[o.stall.value] += rec;
        excess[o.stall.value] += a - rec;
        out = late                 ? Outcome::late
              : a - rec > 0        ? Outcome::overpaid
              : o.paid == o.amount ? Outcome::paid
                                   : Outcome::underpaid;
      }
      return {out, own[0], o.paid, {}};
    }
    if (!own.empty() || !foreign.empty()) {
      suspense += a;
      std::vector<OrderId> cands = own;
      cands.insert(cands.end(), foreign.begin(), foreign.end());
      return {Outcome::suspense, {}, 0, cands};
    }
    if (st != stall_of_account.end()) {
      received[st->second.value] += a;
      return {Outcome::static_qr, {}, 0, {}};
    }
    suspense += a;
    return {Outcome::suspense, {}, 0, {}};
  }
};

class ModelTest : public LedgerFixture {};

TEST_F(ModelTest, RandomizedDeliveriesMatchTheReferenceModel) {
  constexpr std::uint64_t kSeed = 20241003;
  constexpr int kStalls = 4, kOrders = 1200, kTxns = 2500;
  std::mt19937_64 rng(kSeed);
  SCOPED_TRACE("seed " + std::to_string(kSeed));
  auto pick = [&](std::uint64_t n) { return rng() % n; };
  Model m;
  std::vector<Stall> stalls;
  for (int i = 0; i < kStalls; ++i) {
    stalls.push_back(stall("10000" + std::to_string(i)));
    m.stall_of_account[stalls.back().account] = stalls.back().id;
  }
  std::vector<Order> orders;
  // Orders in waves of 100 (one group commit each), a minute apart.
  for (int wave = 0; wave < kOrders / 100; ++wave) {
    clock_.advance_ms(60'000);
    std::vector<std::future<CommandResult>> created;
    for (int i = 0; i < 100; ++i) {
      auto p = std::make_shared<std::promise<CommandResult>>();
      created.push_back(p->get_future());
      CreateOrder c;
      c.stall = stalls[pick(kStalls)].id;
      c.amount = Money::vnd(1000 * (1 + std::int64_t(pick(200))));
      c.lifetime_ms = 60'000 * (1 + std::int64_t(pick(30)));
      ASSERT_TRUE(engine_->submit(c, [p](CommandResult r) { p->set_value(std::move(r)); }).ok());
    }
    for (auto& f : created) {
      CommandResult r = f.get();
      ASSERT_TRUE(r.status.ok());
      const Order& o = std::get<Order>(r.value);
      orders.push_back(o);
      m.orders[o.id.value] = Model::MOrder{o.stall, o.amount.vnd(), o.expires_at_ms, false, 0};
    }
  }
  UnixMs t_end = clock_.now_ms();

  // Transactions and their deliveries.
  struct Delivery {
    BankCredit credit;
    std::vector<OrderId> mentioned;
    OrderId cancel;  // a cancellation instead of a credit when valid
  };
  std::vector<Delivery> events;
  for (int t = 0; t < kTxns; ++t) {
    BankCredit c;
    c.adapter_instance = pick(2) ? "sepay-main" : "casso-v2";
    c.provider_txn_id = "tx" + std::to_string(t);
    c.bank_reference = pick(10) == 0 ? "" : "FT" + std::to_string(900000 + t);
    c.bank = "970436";
    bool unknown = pick(20) == 0;
    const Stall& s = stalls[pick(kStalls)];
    c.account = unknown ? "999" + std::to_string(pick(5)) : s.account;
    c.direction = pick(25) == 0 ? Direction::out : Direction::in;
    std::vector<OrderId> mentioned;
    std::string desc = "CK ";
    UnixMs when = t_end - std::int64_t(pick(3'600'000));
    std::int64_t amount = 1000 * (1 + std::int64_t(pick(150)));
    int kind = static_cast<int>(pick(100));
    auto same_stall_order = [&]() -> const Order* {
      for (int tries = 0; tries < 50; ++tries) {
        const Order& o = orders[pick(orders.size())];
        if (o.stall == s.id) return &o;
      }
      return nullptr;
    };
    if (!unknown && kind < 65) {  // pays an order of this stall
      if (const Order* o = same_stall_order()) {
        mentioned.push_back(o->id);
        desc += o->reference + " thanh toan";
        int how = static_cast<int>(pick(4));
        amount = how == 0   ? o->amount.vnd()
                 : how == 1 ? o->amount.vnd() / 2 + 1
                 : how == 2 ? o->amount.vnd() + 500
                            : amount;
        when = o->created_at_ms + std::int64_t(pick(2 * (o->expires_at_ms - o->created_at_ms)));
      }
    } else if (kind < 70) {  // another stall's order
      const Order& o = orders[pick(orders.size())];
      mentioned.push_back(o.id);
      desc += o.reference;
    } else if (!unknown && kind < 73) {  // two orders of this stall
      const Order* a = same_stall_order();
      const Order* b = same_stall_order();
      if (a && b && a != b) {
        mentioned = {a->id, b->id};
        desc += a->reference + " " + b->reference;
      }
    } else {
      desc += "mua hang";
    }
    if (c.direction == Direction::out) mentioned.clear();
    c.description = desc;
    c.amount = Money::vnd(amount);
    c.occurred_at_ms = when;
    c.received_at_ms = t_end;
    int deliveries = 1 + static_cast<int>(pick(8));
    for (int d = 0; d < deliveries; ++d) events.push_back({c, mentioned, {}});
    if (pick(30) == 0) {  // the provider changes its mind about the amount: conflict
      BankCredit x = c;
      x.amount = c.amount + Money::vnd(1000);
      events.push_back({x, mentioned, {}});
    }
    if (pick(30) == 0 && !c.bank_reference.empty()) {  // the twin through the other instance
      BankCredit twin = c;
      twin.adapter_instance = c.adapter_instance == "sepay-main" ? "casso-v2" : "sepay-main";
      twin.provider_txn_id = "twin" + std::to_string(t);
      events.push_back({twin, mentioned, {}});
    }
  }
  for (int i = 0; i < kOrders / 20; ++i) events.push_back({{}, {}, orders[pick(orders.size())].id});
  std::shuffle(events.begin(), events.end(), rng);

  // Submit in waves without waiting (group commit), then compare in submission order.
  std::size_t checked = 0;
  std::map<Outcome, int> seen;
  for (std::size_t start = 0; start < events.size(); start += 97) {
    std::size_t end = std::min(events.size(), start + 97);
    std::vector<std::future<CommandResult>> futures;
    for (std::size_t i = start; i < end; ++i) {
      auto p = std::make_shared<std::promise<CommandResult>>();
      futures.push_back(p->get_future());
      Command cmd;
      if (events[i].cancel.valid()) {
        cmd = CancelOrder{events[i].cancel};
      } else {
        IngestCredits in;
        in.credits.push_back(events[i].credit);
        cmd = std::move(in);
      }
      ASSERT_TRUE(
          engine_->submit(std::move(cmd), [p](CommandResult r) { p->set_value(std::move(r)); })
              .ok());
    }
    for (std::size_t i = start; i < end; ++i) {
      CommandResult r = futures[i - start].get();
      if (events[i].cancel.valid()) {
        bool ok = m.cancel(events[i].cancel);
        ASSERT_EQ(r.status.ok(), ok) << "cancel of order " << events[i].cancel.value << " at " << i;
        continue;
      }
      ASSERT_TRUE(r.status.ok()) << r.status.to_string();
      const CreditResult& got = std::get<IngestResult>(r.value).credits.at(0);
      Model::Expect want = m.deliver(events[i].credit, events[i].mentioned);
      ASSERT_EQ(got.outcome, want.outcome)
          << "event " << i << " " << events[i].credit.provider_txn_id << " desc '"
          << events[i].credit.description << "'";
      if (want.order.valid()) {
        ASSERT_EQ(got.order, want.order);
        ASSERT_EQ(got.paid_total.vnd(), want.paid_total);
      }
      if (!want.candidates.empty()) {
        ASSERT_EQ(got.candidates, want.candidates);
      }
      ++checked;
      seen[got.outcome]++;
    }
  }
  EXPECT_GT(checked, std::size_t(kTxns));
  // The workload reaches every outcome of the table.
  for (Outcome o : {Outcome::paid, Outcome::underpaid, Outcome::overpaid, Outcome::paid_again,
                    Outcome::late, Outcome::static_qr, Outcome::suspense, Outcome::outgoing,
                    Outcome::duplicate, Outcome::conflict, Outcome::probable_duplicate})
    EXPECT_GT(seen[o], 0) << to_string(o);
  for (const auto& s : stalls) {
    EXPECT_EQ(engine_->balance(stall_received_account(s.id)).vnd(), m.received[s.id.value]);
    EXPECT_EQ(engine_->balance(stall_excess_account(s.id)).vnd(), m.excess[s.id.value]);
    EXPECT_EQ(engine_->balance(stall_paid_out_account(s.id)).vnd(), m.paid_out[s.id.value]);
  }
  EXPECT_EQ(engine_->balance(kSuspenseAccount).vnd(), m.suspense);
  EXPECT_EQ(engine_->held_credits(1'000'000).size(), m.held);
  for (const auto& [id, mo] : m.orders)
    EXPECT_EQ(engine_->order(OrderId{id})->paid_total.vnd(), mo.paid);

  // The same state after a restart, and every invariant holds.
  engine_.reset();
  auto report = check_store(options().path);
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->ok()) << report->violations.front();
  EXPECT_EQ(report->credits, checked);
  open();
  for (const auto& s : stalls)
    EXPECT_EQ(engine_->balance(stall_received_account(s.id)).vnd(), m.received[s.id.value]);
}

}  // namespace
}  // namespace cho4::ledger::testing
