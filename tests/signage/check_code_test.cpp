#include "qr/signage/check_code.h"

#include <gtest/gtest.h>

#include <random>
#include <set>
#include <string>

namespace cho4::signage {
namespace {

constexpr std::string_view kSecret = "market-secret-0123456789";
constexpr std::string_view kAcbStatic =
    "00020101021138530010A0000007270123000697041601092576788590208QRIBFTTA53037045802VN6304AE9F";

CheckCodeKey key(std::string_view secret = kSecret) {
  auto k = CheckCodeKey::from_secret(secret);
  EXPECT_TRUE(k.ok());
  return std::move(k).value();
}

TEST(CheckCode, KnownAnswerFromOpenSslCommandLine) {
  // printf 'cho4/signage/check-code/v1\n%s' "$P" | openssl dgst -sha256 -hmac "$SECRET" -binary,
  // first 40 bits in Crockford base32 (computed outside cho4).
  EXPECT_EQ(key().code_for(kAcbStatic), "73FR1K1F");
  EXPECT_EQ(format_check_code("73FR1K1F"), "73FR-1K1F");
}

TEST(CheckCode, VerifiesItsOwnPayloadAsTyped) {
  const auto k = key();
  const std::string code = k.code_for(kAcbStatic);
  EXPECT_EQ(k.verify(kAcbStatic, code).value(), CheckVerdict::match);
  EXPECT_EQ(k.verify(kAcbStatic, format_check_code(code)).value(), CheckVerdict::match);
  std::string lower = format_check_code(code);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  EXPECT_EQ(k.verify(kAcbStatic, lower).value(), CheckVerdict::match);
  // Read off paper: "73FR 1KIF" — I for 1.
  EXPECT_EQ(k.verify(kAcbStatic, "73FR 1KIF").value(), CheckVerdict::match);
}

TEST(CheckCode, FailsForEveryOtherPayload) {
  const auto k = key();
  const std::string code = k.code_for(kAcbStatic);
  // Every single-character change of the payload (a pasted sticker differs at least there).
  const std::string base(kAcbStatic);
  int mismatches = 0;
  for (std::size_t i = 0; i < base.size(); ++i) {
    std::string other = base;
    other[i] = other[i] == '9' ? '8' : '9';
    EXPECT_EQ(k.verify(other, code).value(), CheckVerdict::mismatch) << other;
    ++mismatches;
  }
  EXPECT_EQ(mismatches, static_cast<int>(base.size()));
  // Another account in the same market.
  EXPECT_EQ(k.verify("00020101021138530010A0000007270123000697041601092576788500208QRIBFTTA53037045"
                     "802VN6304AE9F",
                     code)
                .value(),
            CheckVerdict::mismatch);
}

TEST(CheckCode, AnotherMarketsSecretGivesAnotherCode) {
  const auto a = key();
  const auto b = key("another-market-secret-abcdef");
  EXPECT_NE(a.code_for(kAcbStatic), b.code_for(kAcbStatic));
  EXPECT_EQ(b.verify(kAcbStatic, a.code_for(kAcbStatic)).value(), CheckVerdict::mismatch);
}

TEST(CheckCode, CodesSpreadOverTheAlphabet) {
  // 2,000 payloads under one key: no collisions expected in 40 bits, every symbol appears.
  const auto k = key();
  std::mt19937_64 rng(7);
  std::set<std::string> codes;
  std::set<char> symbols;
  for (int i = 0; i < 2000; ++i) {
    const std::string payload = "payload-" + std::to_string(rng());
    const std::string c = k.code_for(payload);
    ASSERT_EQ(c.size(), kCheckCodeSymbols);
    codes.insert(c);
    symbols.insert(c.begin(), c.end());
  }
  EXPECT_EQ(codes.size(), 2000u);
  EXPECT_EQ(symbols.size(), kCrockfordAlphabet.size());
}

TEST(CheckCode, MalformedCodesAreErrorsNotMismatches) {
  const auto k = key();
  for (std::string_view bad :
       {"", "73FR-1K1", "73FR-1K1F0", "73FR-1K1U", "73FR_1K1F", "ĐĐĐĐĐĐĐĐ"}) {
    auto r = k.verify(kAcbStatic, bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code(), StatusCode::invalid_argument);
  }
}

TEST(CheckCode, ShortSecretsAreRefused) {
  EXPECT_FALSE(CheckCodeKey::from_secret("").ok());
  EXPECT_FALSE(CheckCodeKey::from_secret("fifteen-bytes!!").ok());
  EXPECT_TRUE(CheckCodeKey::from_secret("sixteen-bytes!!!").ok());
}

TEST(CheckCode, NormalizeReadsLookAlikes) {
  EXPECT_EQ(normalize_check_code("o1il-abcd").value(), "0111ABCD");
  EXPECT_FALSE(normalize_check_code("0111-ABCU").ok());
}

}  // namespace
}  // namespace cho4::signage
