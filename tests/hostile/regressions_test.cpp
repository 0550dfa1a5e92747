// Findings of the hardening work in other modules, as fast unit reproductions (the hostile
// corpus shows the same bugs end to end). Each test states the documented behaviour; it fails
// until the module is fixed (docs/results-hardening.md, "Findings").
#include <gtest/gtest.h>

#include "adapters/canonical_json.h"
#include "adapters/registry.h"
#include "adapters/signing.h"

namespace cho4::hostile {
namespace {

// Finding: adapters' strict JSON parser accepts duplicate keys and the last value wins, so a
// signed SePay body {"transferAmount":50000,"transferAmount":5} posts a credit of 5 đ. Two
// parsers of one body (an aggregator's, ours) can disagree on the amount: the strict parser must
// refuse duplicate keys (ParseErrorKind::invalid_json), which dead-letters the webhook.
TEST(HardeningRegressions, StrictJsonRefusesDuplicateKeys) {
  EXPECT_FALSE(adapters::parse_json_strict(R"({"a":1,"a":2})").ok());
  EXPECT_FALSE(adapters::parse_json_strict(R"({"data":{"amount":1,"amount":2}})").ok());
  EXPECT_TRUE(adapters::parse_json_strict(R"({"a":1,"b":{"a":2}})").ok());
}

TEST(HardeningRegressions, SepayBodyWithDuplicateAmountIsNotParsed) {
  const boost::json::object config{
      {"kind", "sepay"}, {"name", "sepay-regression"}, {"auth", "none"}};
  auto none = [](std::string_view) -> std::optional<std::string> { return std::nullopt; };
  auto adapter = adapters::make_builtin_adapter(config, none);
  ASSERT_TRUE(adapter.ok()) << adapter.error().to_string();
  adapters::HttpRequest r;
  r.method = "POST";
  r.target = "/v1/webhooks/sepay-regression";
  r.headers.add("Content-Type", "application/json");
  r.body = R"({"id":92704,"gateway":"Vietcombank","transactionDate":"2023-03-25 14:02:37",)"
           R"("accountNumber":"0123499999","code":null,"content":"x","transferType":"in",)"
           R"("transferAmount":50000,"transferAmount":5,"accumulated":0,"subAccount":null,)"
           R"("referenceCode":"FT1","description":""})";
  auto credits = (*adapter)->parse(r, 1'727'948'258'000);
  EXPECT_FALSE(credits.ok()) << "parsed a credit of " << (*credits)[0].amount.vnd() << " đ";
}

}  // namespace
}  // namespace cho4::hostile
