// Malformed bodies give specific, typed parse errors naming the field, for every adapter: bad
// JSON, a missing id, zero, fractional, string and beyond-int64 amounts, deep nesting, invalid
// UTF-8. Also: tolerance where providers vary (null vs "", extra fields, key case, 25000.0).
#include <gtest/gtest.h>

#include "adapters/canonical_json.h"
#include "adapters/limits.h"
#include "test_util.h"

namespace cho4::adapters {
namespace {

namespace json = boost::json;

struct Shape {
  std::string label;
  std::string config;
  std::vector<std::string> amount_path;  // keys, or decimal indices into arrays
  std::vector<std::string> id_path;
  std::string amount_error_path;
  std::string id_error_path;
  test::CreditShape credit;
};

void PrintTo(const Shape& s, std::ostream* os) {
  *os << s.label;
}

json::value& at(json::value& v, const std::vector<std::string>& path, std::size_t n) {
  json::value* cur = &v;
  for (std::size_t i = 0; i < n; ++i) {
    if (cur->is_array()) {
      cur = &cur->as_array().at(std::stoul(path[i]));
    } else {
      cur = &cur->as_object()[path[i]];
    }
  }
  return *cur;
}

class Malformed : public ::testing::TestWithParam<Shape> {
 protected:
  void SetUp() override {
    const Shape& s = GetParam();
    adapter_ = test::make_adapter(s.config);
    auto signer = test::make_signer(s.config);
    std::mt19937_64 rng(99);
    BankCredit c = test::random_credit(rng, s.credit);
    c.description = "Thanh toán đơn K7M2Q9X4";
    c.amount = Money::vnd(25000);
    c.direction = Direction::in;
    std::string token =
        signer->token_request(test::kNow) ? test::obtain_token(*adapter_, *signer, test::kNow) : "";
    base_ = signer->sign(std::span(&c, 1), test::kNow, token).value();
    ASSERT_TRUE(adapter_->parse(base_, test::kNow).ok());
  }

