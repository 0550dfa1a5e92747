// The registry: instances from configuration (secrets inline or from the environment), lookup by
// name, and plugins loaded from disk through the C ABI, including refused ones.
#include <gtest/gtest.h>

#include "adapters/plugin_loader.h"
#include "test_util.h"

namespace cho4::adapters {
namespace {

namespace json = boost::json;

TEST(Registry, BuildsInstancesAndFindsThemByName) {
  Registry reg(test::test_secrets());
  auto problems = reg.configure(json::parse(R"([
    {"kind":"sepay","name":"sepay-main","auth":"hmac","secret_env":"CHO4_TEST_SEPAY_SECRET","tolerance_s":300},
    {"kind":"payos","name":"payos-main","checksum_key":"k"},
    {"kind":"casso","name":"casso-v1","version":1,"secure_token":"t"},
    {"kind":"vietqr","name":"vietqr-sync","username":"u","password":"p"},
    {"kind":"standard_webhooks","name":"sw","secret":"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}
  ])"));
  EXPECT_TRUE(problems.empty());
  EXPECT_EQ(reg.instance_names().size(), 5u);
  ASSERT_NE(reg.find("sepay-main"), nullptr);
  EXPECT_EQ(reg.find("sepay-main")->kind(), "sepay");
  EXPECT_EQ(reg.find("casso-v1")->instance(), "casso-v1");
  EXPECT_EQ(reg.find("nope"), nullptr);
  EXPECT_EQ(reg.kinds().size(), 5u);

  // The env secret is what the adapter uses: a request signed with it verifies.
  auto signer = reg.make_signer(
      json::parse(
          R"({"kind":"sepay","name":"sepay-main","auth":"hmac","secret":"sepay-hmac-secret-from-env"})")
          .as_object());
  ASSERT_TRUE(signer.ok());
  std::mt19937_64 rng(3);
  BankCredit c = test::random_credit(rng, {.numeric_id = true});
  auto req = (*signer)->sign(std::span(&c, 1), test::kNow);
  EXPECT_TRUE(reg.find("sepay-main")->authenticate(*req, test::kNow).ok());
}

TEST(Registry, ReportsEveryBadInstanceAndKeepsTheGoodOnes) {
  Registry reg(test::test_secrets());
  auto problems = reg.configure(json::parse(R"({"instances":[
    {"kind":"sepay","name":"ok-1"},
    {"kind":"sepay","name":"ok-1"},
    {"kind":"mystery","name":"m"},
    {"kind":"sepay","name":"Bad Name"},
    {"kind":"sepay","name":"s2","auth":"hmac"},
    {"kind":"sepay","name":"s3","auth":"hmac","secret_env":"CHO4_TEST_UNSET"},
    {"kind":"sepay","name":"s4","auth":"hmac","secret_env":"CHO4_TEST_EMPTY"},
    {"kind":"sepay","name":"s5","auth":"hmac","secret":"a","secret_env":"CHO4_TEST_SEPAY_SECRET"},
    {"kind":"sepay","name":"s6","auth":"carrier-pigeon"},
    {"kind":"sepay","name":"s7","auth":"hmac","secret":"a","tolerance_s":0},
    {"kind":"standard_webhooks","name":"sw","secret":"whsec_short"},
    {"kind":"casso","name":"c3","version":3,"secret":"x"},
    42
  ]})"));
  EXPECT_EQ(problems.size(), 12u);
  for (const Status& s : problems) {
    EXPECT_EQ(s.message().find("sepay-hmac-secret-from-env"), std::string::npos) << s.to_string();
  }
  EXPECT_EQ(reg.instance_names(), std::vector<std::string>{"ok-1"});
  bool names_unset_var = false;
  for (const Status& s : problems) {
    names_unset_var |= s.message().find("CHO4_TEST_UNSET") != std::string::npos;
  }
  EXPECT_TRUE(names_unset_var);
}

std::string fictobank_config(std::string_view name) {
  return R"({"kind":"fictobank","name":")" + std::string(name) +
         R"(","secret":"ficto-secret","window_s":300})";
}

