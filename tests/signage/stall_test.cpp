#include "qr/signage/stall.h"

#include <gtest/gtest.h>

namespace cho4::signage {
namespace {

RawFields good_row() {
  return RawFields{{"market", "Chợ Bến Thành"}, {"stall_number", "A12"},
                   {"stall_name", "Phở Bà Tư"}, {"account_holder", "NGUYEN THI TU"},
                   {"bank", "Vietcombank"},     {"account", "0123456789"}};
}

void expect_field_error(const RawFields& row, std::string_view field, std::string_view words) {
  auto r = stall_from_fields(row, 7);
  ASSERT_FALSE(r.ok()) << "expected an error on " << field;
  EXPECT_EQ(r.error().line, 7u);
  EXPECT_EQ(r.error().field, field) << r.error().message;
  EXPECT_NE(r.error().message.find(words), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().to_string("stalls.csv").find("stalls.csv:7: " + std::string(field) + ": "),
            std::string::npos);
}

TEST(Stall, AGoodRowBecomesAStaticSign) {
  auto s = stall_from_fields(good_row(), 2);
  ASSERT_TRUE(s.ok()) << s.error().to_string("x");
  EXPECT_EQ(s->market, "Chợ Bến Thành");
  EXPECT_EQ(s->bank_bin, "970436");
  EXPECT_FALSE(s->price_tag());
  EXPECT_TRUE(s->code.empty());
  const std::string p = stall_payload(*s).value();
  EXPECT_TRUE(p.starts_with("000201010211")) << p;  // POI 11: static
  EXPECT_NE(p.find("0006970436011001234567890208QRIBFTTA"), std::string::npos) << p;
  EXPECT_EQ(p.find("530370454"), std::string::npos) << p;  // no amount
  EXPECT_EQ(p.find("6207"), std::string::npos) << p;       // no purpose on a plain sign
}

TEST(Stall, BanksAreNamedByBinCodeOrName) {
  for (std::string_view bank : {"970436", "VCB", "Vietcombank"}) {
    RawFields row = good_row();
    row["bank"] = std::string(bank);
    auto s = stall_from_fields(row, 2);
    ASSERT_TRUE(s.ok()) << bank;
    EXPECT_EQ(s->bank_bin, "970436");
  }
}

TEST(Stall, APriceTagEncodesItsAmountAndTheStallsCode) {
  RawFields row = good_row();
  row["amount"] = "50.000";
  row["item"] = "Phở bò tái";
  auto s = stall_from_fields(row, 3);
  ASSERT_TRUE(s.ok()) << s.error().to_string("x");
  ASSERT_TRUE(s->price_tag());
  EXPECT_EQ(s->amount->vnd(), 50000);
  EXPECT_EQ(s->code, "A12");  // the stall number, when no code is given
  const std::string p = stall_payload(*s).value();
  EXPECT_TRUE(p.starts_with("000201010212")) << p;  // POI 12: dynamic, with amount
  EXPECT_NE(p.find("540550000"), std::string::npos) << p;
  EXPECT_NE(p.find("62070803A12"), std::string::npos) << p;

  row["code"] = "CHO4 A12";
  EXPECT_NE(stall_payload(stall_from_fields(row, 3).value()).value().find("0808CHO4 A12"),
            std::string::npos);
}

TEST(Stall, AmountsAcceptVietnameseGroupingOnly) {
  for (auto [text, vnd] : {std::pair{"50000", 50000},
                           {"50.000", 50000},
                           {"1,250,000", 1250000},
                           {"499.999.999", 499999999}}) {
    RawFields row = good_row();
    row["amount"] = text;
    auto s = stall_from_fields(row, 2);
    ASSERT_TRUE(s.ok()) << text;
    EXPECT_EQ(s->amount->vnd(), vnd) << text;
  }
  for (std::string_view bad : {"50.00", "5.0000", "50k", "-5", "0", "500.000.000", "12.5"}) {
    RawFields row = good_row();
    row["amount"] = std::string(bad);
    expect_field_error(row, "amount", "");
  }
}

TEST(Stall, MissingAccountNamesTheField) {
  RawFields row = good_row();
  row.erase("account");
  expect_field_error(row, "account", "missing");
  row["account"] = "   ";
  expect_field_error(row, "account", "missing");
}

TEST(Stall, UnknownBankNamesTheField) {
  RawFields row = good_row();
  row["bank"] = "Ngân hàng Mặt Trăng";
  expect_field_error(row, "bank", "unknown bank");
}

TEST(Stall, InvalidUtf8NamesTheField) {
  RawFields row = good_row();
  row["stall_name"] = "Ph\xE1\xBB";  // a truncated "ở"
  expect_field_error(row, "stall_name", "UTF-8");
  row = good_row();
  row["account_holder"] = "NGUY\xC0\x80N";  // overlong
  expect_field_error(row, "account_holder", "UTF-8");
}

TEST(Stall, NamesLongerThanTheLimitNameTheField) {
  RawFields row = good_row();
  row["stall_name"] = std::string(kStallNameMaxChars, 'x');
  EXPECT_TRUE(stall_from_fields(row, 2).ok());
  row["stall_name"] += "ở";
  expect_field_error(row, "stall_name", "too long");
  row = good_row();
  row["market"] = std::string(kMarketNameMaxChars + 1, 'M');
  expect_field_error(row, "market", "too long");
}

TEST(Stall, AccountsAreLettersAndDigitsWithinNineteen) {
  RawFields row = good_row();
  row["account"] = "0123 456";
  expect_field_error(row, "account", "letters and digits");
  row["account"] = "VQRQ12345678901234567";
  expect_field_error(row, "account", "too long");
  row["account"] = "VQRQ1234";  // virtual accounts carry letters
  EXPECT_TRUE(stall_from_fields(row, 2).ok());
}

TEST(Stall, CardTransfersUseQribfttc) {
  RawFields row = good_row();
  row["service"] = "card";
  row["account"] = "9704031101234567";
  auto s = stall_from_fields(row, 2);
  ASSERT_TRUE(s.ok());
  EXPECT_NE(stall_payload(*s).value().find("QRIBFTTC"), std::string::npos);
  row["service"] = "wallet";
  expect_field_error(row, "service", "");
}

TEST(Stall, CodesMustBeWhatPurposeCarries) {
  RawFields row = good_row();
  row["code"] = "Sạp A12";
  expect_field_error(row, "code", "ASCII");
  row["code"] = std::string(kPurposeMaxChars + 1, 'A');
  expect_field_error(row, "code", "too long");
}

TEST(Stall, AnItemWithoutAnAmountIsAnError) {
  RawFields row = good_row();
  row["item"] = "Bún chả";
  expect_field_error(row, "item", "amount");
}

TEST(Stall, MarketComesFromTheDefaultWhenTheRowHasNone) {
  RawFields row = good_row();
  row.erase("market");
  expect_field_error(row, "market", "missing");
  auto s = stall_from_fields(row, 2, "Chợ Đà Lạt");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->market, "Chợ Đà Lạt");
}

TEST(Stall, DecomposedTextIsComposedBeforeItIsCounted) {
  RawFields row = good_row();
  row["stall_name"] = "Pho\u031B\u0309 Ba\u0300 Tu\u031B";
  auto s = stall_from_fields(row, 2);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->stall_name, "Phở Bà Tư");
}

TEST(Stall, ControlCharactersAreRefused) {
  RawFields row = good_row();
  row["stall_name"] = "Phở\nBà Tư";
  expect_field_error(row, "stall_name", "control character");
}

}  // namespace
}  // namespace cho4::signage