  // The base body with the value at `path` replaced by the raw JSON text `replacement`.
  std::string text_with(const std::vector<std::string>& path, std::string_view replacement) {
    json::value v = json::parse(base_.body);
    at(v, path, path.size()) = "\x01MARKER\x01";
    std::string text = js_stringify(v);
    constexpr std::string_view kMarker = "\"\\u0001MARKER\\u0001\"";  // as js_stringify writes it
    std::size_t pos = text.find(kMarker);
    EXPECT_NE(pos, std::string::npos);
    text.replace(pos, kMarker.size(), replacement);
    return text;
  }
  ParseError parse_with(const std::vector<std::string>& path, std::string_view replacement) {
    return parse_text(text_with(path, replacement));
  }
  ParseError remove_then_parse(const std::vector<std::string>& path) {
    json::value v = json::parse(base_.body);
    at(v, path, path.size() - 1).as_object().erase(path.back());
    return parse_text(js_stringify(v));
  }
  ParseError parse_text(std::string text) {
    HttpRequest r = base_;
    r.body = std::move(text);
    auto p = adapter_->parse(r, test::kNow);
    EXPECT_FALSE(p.ok()) << r.body;
    return p.ok() ? ParseError{} : p.error();
  }
  std::unique_ptr<Adapter> adapter_;
  HttpRequest base_;
};

TEST_P(Malformed, AmountErrors) {
  const Shape& s = GetParam();
  struct Case {
    const char* literal;
    ParseErrorKind kind;
  } cases[] = {
      {"0", ParseErrorKind::zero_amount},
      {"0.0", ParseErrorKind::zero_amount},
      {"25000.5", ParseErrorKind::fractional_amount},
      {"1e-3", ParseErrorKind::fractional_amount},
      {"\"25000\"", ParseErrorKind::amount_as_string},
      {"9223372036854775808", ParseErrorKind::amount_out_of_range},
      {"18446744073709551616", ParseErrorKind::amount_out_of_range},
      {"1e20", ParseErrorKind::amount_out_of_range},
      {"1e400", ParseErrorKind::amount_out_of_range},
      {"1000000000000000001", ParseErrorKind::amount_out_of_range},  // beyond kCreditAmountMax
      {"true", ParseErrorKind::bad_amount},
      {"{}", ParseErrorKind::bad_amount},
      {"null", ParseErrorKind::missing_field},
  };
  for (const Case& c : cases) {
    ParseError e = parse_with(s.amount_path, c.literal);
    EXPECT_EQ(e.kind, c.kind) << c.literal << ": " << to_string(e);
    EXPECT_EQ(e.path, s.amount_error_path) << c.literal;
  }
  ParseError missing = remove_then_parse(s.amount_path);
  EXPECT_EQ(missing.kind, ParseErrorKind::missing_field);
  EXPECT_EQ(missing.path, s.amount_error_path);
}

TEST_P(Malformed, IdErrors) {
  const Shape& s = GetParam();
  if (s.label == "standard_webhooks") {
    // A single event without data.id takes the message's webhook-id as its id.
    json::value v = json::parse(base_.body);
    v.as_object()["data"].as_object().erase("id");
    HttpRequest r = base_;
    r.body = js_stringify(v);
    auto p = adapter_->parse(r, test::kNow);
    ASSERT_TRUE(p.ok());
    EXPECT_EQ(p->front().provider_txn_id, *base_.headers.get("webhook-id"));
  } else {
    ParseError missing = remove_then_parse(s.id_path);
    EXPECT_EQ(missing.kind, ParseErrorKind::missing_field) << to_string(missing);
    EXPECT_EQ(missing.path, s.id_error_path);
  }
  ParseError null_id = parse_with(s.id_path, "null");
  EXPECT_EQ(null_id.kind, ParseErrorKind::missing_field);
  ParseError empty = parse_with(s.id_path, "\"\"");
  EXPECT_EQ(empty.kind, ParseErrorKind::missing_field);
  ParseError object = parse_with(s.id_path, "{\"a\":1}");
  EXPECT_EQ(object.kind, ParseErrorKind::wrong_type);
}

TEST_P(Malformed, BodyErrors) {
  ParseError e = parse_text("{\"id\":1,");
  EXPECT_EQ(e.kind, ParseErrorKind::invalid_json);
  EXPECT_EQ(parse_text("").kind, ParseErrorKind::invalid_json);
  EXPECT_EQ(parse_text(base_.body + " trailing").kind, ParseErrorKind::invalid_json);
  EXPECT_EQ(parse_text("[1,2]").kind, ParseErrorKind::wrong_type);
  std::string bad_utf8 = base_.body;
  bad_utf8.replace(bad_utf8.find("Thanh"), 5, "Th\xC3\x28nh");
  EXPECT_EQ(parse_text(bad_utf8).kind, ParseErrorKind::invalid_utf8);
  std::string overlong = base_.body;
  overlong.replace(overlong.find("Thanh"), 5, "Th\xC0\xAFnh");
  EXPECT_EQ(parse_text(overlong).kind, ParseErrorKind::invalid_utf8);
  std::string deep = base_.body;
  std::string nest = std::string(kJsonDepthMax + 4, '[') + std::string(kJsonDepthMax + 4, ']');
  deep.insert(1, "\"nest\":" + nest + ",");
  EXPECT_EQ(parse_text(deep).kind, ParseErrorKind::too_deep);
  std::string huge(kBodyBytesMax + 1, ' ');
  EXPECT_EQ(parse_text(huge).kind, ParseErrorKind::body_too_large);
}

TEST_P(Malformed, ToleratesExtraFieldsAndNullVersusEmpty) {
  json::value v = json::parse(base_.body);
  v.as_object()["unexpected_extension"] = json::array{1, 2, "x"};
  HttpRequest r = base_;
  r.body = js_stringify(v);
  EXPECT_TRUE(adapter_->parse(r, test::kNow).ok());
  // 25000.0: a float without a fraction is fine.
  r.body = text_with(GetParam().amount_path, "25000.0");
  auto p = adapter_->parse(r, test::kNow);
  ASSERT_TRUE(p.ok()) << r.body;
  EXPECT_EQ(p->front().amount.vnd(), 25000);
}

INSTANTIATE_TEST_SUITE_P(
    Adapters, Malformed,
    ::testing::Values(
        Shape{"sepay",
              R"({"kind":"sepay","name":"s"})",
              {"transferAmount"},
              {"id"},
              "transferAmount",
              "id",
              {.numeric_id = true}},
        Shape{"payos",
              R"({"kind":"payos","name":"p","checksum_key":"k"})",
              {"data", "amount"},
              {"data", "reference"},
              "data.amount",
              "data.reference",
              {.outgoing = false, .bank_reference_is_id = true, .has_bank = false}},
        Shape{"casso_v1",
              R"({"kind":"casso","name":"c1","version":1,"secure_token":"t"})",
              {"data", "0", "amount"},
              {"data", "0", "id"},
              "data[0].amount",
              "data[0].id",
              {.numeric_id = true, .date_only = true, .has_bank = false, .sub_account = false}},
        Shape{"casso_v2",
              R"({"kind":"casso","name":"c2","secret":"k"})",
              {"data", "amount"},
              {"data", "id"},
              "data.amount",
              "data.id",
              {.numeric_id = true}},
        Shape{"vietqr",
              R"({"kind":"vietqr","name":"v","username":"u","password":"p"})",
              {"amount"},
              {"referencenumber"},
              "amount",
              "referencenumber",
              {.bank_reference_is_id = true, .sub_account = false}},
        Shape{
            "standard_webhooks",
            R"({"kind":"standard_webhooks","name":"sw","secret":"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"})",
            {"data", "amount"},
            {"data", "id"},
            "data.amount",
            "data.id",
            {}}),
    [](const auto& param_info) { return param_info.param.label; });

TEST(MalformedSpecific, DirectionAndTimeValues) {
  auto sepay = test::make_adapter(R"({"kind":"sepay","name":"s"})");
  HttpRequest r;
  r.body =
      R"({"id":1,"gateway":"VCB","transactionDate":"2023-03-25 14:02:37","accountNumber":"1","content":"x","transferType":"sideways","transferAmount":5})";
  auto e = sepay->parse(r, test::kNow);
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error().kind, ParseErrorKind::bad_value);
  EXPECT_EQ(e.error().path, "transferType");
  r.body =
      R"({"id":1,"transactionDate":"2023-02-30 14:02:37","accountNumber":"1","transferType":"in","transferAmount":5})";
  e = sepay->parse(r, test::kNow);
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error().kind, ParseErrorKind::bad_time);
  r.body =
      R"({"id":1,"transactionDate":"2023-02-03 14:02:37","accountNumber":"1","transferType":"OUT","transferAmount":-5})";
  e = sepay->parse(r, test::kNow);
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error().kind, ParseErrorKind::negative_amount);
  r.body =
      R"({"id":99999999999999999999999,"transactionDate":"2023-02-03 14:02:37","accountNumber":"1","transferType":"in","transferAmount":5})";
  e = sepay->parse(r, test::kNow);
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error().kind, ParseErrorKind::bad_value);
  EXPECT_EQ(e.error().path, "id");
  // Key case varies between providers' versions: matched case-insensitively.
  r.body =
      R"({"ID":7,"TransactionDate":"2023-02-03 14:02:37","accountnumber":"1","transfertype":"In","TRANSFERAMOUNT":5})";
  auto ok = sepay->parse(r, test::kNow);
  ASSERT_TRUE(ok.ok()) << to_string(ok.error());
  EXPECT_EQ(ok->front().provider_txn_id, "7");
}

