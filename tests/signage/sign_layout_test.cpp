// lay_out_sign with the real font: what fits, what does not, and where the QR goes.
#include <gtest/gtest.h>

#include <cmath>

#include "qr/signage/batch.h"
#include "qr/signage/sign.h"

namespace cho4::signage {
namespace {

RawFields row() {
  return RawFields{{"market", "Chợ Bến Thành"}, {"stall_number", "A12"},
                   {"stall_name", "Phở Bà Tư"}, {"account_holder", "NGUYEN THI TU"},
                   {"bank", "Vietcombank"},     {"account", "0123456789"}};
}

SignInput input(const RawFields& fields) {
  auto key = CheckCodeKey::from_secret("market-secret-0123456789");
  auto in = sign_input_from_fields(fields, 5, {}, &*key);
  EXPECT_TRUE(in.ok()) << in.error().to_string("t");
  return std::move(in).value();
}

const TextLine* find_line(const SignLayout& s, std::string_view text) {
  for (const auto& l : s.lines)
    if (l.text.find(text) != std::string::npos) return &l;
  return nullptr;
}

TEST(SignLayout, EveryLayoutPlacesTheQrInsideTheCardClearOfText) {
  for (Layout layout : {Layout::qr_only, Layout::compact, Layout::info, Layout::print, Layout::a6,
                        Layout::a5, Layout::a6x4}) {
    auto s = lay_out_sign(input(row()), layout);
    ASSERT_TRUE(s.ok()) << to_string(layout) << ": " << s.error().to_string("t");
    const CardDesign& d = s->design;
    EXPECT_GE(s->qr.x, 0);
    EXPECT_GE(s->qr.y, 0);
    EXPECT_LE(s->qr.x + s->qr.side, d.width + 1e-9);
    EXPECT_LE(s->qr.y + s->qr.side, d.height + 1e-9);
    EXPECT_EQ(s->qr.modules, s->matrix.size);
    EXPECT_GE(s->qr.module, d.module_min);
    for (const TextLine& l : s->lines) {
      EXPECT_GE(l.x, 0) << l.text;
      EXPECT_LE(l.x + l.width, d.width + 1e-9) << l.text;
      // A line's glyphs (baseline - ascent … baseline + descent) stay off the QR and its quiet
      // zone.
      const double top = l.baseline - 0.95 * l.size, bottom = l.baseline + 0.25 * l.size;
      const bool clear = bottom <= s->qr.y + 1e-9 || top >= s->qr.y + s->qr.side - 1e-9;
      EXPECT_TRUE(clear) << to_string(layout) << ": '" << l.text << "' overlaps the QR";
    }
  }
}

TEST(SignLayout, ThePrintCardCarriesEverythingASignShows) {
  auto s = lay_out_sign(input(row()), Layout::a6x4);
  ASSERT_TRUE(s.ok());
  EXPECT_NE(find_line(*s, "Chợ Bến Thành"), nullptr);
  EXPECT_NE(find_line(*s, "Sạp A12 · Phở Bà Tư"), nullptr);
  EXPECT_NE(find_line(*s, "Quét mã để thanh toán"), nullptr);
  EXPECT_NE(find_line(*s, "NGUYEN THI TU"), nullptr);
  EXPECT_NE(find_line(*s, "Vietcombank · STK 0123456789"), nullptr);
  const TextLine* check = find_line(*s, "Mã kiểm tra ");
  ASSERT_NE(check, nullptr);
  // The check code sits in the frame's bottom band, below everything else.
  for (const auto& l : s->lines)
    if (&l != check) {
      EXPECT_LT(l.baseline, check->baseline);
    }
  EXPECT_GT(check->baseline, s->qr.y + s->qr.side);
  // A typical static code gets comfortably more than the 1 mm minimum.
  EXPECT_GT(s->qr.module, 1.2);
}

TEST(SignLayout, QrOnlyHasNoText) {
  auto s = lay_out_sign(input(row()), Layout::qr_only);
  ASSERT_TRUE(s.ok());
  EXPECT_TRUE(s->lines.empty());
  EXPECT_EQ(s->qr.module, std::floor(s->qr.module));
}

TEST(SignLayout, APriceTagShowsItsAmount) {
  RawFields r = row();
  r["amount"] = "45000";
  r["item"] = "Phở bò tái";
  auto s = lay_out_sign(input(r), Layout::print);
  ASSERT_TRUE(s.ok());
  EXPECT_NE(find_line(*s, "Phở bò tái: 45.000\u00A0₫"), nullptr);
}

TEST(SignLayout, ANameTooWideForTheLayoutNamesTheField) {
  RawFields r = row();
  // 48 wide letters: within the field's character limit, far wider than any card.
  r["stall_name"] = std::string(48, 'W');
  for (Layout layout : {Layout::compact, Layout::info, Layout::print, Layout::a6x4}) {
    auto s = lay_out_sign(input(r), layout);
    ASSERT_FALSE(s.ok()) << to_string(layout);
    EXPECT_EQ(s.error().field, "stall_name");
    EXPECT_NE(s.error().message.find("too long for the " + std::string(to_string(layout))),
              std::string::npos);
  }
  // The QR-only image shows no names, so it still fits.
  EXPECT_TRUE(lay_out_sign(input(r), Layout::qr_only).ok());

  r = row();
  r["account_holder"] = "CONG TY TNHH THUONG MAI DICH VU XUAT NHAP KHAU";
  auto s = lay_out_sign(input(r), Layout::a6x4);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().field, "account_holder");
}

TEST(SignLayout, APayloadTooLongForOneMillimetreModulesIsRefused) {
  SignInput in = input(row());
  // Not a row's payload (rows cannot make one this long), but the layout must still refuse it
  // rather than print modules under 1 mm: 300 bytes need version 17 (85 modules) at level Q.
  in.payload = std::string(300, 'a');
  auto s = lay_out_sign(in, Layout::a6x4);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().field, "account");
  EXPECT_NE(s.error().message.find("too long for the a6x4 layout"), std::string::npos)
      << s.error().message;
  // A5 scales the card up by 1.39: the same code fits there.
  EXPECT_TRUE(lay_out_sign(in, Layout::a5).ok());
}

TEST(SignLayout, LongerTextShrinksBeforeItFails) {
  RawFields r = row();
  r["stall_name"] = "Hàng bún riêu cua đồng";
  auto s = lay_out_sign(input(r), Layout::a6x4);
  ASSERT_TRUE(s.ok());
  const TextLine* stall = find_line(*s, "Hàng bún riêu");
  ASSERT_NE(stall, nullptr);
  EXPECT_LT(stall->size, card_design(Layout::a6x4).above_qr[1].size);
  EXPECT_LE(stall->width, s->design.width - 2 * s->design.margin + 1e-9);
}

}  // namespace
}  // namespace cho4::signage