TEST(Plugins, LoadsTheExamplePluginFromDiskAndUsesIt) {
  Registry reg(test::test_secrets());
  ASSERT_TRUE(reg.load_plugin(CHO4_FICTOBANK_PLUGIN).ok());
  EXPECT_EQ(reg.kinds().back(), "fictobank");
  ASSERT_TRUE(reg.add_instance(test::config(fictobank_config("ficto-1"))).ok());
  const Adapter* a = reg.find("ficto-1");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->kind(), "fictobank");
  auto signer = reg.make_signer(test::config(fictobank_config("ficto-1")));
  ASSERT_TRUE(signer.ok()) << signer.error().to_string();

  std::mt19937_64 rng(11);
  for (int i = 0; i < 50; ++i) {
    BankCredit c = test::random_credit(rng, {.has_bank = false});
    c.bank = "FICTO";
    c.bank_reference = c.provider_txn_id;
    auto req = (*signer)->sign(std::span(&c, 1), test::kNow);
    ASSERT_TRUE(req.ok()) << req.error().to_string();
    EXPECT_EQ(req->target, "/v1/webhooks/ficto-1");
    auto auth = a->authenticate(*req, test::kNow);
    ASSERT_TRUE(auth.ok()) << to_string(auth.error());
    EXPECT_EQ(*auth, VerifiedScheme::plugin);
    auto parsed = a->parse(*req, test::kNow);
    ASSERT_TRUE(parsed.ok()) << to_string(parsed.error());
    ASSERT_EQ(parsed->size(), 1u);
    EXPECT_EQ(parsed->front(), test::as_parsed(c, "ficto-1", test::kNow, VerifiedScheme::plugin));

    HttpRequest tampered = *req;
    tampered.body[tampered.body.size() / 2] ^= 0x01;
    auto bad = a->authenticate(tampered, test::kNow);
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error().kind, AuthErrorKind::bad_signature);
    EXPECT_EQ(a->authenticate(*req, test::kNow + 600'000).error().kind,
              AuthErrorKind::stale_timestamp);
  }
  EXPECT_EQ(a->success_response({}).body, R"({"ack":"OK","count":0})");

  HttpRequest bad_body;
  bad_body.body = R"({"txn":{"ref":"FB1","value":"25000","side":"CR","posted_ms":1}})";
  auto e = a->parse(bad_body, test::kNow);
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error().kind, ParseErrorKind::amount_as_string);
  EXPECT_EQ(e.error().path, "txn.value");
  bad_body.body = "\xff";
  EXPECT_EQ(a->parse(bad_body, test::kNow).error().kind, ParseErrorKind::invalid_utf8);
  EXPECT_EQ(a->authenticate(HttpRequest{}, test::kNow).error().kind,
            AuthErrorKind::missing_credentials);
}

TEST(Plugins, WrongAbiAndMissingSymbolAreRefusedAndOthersKeepWorking) {
  Registry reg(test::test_secrets());
  auto problems = reg.configure(
      json::parse(std::string(R"({"plugins":[")") + CHO4_FICTOBANK_BAD_ABI_PLUGIN + R"(",")" +
                  CHO4_FICTOBANK_NO_ENTRY_PLUGIN + R"(",")" + "/nonexistent/libnothing.so" +
                  R"(",")" + CHO4_FICTOBANK_PLUGIN + R"("],
      "instances":[{"kind":"sepay","name":"sepay-main"},)" +
                  fictobank_config("ficto-1") + "]}"));
  ASSERT_EQ(problems.size(), 3u);
  EXPECT_EQ(problems[0].code(), StatusCode::failed_precondition);
  EXPECT_NE(problems[0].message().find("ABI version 42"), std::string::npos)
      << problems[0].to_string();
  EXPECT_NE(problems[0].message().find("speaks version 1"), std::string::npos);
  EXPECT_EQ(problems[1].code(), StatusCode::failed_precondition);
  EXPECT_NE(problems[1].message().find("missing symbol cho4_plugin_entry"), std::string::npos)
      << problems[1].to_string();
  EXPECT_EQ(problems[2].code(), StatusCode::io_error);
  EXPECT_NE(reg.find("sepay-main"), nullptr);
  EXPECT_NE(reg.find("ficto-1"), nullptr);

  auto direct = LoadedPlugin::load(CHO4_FICTOBANK_NO_ENTRY_PLUGIN);
  ASSERT_FALSE(direct.ok());
  // Loading the same kind twice is refused.
  EXPECT_EQ(reg.load_plugin(CHO4_FICTOBANK_PLUGIN).code(), StatusCode::already_exists);
  // A plugin instance without its secret is refused by the plugin itself.
  EXPECT_FALSE(reg.add_instance(test::config(R"({"kind":"fictobank","name":"ficto-2"})")).ok());
}

TEST(Plugins, AdaptersOutliveTheRegistrysPluginList) {
  std::unique_ptr<Signer> signer;
  {
    Registry reg(test::test_secrets());
    ASSERT_TRUE(reg.load_plugin(CHO4_FICTOBANK_PLUGIN).ok());
    signer = std::move(reg.make_signer(test::config(fictobank_config("f"))).value());
  }
  std::mt19937_64 rng(5);
  BankCredit c = test::random_credit(rng, {});
  EXPECT_TRUE(signer->sign(std::span(&c, 1), test::kNow).ok());  // library still loaded
}

}  // namespace
}  // namespace cho4::adapters
