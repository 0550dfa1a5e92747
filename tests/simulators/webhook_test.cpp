// The simulator's bank side against the real adapters: every request it builds must authenticate
// and parse back to the credit it described; forged ones must fail authentication; order PNGs
// rendered by qr/ must scan back to their payload.
#include "simulators/webhook.h"

#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>

#include "adapters/adapter.h"
#include "adapters/registry.h"
#include "qr/render.h"
#include "simulators/order_scan.h"

namespace cho4::sim {
namespace {

constexpr UnixMs kNow = 1'767'844'560'000;  // 2026-01-08 10:56 in Vietnam

World small_world() {
  WorldConfig wc;
  wc.markets = 1;
  wc.stalls_per_market = 5;
  auto w = build_world(wc, 11);
  EXPECT_TRUE(w.ok());
  return *w;
}

std::unique_ptr<adapters::Adapter> adapter_for(const World& w, std::uint32_t i) {
  const auto env = secret_environment(w);
  auto a = adapters::make_builtin_adapter(instance_config(w.instances[i]),
                                          [&](std::string_view name) -> std::optional<std::string> {
                                            for (const auto& [k, v] : env)
                                              if (k == name) return v;
                                            return std::nullopt;
                                          });
  EXPECT_TRUE(a.ok()) << (a.ok() ? "" : a.error().message());
  return a.ok() ? std::move(*a) : nullptr;
}

BankCredit sample_credit(const World& w, std::uint32_t instance) {
  BankCredit c;
  c.adapter_instance = w.instances[instance].name;
  c.provider_txn_id = "100000000042";
  c.bank_reference = "FT26008507756020";
  c.bank = w.banks[w.stalls[0].bank].brand;
  c.account = w.stalls[0].account;
  c.amount = Money::vnd(60'000);
  c.description = "K7M2Q9X4 thanh toán rau";
  c.occurred_at_ms = kNow - 2000;
  return c;
}

TEST(Webhook, EveryInstanceRoundTripsThroughItsAdapter) {
  const World w = small_world();
  auto factory = WebhookFactory::create(w);
  ASSERT_TRUE(factory.ok()) << factory.error().message();
  for (std::uint32_t i = 0; i < w.instances.size(); ++i) {
    SCOPED_TRACE(w.instances[i].name);
    auto adapter = adapter_for(w, i);
    ASSERT_NE(adapter, nullptr);
    std::string bearer;
    if (auto tr = factory->token_request(i, kNow)) {
      // Token mode: our own token endpoint issues the bearer, as the server would.
      auto reply = adapter->handle_token_request(*tr, kNow);
      ASSERT_TRUE(reply.ok());
      auto t = adapters::bearer_from_token_reply(reply->body);
      ASSERT_TRUE(t.ok());
      bearer = *t;
    }
    BankCredit credit = sample_credit(w, i);
    if (txn_id_is_bank_reference(w.instances[i].kind))
      credit.provider_txn_id = credit.bank_reference;
    auto req = factory->build(i, credit, kNow, false, bearer);
    ASSERT_TRUE(req.ok()) << req.error().message();
    EXPECT_EQ(req->target, "/v1/webhooks/" + w.instances[i].name);
    ASSERT_TRUE(adapter->authenticate(*req, kNow).ok());
    auto parsed = adapter->parse(*req, kNow);
    ASSERT_TRUE(parsed.ok());
    ASSERT_EQ(parsed->size(), 1u);
    const BankCredit& got = parsed->front();
    EXPECT_EQ(got.amount, credit.amount);
    EXPECT_EQ(got.account, credit.account);
    EXPECT_EQ(got.description, credit.description);
    EXPECT_EQ(got.direction, Direction::in);
    // The verdict finds a stored credit by its transaction id; the ledger spots the same bank
    // transaction through two instances by (account, bank reference, amount).
    EXPECT_EQ(got.provider_txn_id, credit.provider_txn_id);
    EXPECT_EQ(got.bank_reference, credit.bank_reference);
    EXPECT_EQ(got.occurred_at_ms / 1000, credit.occurred_at_ms / 1000);

    auto forged = factory->build(i, credit, kNow, true, bearer);
    ASSERT_TRUE(forged.ok());
    EXPECT_FALSE(adapter->authenticate(*forged, kNow).ok());
  }
}

TEST(Webhook, ServerConfigNamesSecretsOnlyByEnvironment) {
  const World w = small_world();
  const auto config = adapters_config(w);
  const std::string text = boost::json::serialize(config);
  for (const auto& inst : w.instances) {
    EXPECT_EQ(text.find(inst.secret), std::string::npos) << inst.name;
    EXPECT_NE(text.find(inst.secret_env), std::string::npos) << inst.name;
  }
  EXPECT_EQ(secret_environment(w).size(), w.instances.size());
}

TEST(OrderScan, ReadsTheRenderedCodeBack) {
  const std::string payload =
      "00020101021238570010A000000727012700069704360113012345678900208QRIBFTTA5303704540560000"
      "5802VN62120808K7M2Q9X46304ABCD";
  auto png = qr::render_png(payload, qr::RenderOptions{});
  ASSERT_TRUE(png.ok());
  auto text = decode_order_png(*png);
  ASSERT_TRUE(text.ok()) << text.error().message();
  EXPECT_EQ(*text, payload);
  EXPECT_FALSE(decode_order_png("not a png").ok());
}

}  // namespace
}  // namespace cho4::sim
