// `cho4 ledger check` (check_store) must notice broken invariants, not only bless good stores.
#include <gtest/gtest.h>

#include "ledger/check.h"
#include "ledger/schema_internal.h"
#include "ledger/store_internal.h"
#include "tests/ledger/ledger_test_util.h"

namespace cho4::ledger::testing {
namespace {

constexpr char kAcct[] = "0071000123456";

class CheckTest : public LedgerFixture {
 protected:
  // Opens the stopped store directly to damage it.
  std::unique_ptr<Store> raw_store() {
    engine_.reset();
    StoreOptions so;
    so.path = options().path;
    so.create_if_missing = false;
    auto s = Store::open(so);
    EXPECT_TRUE(s.ok());
    return std::move(*s);
  }
  std::vector<std::string> violations() {
    auto r = check_store(options().path);
    EXPECT_TRUE(r.ok());
    return r.ok() ? r->violations : std::vector<std::string>{};
  }
  Stall s_;
  void SetUp() override {
    LedgerFixture::SetUp();
    s_ = stall(kAcct);
    Order o = order(s_.id, 10000);
    ingest(credit(kAcct, 4000, o.reference, "c1"));
    ingest(credit(kAcct, 2500, "rau", "c2"));
    ingest(credit(kAcct, 3000, "ca", "c3"));
  }
};

TEST_F(CheckTest, AGoodStorePasses) {
  engine_.reset();
  auto r = check_store(options().path);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->ok());
  EXPECT_EQ(r->credits, 3u);
  EXPECT_EQ(r->events, 3u);
}

TEST_F(CheckTest, DetectsABalanceThatDisagreesWithThePostings) {
  {
    auto st = raw_store();
    ASSERT_TRUE(st->db()
                    ->Put(rocksdb::WriteOptions(), st->state(),
                          schema::balance_key(stall_received_account(s_.id)), schema::be64(1))
                    .ok());
  }
  auto v = violations();
  ASSERT_FALSE(v.empty());
  EXPECT_NE(v[0].find("balance"), std::string::npos) << v[0];
}

TEST_F(CheckTest, DetectsAnOutboxGapAndAMissingDedupeKey) {
  {
    auto st = raw_store();
    ASSERT_TRUE(
        st->db()->Delete(rocksdb::WriteOptions(), st->outbox(), schema::outbox_key(s_.id, 2)).ok());
    ASSERT_TRUE(
        st->db()
            ->Delete(rocksdb::WriteOptions(), st->dedupe(), schema::dedupe_key("sepay-main", "c3"))
            .ok());
  }
  auto v = violations();
  bool gap = false, key = false;
  for (const auto& x : v) {
    gap |= x.find("outbox") != std::string::npos;
    key |= x.find("dedupe") != std::string::npos;
  }
  EXPECT_TRUE(gap);
  EXPECT_TRUE(key);
}

TEST_F(CheckTest, DetectsAnOrderTotalThatDisagreesWithItsCredits) {
  {
    auto st = raw_store();
    Order o = {};
    std::string v;
    ASSERT_TRUE(
        st->db()->Get(rocksdb::ReadOptions(), st->state(), schema::state_key('O', 1), &v).ok());
    o = *schema::decode_order(v);
    o.paid_total = Money::vnd(9999);
    ASSERT_TRUE(st->db()
                    ->Put(rocksdb::WriteOptions(), st->state(), schema::state_key('O', 1),
                          schema::encode_order(o))
                    .ok());
  }
  auto v = violations();
  ASSERT_EQ(v.size(), 1u);
  EXPECT_NE(v[0].find("order 1"), std::string::npos) << v[0];
}

}  // namespace
}  // namespace cho4::ledger::testing
