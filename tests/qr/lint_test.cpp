#include "qr/lint.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "qr/crc16.h"
#include "qr/vietqr.h"

namespace cho4::qr {
namespace {

std::string seal(std::string body) {
  body += "6304";
  char crc[4];
  format_crc(crc16_ccitt_false(body), crc);
  return body.append(crc, 4);
}

bool has(const std::vector<Finding>& f, std::string_view code) {
  return std::any_of(f.begin(), f.end(), [&](const Finding& x) { return x.code == code; });
}

const std::string kT38 = "38530010A0000007270123000697041601092576788590208QRIBFTTA";

TEST(Lint, CleanCodeHasNoWarnings) {
  Payload p;
  p.bank_bin = "970416";
  p.account = "257678859";
  p.amount = Money::vnd(60000);
  p.purpose = "K7M2Q9X4";
  const auto f = lint(*encode(p));
  EXPECT_FALSE(has_errors(f));
  EXPECT_TRUE(std::none_of(f.begin(), f.end(),
                           [](const Finding& x) { return x.severity != Severity::info; }));
}

TEST(Lint, StaticWithAmount) {
  EXPECT_TRUE(has(lint(seal("000201010211" + kT38 +
                            "530370454051000058"
                            "02VN")),
                  "poi_static_with_amount"));
}

TEST(Lint, MemoInBillNotPurpose) {
  EXPECT_TRUE(has(lint(seal("000201010211" + kT38 +
                            "53037045802VN"
                            "62110107NPS6869")),
                  "memo_in_bill_not_purpose"));
}

TEST(Lint, NonAsciiInAsciiField) {
  const auto f = lint(seal("000201010211" + kT38 +
                           "53037045802VN"
                           "5906Cà phê"));
  EXPECT_TRUE(has(f, "non_ascii_text"));
  EXPECT_TRUE(has_errors(f));
}

TEST(Lint, AmountOverNapasLimit) {
  const auto f = lint(seal("000201010212" + kT38 +
                           "5303704"
                           "5409500000000"
                           "5802VN"));
  EXPECT_TRUE(has(f, "amount_too_large"));
  EXPECT_TRUE(has_errors(f));
}

TEST(Lint, UnknownBin) {
  EXPECT_TRUE(has(lint(seal("000201010211"
                            "38530010A0000007270123000612345601092576788590208QRIBFTTA"
                            "53037045802VN")),
                  "unknown_bin"));
}

TEST(Lint, MemoOver19Characters) {
  EXPECT_TRUE(has(lint(seal("000201010212" + kT38 +
                            "5303704540510000"
                            "5802VN"
                            "62250821thanh toan don hang 1")),
                  "memo_too_long"));
}

TEST(Lint, DecodeErrorsAreErrors) {
  const auto f = lint(
      "00020101021138570010A00000072701270006970403011200110123456780208QRIBFTTA"
      "53037045802VN6304F4E5");
  EXPECT_TRUE(has_errors(f));
  std::string bad = seal("000201010211" + kT38 + "53037045802VN");
  bad.back() = bad.back() == '0' ? '1' : '0';
  EXPECT_TRUE(has(lint(bad), "bad_crc"));
}

TEST(Lint, VnpayAndLowerCaseCrc) {
  EXPECT_TRUE(has(lint("00020101021126280010A0000007750110010531314453037045408210900005802VN5910"
                       "CELLPHONES62600312CPSHN ONLINE0517021908061613127850705ONLHN0810CellphoneS"
                       "63047685"),
                  "vnpay_qr"));
  EXPECT_TRUE(has(lint("00020101021138540010A00000072701240006970422011003523509170208QRIBFTTA"
                       "53037045802VN630479db"),
                  "crc_lower_case"));
}

}  // namespace
}  // namespace cho4::qr
