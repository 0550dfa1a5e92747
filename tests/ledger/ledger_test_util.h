// Helpers shared by the ledger tests: a temporary data directory, a synchronous submit, and a
// fixture that opens an engine on a ManualClock with one market.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <future>
#include <memory>
#include <string>

#include "core/clock.h"
#include "ledger/engine.h"

namespace cho4::ledger::testing {

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "cho4-ledger-XXXXXX").string();
    path_ = ::mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string sub(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// Submits and waits for the durable result (tests only: servers never wait).
inline CommandResult run(Engine& e, Command c) {
  auto p = std::make_shared<std::promise<CommandResult>>();
  auto f = p->get_future();
  Status s = e.submit(std::move(c), [p](CommandResult r) { p->set_value(std::move(r)); });
  if (!s.ok()) return CommandResult{s, {}};
  return f.get();
}

template <class T>
T must(Engine& e, Command c) {
  CommandResult r = run(e, std::move(c));
  EXPECT_TRUE(r.status.ok()) << r.status.to_string();
  if (!r.status.ok() || !std::holds_alternative<T>(r.value)) {
    ADD_FAILURE() << "command failed";
    return T{};
  }
  return std::get<T>(std::move(r.value));
}

// 2024-10-03 08:00:00 in Vietnam.
inline UnixMs test_t0() {
  return parse_vn_datetime("2024-10-03 08:00:00").value();
}

class LedgerFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    open();
    market_ = must<Market>(*engine_, CreateMarket{"Chợ Bến Thành"});
  }
  Options options() {
    Options o;
    o.path = dir_.sub("data");
    o.clock = &clock_;
    o.batch_wait_max = std::chrono::microseconds(0);
    return o;
  }
  void open() { open_with(options()); }
  void open_with(Options o) {
    auto e = Engine::open(std::move(o));
    ASSERT_TRUE(e.ok()) << e.error().to_string();
    engine_ = std::move(*e);
  }
  void reopen() {
    engine_.reset();
    open();
  }
  Stall stall(const std::string& account, const std::string& va = "", Money alarm = Money()) {
    CreateStall c;
    c.market = market_.id;
    c.name = "Sạp " + account;
    c.bank_bin = "970436";
    c.account = account;
    c.virtual_account = va;
    c.alarm_threshold = alarm;
    return must<Stall>(*engine_, c);
  }
  Order order(StallId s, std::int64_t amount, std::int64_t lifetime_ms = 0) {
    CreateOrder c;
    c.stall = s;
    c.amount = Money::vnd(amount);
    c.lifetime_ms = lifetime_ms;
    return must<Order>(*engine_, c);
  }
  BankCredit credit(const std::string& account, std::int64_t amount, const std::string& desc,
                    const std::string& txn, const std::string& instance = "sepay-main") {
    BankCredit c;
    c.adapter_instance = instance;
    c.provider_txn_id = txn;
    c.bank_reference = "FT" + txn;
    c.bank = "Vietcombank";
    c.account = account;
    c.amount = Money::vnd(amount);
    c.description = desc;
    c.occurred_at_ms = clock_.now_ms();
    c.received_at_ms = clock_.now_ms();
    c.verified = VerifiedScheme::hmac_sha256;
    return c;
  }
  CreditResult ingest(BankCredit c) {
    IngestCredits in;
    in.adapter_instance = c.adapter_instance;
    in.raw_body = "{\"id\":\"" + c.provider_txn_id + "\"}";
    in.credits.push_back(std::move(c));
    auto r = must<IngestResult>(*engine_, std::move(in));
    if (r.credits.size() != 1) {
      ADD_FAILURE() << "expected one credit result";
      return {};
    }
    return r.credits[0];
  }

  TempDir dir_;
  ManualClock clock_{test_t0()};
  std::unique_ptr<Engine> engine_;
  Market market_;
};

}  // namespace cho4::ledger::testing