TEST(MalformedSpecific, PayosFailedPaymentAndNegativeAmount) {
  auto payos = test::make_adapter(R"({"kind":"payos","name":"p","checksum_key":"k"})");
  HttpRequest r;
  r.body =
      R"({"data":{"orderCode":1,"amount":5,"reference":"R","accountNumber":"1","transactionDateTime":"2023-02-04 18:25:00","code":"01"}})";
  auto e = payos->parse(r, test::kNow);
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error().kind, ParseErrorKind::bad_value);
  EXPECT_EQ(e.error().path, "data.code");
  r.body =
      R"({"data":{"orderCode":1,"amount":-5,"reference":"R","accountNumber":"1","transactionDateTime":"2023-02-04 18:25:00","code":"00"}})";
  e = payos->parse(r, test::kNow);
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error().kind, ParseErrorKind::negative_amount);
}

TEST(MalformedSpecific, CassoV1TooManyAndWrongShape) {
  auto casso = test::make_adapter(R"({"kind":"casso","name":"c1","version":1,"secure_token":"t"})");
  HttpRequest r;
  r.body = R"({"error":0,"data":{"id":1}})";
  auto e = casso->parse(r, test::kNow);
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error().kind, ParseErrorKind::wrong_type);
  std::string many = R"({"error":0,"data":[)";
  for (std::size_t i = 0; i <= kCreditsPerRequestMax; ++i) {
    if (i) many += ',';
    many += R"({"id":1,"when":"2020-11-02","amount":1,"subAccId":"1"})";
  }
  r.body = many + "]}";
  e = casso->parse(r, test::kNow);
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error().kind, ParseErrorKind::too_many_credits);
  r.body = R"({"error":0,"data":[{"id":1,"when":"2020-13-02","amount":1,"subAccId":"1"}]})";
  e = casso->parse(r, test::kNow);
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error().kind, ParseErrorKind::bad_time);
  EXPECT_EQ(e.error().path, "data[0].when");
}

}  // namespace
}  // namespace cho4::adapters
