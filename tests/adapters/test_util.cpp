#include "test_util.h"

#include <gtest/gtest.h>

#include <map>

namespace cho4::adapters::test {

namespace json = boost::json;

json::object config(std::string_view json_text) {
  return json::parse(json_text).as_object();
}

SecretLookup test_secrets() {
  static const std::map<std::string, std::string, std::less<>> kSecrets = {
      {"CHO4_TEST_SEPAY_SECRET", "sepay-hmac-secret-from-env"},
      {"CHO4_TEST_EMPTY", ""},
  };
  return [](std::string_view name) -> std::optional<std::string> {
    auto it = kSecrets.find(name);
    if (it == kSecrets.end()) return std::nullopt;
    return it->second;
  };
}

std::unique_ptr<Adapter> make_adapter(std::string_view json_text) {
  auto a = make_builtin_adapter(config(json_text), test_secrets());
  if (!a.ok()) ADD_FAILURE() << a.error().to_string();
  return a.ok() ? std::move(a).value() : nullptr;
}

std::unique_ptr<Signer> make_signer(std::string_view json_text) {
  auto s = make_builtin_signer(config(json_text), test_secrets());
  if (!s.ok()) ADD_FAILURE() << s.error().to_string();
  return s.ok() ? std::move(s).value() : nullptr;
}

namespace {

const char* const kWords[] = {
    "Thanh toán", "tiền rau", "Cô Lan",       "chợ Bến Thành",   "mua cá",  "Đà Nẵng",
    "phở bò",     "quầy A12", "chuyển khoản", "Nguyễn Thị Hằng", "bún chả", "trả nợ",
    "hoàn tiền",  "ĐƠN HÀNG", "rau muống",    "gửi mẹ",          "Huế",     "cà phê sữa đá"};
const char* const kOdd[] = {"/", "\"trích dẫn\"", "a\\b", "🥭", "50%", "tab\there", "HĐ 12/2026"};

std::string digits(std::mt19937_64& rng, int n) {
  std::string s;
  std::uniform_int_distribution<int> d(0, 9);
  for (int i = 0; i < n; ++i) s += static_cast<char>('0' + d(rng));
  if (s[0] == '0') s[0] = '1';
  return s;
}

}  // namespace

BankCredit random_credit(std::mt19937_64& rng, const CreditShape& shape) {
  BankCredit c;
  std::uniform_int_distribution<int> coin(0, 3);
  c.provider_txn_id =
      shape.numeric_id ? digits(rng, 1 + static_cast<int>(rng() % 12)) : "FT26" + digits(rng, 12);
  if (shape.bank_reference_is_id) {
    c.bank_reference = c.provider_txn_id;
  } else if (coin(rng) != 0) {
    c.bank_reference = "MBVCB." + digits(rng, 10);
  }
  if (!shape.fixed_bank.empty()) {
    c.bank = shape.fixed_bank;
  } else if (shape.has_bank) {
    c.bank = coin(rng) == 0 ? "" : "Vietcombank";
  }
  c.account = digits(rng, 8 + static_cast<int>(rng() % 7));
  if (shape.sub_account && coin(rng) == 0) c.sub_account = "VA" + digits(rng, 6);
  c.direction = (shape.outgoing && coin(rng) == 0) ? Direction::out : Direction::in;
  // Log-uniform 1 .. 10^12, and the bounds themselves now and then.
  std::uniform_real_distribution<double> exp10(0.0, 12.0);
  std::int64_t amount = static_cast<std::int64_t>(std::pow(10.0, exp10(rng)));
  int edge = static_cast<int>(rng() % 20);
  if (edge == 0) amount = 1'000'000'000'000;
  if (edge == 1) amount = 1;
  c.amount = Money::vnd(std::max<std::int64_t>(1, amount));
  std::string d;
  int words = 1 + static_cast<int>(rng() % 5);
  for (int i = 0; i < words; ++i) {
    if (!d.empty()) d += ' ';
    d += kWords[rng() % std::size(kWords)];
  }
  if (coin(rng) == 0) d += std::string(" ") + kOdd[rng() % std::size(kOdd)];
  if (coin(rng) == 0) d += " K7M2Q9X4";
  c.description = d;
  UnixMs t = kNow - static_cast<UnixMs>(rng() % (30ull * 86400)) * 1000;
  if (shape.date_only) {
    c.occurred_at_ms = vn_day_start_ms(vn_date(t));
    c.occurred_date_only = true;
  } else {
    c.occurred_at_ms = t;
  }
  return c;
}

BankCredit as_parsed(BankCredit c, std::string_view instance, UnixMs received_at,
                     VerifiedScheme scheme) {
  c.adapter_instance = std::string(instance);
  c.received_at_ms = received_at;
  c.verified = scheme;
  return c;
}

std::string obtain_token(const Adapter& adapter, const Signer& signer, UnixMs now) {
  std::optional<HttpRequest> req = signer.token_request(now);
  if (!req) {
    ADD_FAILURE() << "signer has no token request";
    return "";
  }
  auto reply = adapter.handle_token_request(*req, now);
  if (!reply.ok()) {
    ADD_FAILURE() << to_string(reply.error());
    return "";
  }
  auto token = bearer_from_token_reply(reply->body);
  if (!token.ok()) {
    ADD_FAILURE() << token.error().to_string();
    return "";
  }
  return *token;
}

}  // namespace cho4::adapters::test
