#include "qr/vietqr.h"

#include <gtest/gtest.h>

#include <random>

#include "core/vn_text.h"
#include "qr/crc16.h"

namespace cho4::qr {
namespace {

// The reference's public examples (../shared/reference/vietqr.md), verified.
constexpr const char* kAcbStatic =
    "00020101021138530010A0000007270123000697041601092576788590208QRIBFTTA53037045802VN6304AE9F";
constexpr const char* kAcbDynamic =
    "00020101021238530010A0000007270123000697041601092576788590208QRIBFTTA53037045405100005802VN"
    "62150811Chuyen tien630453E6";
constexpr const char* kTcb =
    "00020101021138580010A000000727012800069704070114190304136010180208QRIBFTTA53037045802VN6304"
    "0283";
constexpr const char* kMbLowerCrc =
    "00020101021138540010A00000072701240006970422011003523509170208QRIBFTTA53037045802VN630479db";
constexpr const char* kSacombankCard =
    "00020101021138600010A00000072701300006970403011697040311012345670208QRIBFTTC53037045802VN6304"
    "4F52";
constexpr const char* kBillAndPurpose =
    "00020101021238570010A00000072701270006970403011300110123456780208QRIBFTTA530370454061800005802"
    "VN62340107NPS68690819thanh toan don hang63042E2E";
constexpr const char* kVnpay =
    "00020101021126280010A0000007750110010531314453037045408210900005802VN5910CELLPHONES62600312CPS"
    "HN ONLINE0517021908061613127850705ONLHN0810CellphoneS63047685";
constexpr const char* kNapas611 =
    "00020101021138570010A00000072701270006970403011200110123456780208QRIBFTTA53037045802VN6304F4E"
    "5";

// Appends field 63 with the right CRC, so decode-error cases reach the checks after the CRC.
std::string seal(std::string body) {
  body += "6304";
  char crc[4];
  format_crc(crc16_ccitt_false(body), crc);
  return body.append(crc, 4);
}

Payload payload(std::string bin, std::string account) {
  Payload p;
  p.bank_bin = std::move(bin);
  p.account = std::move(account);
  return p;
}

TEST(Decode, StaticAcb) {
  auto d = decode(kAcbStatic);
  ASSERT_TRUE(d.ok()) << d.error().message();
  EXPECT_EQ(d->scheme, Scheme::vietqr);
  EXPECT_EQ(d->poi, PointOfInitiation::static_code);
  ASSERT_TRUE(d->vietqr);
  EXPECT_EQ(d->vietqr->bank_bin, "970416");
  EXPECT_EQ(d->vietqr->account, "257678859");
  EXPECT_FALSE(d->vietqr->amount);
  EXPECT_EQ(d->currency, "704");
  EXPECT_EQ(d->country, "VN");
}

TEST(Decode, DynamicWithPurpose) {
  auto d = decode(kAcbDynamic);
  ASSERT_TRUE(d.ok()) << d.error().message();
  EXPECT_EQ(d->poi, PointOfInitiation::dynamic_code);
  EXPECT_EQ(d->vietqr->amount, Money::vnd(10000));
  EXPECT_EQ(d->vietqr->purpose, "Chuyen tien");
}

TEST(Decode, TechcombankAndLowerCaseCrcAndCard) {
  auto tcb = decode(kTcb);
  ASSERT_TRUE(tcb.ok()) << tcb.error().message();
  EXPECT_EQ(tcb->vietqr->bank_bin, "970407");
  EXPECT_EQ(tcb->vietqr->account, "19030413601018");
  auto mb = decode(kMbLowerCrc);
  ASSERT_TRUE(mb.ok()) << mb.error().message();
  EXPECT_EQ(mb->vietqr->account, "0352350917");
  EXPECT_EQ(mb->crc_text, "79db");
  auto card = decode(kSacombankCard);
  ASSERT_TRUE(card.ok()) << card.error().message();
  EXPECT_EQ(card->vietqr->service, ServiceCode::to_card);
  EXPECT_EQ(card->vietqr->account, "9704031101234567");
}

TEST(Decode, BillAndPurpose) {
  auto d = decode(kBillAndPurpose);
  ASSERT_TRUE(d.ok()) << d.error().message();
  EXPECT_EQ(d->vietqr->amount, Money::vnd(180000));
  EXPECT_EQ(d->vietqr->bill_number, "NPS6869");
  EXPECT_EQ(d->vietqr->purpose, "thanh toan don hang");
}

TEST(Decode, VnpayIsRecognisedNotMisparsed) {
  auto d = decode(kVnpay);
  ASSERT_TRUE(d.ok()) << d.error().message();
  EXPECT_EQ(d->scheme, Scheme::vnpay);
  EXPECT_FALSE(d->vietqr);
  EXPECT_EQ(d->merchant_id, "0105313144");
}

TEST(Decode, Napas611IsALengthErrorNotACrcError) {
  auto d = decode(kNapas611);
  ASSERT_FALSE(d.ok());
  const auto kind = d.error().kind;
  EXPECT_TRUE(kind == DecodeErrorKind::truncated_header || kind == DecodeErrorKind::length_overrun)
      << d.error().message();
  EXPECT_EQ(d.error().field, "38.01");
  EXPECT_NE(d.error().message().find("length"), std::string::npos) << d.error().message();
}

TEST(Encode, ReproducesTheReferenceExamples) {
  EXPECT_EQ(*encode(payload("970416", "257678859")), kAcbStatic);
  Payload dyn = payload("970416", "257678859");
  dyn.amount = Money::vnd(10000);
  dyn.purpose = "Chuyen tien";
  EXPECT_EQ(*encode(dyn), kAcbDynamic);
  EXPECT_EQ(*encode(payload("970407", "19030413601018")), kTcb);
  Payload card = payload("970403", "9704031101234567");
  card.service = ServiceCode::to_card;
  EXPECT_EQ(*encode(card), kSacombankCard);
  Payload bill = payload("970403", "0011012345678");
  bill.amount = Money::vnd(180000);
  bill.bill_number = "NPS6869";
  bill.purpose = "thanh toan don hang";
  EXPECT_EQ(*encode(bill), kBillAndPurpose);
}

TEST(Encode, FoldsVietnameseOnRequestAndRefusesOtherwise) {
  Payload p = payload("970436", "0123456789");
  p.purpose = "Thanh toán đơn #12";
  p.merchant_name = "Cô Lan - Rau";
  auto folded = encode(p);
  ASSERT_TRUE(folded.ok());
  auto d = decode(*folded);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->vietqr->purpose, "Thanh toan don 12");
  EXPECT_EQ(d->vietqr->merchant_name, "Co Lan  Rau");
  auto strict = encode(p, EncodeOptions{.fold_text = false});
  ASSERT_FALSE(strict.ok());
  EXPECT_EQ(strict.error().kind, EncodeErrorKind::non_ascii_text);
  EXPECT_EQ(strict.error().field, "62.08");
}

TEST(Encode, EveryErrorKind) {
  const auto kind_of = [](const Payload& p, EncodeOptions o = {}) {
    auto r = encode(p, o);
    EXPECT_FALSE(r.ok());
    return r.ok() ? EncodeErrorKind{} : r.error().kind;
  };
  EXPECT_EQ(kind_of(payload("97041", "1")), EncodeErrorKind::bad_bin);
  EXPECT_EQ(kind_of(payload("97041A", "1")), EncodeErrorKind::bad_bin);
  EXPECT_EQ(kind_of(payload("970416", "")), EncodeErrorKind::bad_account);
  EXPECT_EQ(kind_of(payload("970416", "12345678901234567890")), EncodeErrorKind::bad_account);
  EXPECT_EQ(kind_of(payload("970416", "12-34")), EncodeErrorKind::bad_account);
  Payload p = payload("970416", "1");
  p.amount = Money::vnd(0);
  EXPECT_EQ(kind_of(p), EncodeErrorKind::amount_out_of_range);
  p.amount = Money::vnd(500'000'000);
  EXPECT_EQ(kind_of(p), EncodeErrorKind::amount_out_of_range);
  p.amount = kQrAmountMax;
  EXPECT_TRUE(encode(p).ok());
  p.purpose = std::string(26, 'x');
  EXPECT_EQ(kind_of(p), EncodeErrorKind::field_too_long);
  p.purpose = "ok";
  p.merchant_city = "Thành phố Hồ Chí Minh";  // 21 characters folded
  EXPECT_EQ(kind_of(p), EncodeErrorKind::field_too_long);
  p.merchant_city = "";
  p.merchant_name = "Lan\xff";
  EXPECT_EQ(kind_of(p), EncodeErrorKind::invalid_utf8);
  p.merchant_name = "Lan ơi";
  EXPECT_EQ(kind_of(p, EncodeOptions{.fold_text = false}), EncodeErrorKind::non_ascii_text);
  p.merchant_name = "";
  Payload extra = payload("970416", "1");
  extra.extra_fields = {{"54", "1"}};
  EXPECT_EQ(kind_of(extra), EncodeErrorKind::bad_extra_field);
  extra.extra_fields = {{"8", "1"}};
  EXPECT_EQ(kind_of(extra), EncodeErrorKind::bad_extra_field);
}

TEST(Decode, EveryErrorKindSaysWhatAndWhere) {
  const auto err = [](std::string_view text) {
    auto r = decode(text);
    EXPECT_FALSE(r.ok()) << text;
    return r.ok() ? DecodeError{} : r.error();
  };
  EXPECT_EQ(err("").kind, DecodeErrorKind::empty);
  EXPECT_EQ(err("000201010").kind, DecodeErrorKind::truncated_header);
  EXPECT_EQ(err("0002010X11").kind, DecodeErrorKind::bad_header);
  auto overrun = err("0002010112115");
  EXPECT_EQ(overrun.kind, DecodeErrorKind::length_overrun);
  EXPECT_EQ(overrun.field, "01");
  EXPECT_EQ(overrun.offset, 6u);
  EXPECT_EQ(err("0002\xff\xfe").kind, DecodeErrorKind::invalid_utf8);
  EXPECT_EQ(err("01021100020163041234").kind, DecodeErrorKind::bad_format_indicator);
  EXPECT_EQ(err("000202").kind, DecodeErrorKind::bad_format_indicator);
  EXPECT_EQ(err("00020101021153037045802VN").kind, DecodeErrorKind::missing_crc);
  EXPECT_EQ(err("00020163041234010211").kind, DecodeErrorKind::crc_not_last);
  EXPECT_EQ(err("0002016304XYZW").kind, DecodeErrorKind::bad_crc_format);

  // A single changed character of a valid code: a CRC error with expected and found values.
  std::string bad = kAcbDynamic;
  bad[bad.size() - 9] = 'X';  // the last letter of "Chuyen tien"
  const DecodeError crc = err(bad);
  EXPECT_EQ(crc.kind, DecodeErrorKind::bad_crc);
  EXPECT_EQ(crc.field, "63");
  EXPECT_EQ(crc.crc_found, 0x53E6);
  EXPECT_NE(crc.crc_expected, 0x53E6);
  EXPECT_NE(crc.message().find("expected"), std::string::npos);
  EXPECT_NE(crc.message().find("found 53E6"), std::string::npos);
}

TEST(Decode, MandatoryFieldsAndValues) {
  const auto kind = [](const std::string& text) {
    auto r = decode(text);
    EXPECT_FALSE(r.ok()) << text;
    return r.ok() ? DecodeErrorKind{} : r.error().kind;
  };
  const std::string t38 = "38530010A0000007270123000697041601092576788590208QRIBFTTA";
  EXPECT_EQ(kind(seal("000201" + t38 + "53037045802VN")), DecodeErrorKind::missing_field);  // 01
  EXPECT_EQ(kind(seal("000201010211" + t38 + "5802VN")), DecodeErrorKind::missing_field);   // 53
  EXPECT_EQ(kind(seal("000201010211" + t38 + "5303704")), DecodeErrorKind::missing_field);  // 58
  EXPECT_EQ(kind(seal("000201010213" + t38 + "53037045802VN")), DecodeErrorKind::bad_field_value);
  EXPECT_EQ(kind(seal("000201010211" + t38 + "53038405802VN")), DecodeErrorKind::bad_field_value);
  EXPECT_EQ(kind(seal("000201010212" + t38 +
                      "5303704"
                      "540410.5"
                      "5802VN")),
            DecodeErrorKind::bad_field_value);
  EXPECT_EQ(kind(seal("000201010212" + t38 + "530370454010" + "5802VN")),
            DecodeErrorKind::bad_field_value);
  // Template 38 without the service code, and with a bad BIN.
  EXPECT_EQ(kind(seal("00020101021138410010A000000727012300069704160109257678859"
                      "53037045802VN")),
            DecodeErrorKind::missing_field);
  EXPECT_EQ(kind(seal("00020101021138530010A00000072701230006970A1601092576788590208QRIBFTTA"
                      "53037045802VN")),
            DecodeErrorKind::bad_field_value);
  EXPECT_EQ(kind(seal("0002010102110102115303704")), DecodeErrorKind::duplicate_field);
}

TEST(Decode, AnyOrderUnreservedFieldsAndZeroLengthPurpose) {
  // Root fields out of order, an unreserved template 80, and a zero-length 62.08.
  const std::string text = seal(
      "000201"
      "5802VN"
      "5303704"
      "80060002AB"
      "010211"
      "38530010A0000007270123000697041601092576788590208QRIBFTTA"
      "62040800");
  auto d = decode(text);
  ASSERT_TRUE(d.ok()) << d.error().message();
  EXPECT_EQ(d->vietqr->account, "257678859");
  ASSERT_EQ(d->vietqr->extra_fields.size(), 1u);
  EXPECT_EQ(d->vietqr->extra_fields[0].first, "80");
  EXPECT_EQ(d->vietqr->purpose, "");
}

TEST(Decode, LengthsCountCharactersNotBytes) {
  // "Cà phê" is 6 characters and 8 bytes: 59 declares 06.
  const std::string text = seal(
      "000201010211"
      "38530010A0000007270123000697041601092576788590208QRIBFTTA"
      "53037045802VN"
      "5906Cà phê");
  auto d = decode(text);
  ASSERT_TRUE(d.ok()) << d.error().message();
  EXPECT_EQ(d->vietqr->merchant_name, "Cà phê");
  const std::string wrong = seal(
      "000201010211"
      "38530010A0000007270123000697041601092576788590208QRIBFTTA"
      "53037045802VN"
      "5908Cà phê");
  EXPECT_FALSE(decode(wrong).ok());
}

// Random valid payloads survive encode → decode unchanged.
TEST(RoundTrip, ThousandsOfSeededRandomPayloads) {
  std::mt19937_64 rng(20261129);
  const std::string alnum = "ABCDEFGHJKMNPQRSTVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  const std::vector<std::string> words = {"Chuyển", "tiền", "mua", "rau", "Đà", "Nẵng", "cá",
                                          "thịt",   "DH",   "A12", "Phở", "bò", "nước", "mắm"};
  const auto pick = [&](std::size_t n) {
    return std::uniform_int_distribution<std::size_t>(0, n)(rng);
  };
  const auto random_alnum = [&](std::size_t len) {
    std::string s;
    for (std::size_t i = 0; i < len; ++i) s += alnum[pick(alnum.size() - 1)];
    return s;
  };
  const auto random_text = [&](std::size_t max_chars) {
    std::string s;
    while (true) {
      std::string next =
          s.empty() ? words[pick(words.size() - 1)] : s + " " + words[pick(words.size() - 1)];
      if (fold_to_qr_text(next).size() > max_chars || pick(3) == 0) break;
      s = std::move(next);
    }
    return s;
  };
  int checked = 0;
  for (int i = 0; i < 5000; ++i) {
    Payload p;
    p.bank_bin = std::to_string(100000 + pick(899999));
    p.account = random_alnum(1 + pick(18));
    p.service = pick(1) ? ServiceCode::to_card : ServiceCode::to_account;
    if (pick(1)) p.amount = Money::vnd(1 + static_cast<std::int64_t>(pick(499'999'998)));
    if (pick(1)) p.purpose = random_text(25);
    if (pick(3) == 0) p.bill_number = random_alnum(pick(20));
    if (pick(3) == 0) p.reference_label = random_alnum(pick(20));
    if (pick(2) == 0) p.merchant_name = random_text(25);
    if (pick(2) == 0) p.merchant_city = random_text(15);
    if (pick(4) == 0)
      p.extra_fields.emplace_back(std::to_string(80 + pick(19)), random_alnum(pick(40)));
    auto text = encode(p);
    ASSERT_TRUE(text.ok()) << text.error().message();
    auto d = decode(*text);
    ASSERT_TRUE(d.ok()) << *text << ": " << d.error().message();
    Payload expected = p;
    expected.purpose = fold_to_qr_text(p.purpose);
    expected.merchant_name = fold_to_qr_text(p.merchant_name);
    expected.merchant_city = fold_to_qr_text(p.merchant_city);
    EXPECT_EQ(d->vietqr, expected) << *text;
    EXPECT_EQ(d->poi, p.amount ? PointOfInitiation::dynamic_code : PointOfInitiation::static_code);
    ++checked;
  }
  EXPECT_EQ(checked, 5000);
}

}  // namespace
}  // namespace cho4::qr
