#include "qr/signage/vn_compose.h"

#include <gtest/gtest.h>

namespace cho4::signage {
namespace {

TEST(VnCompose, DecomposedVietnameseBecomesOneLetterEach) {
  // NFD as macOS writes it: o + horn + hook above; e + dot below + circumflex.
  EXPECT_EQ(compose_vietnamese("Pho\u031B\u0309 Ba\u0300 Tu\u031B"), "Phở Bà Tư");
  EXPECT_EQ(compose_vietnamese("Nguye\u0323\u0302n"), "Nguyện");
  EXPECT_EQ(compose_vietnamese("Que\u0301t ma\u0303 \u0111e\u0302\u0309 thanh toa\u0301n"),
            "Quét mã để thanh toán");
}

TEST(VnCompose, MarksInAnyOrderAndOnPrecomposedLettersCompose) {
  // Circumflex before dot below (not canonical order).
  EXPECT_EQ(compose_vietnamese("e\u0302\u0323"), "ệ");
  // CP1258 style: a precomposed vowel with its hat, then the tone as a combining mark.
  EXPECT_EQ(compose_vietnamese("\u00EA\u0323"), "ệ");
  EXPECT_EQ(compose_vietnamese("\u01A1\u0300"), "ờ");
  EXPECT_EQ(compose_vietnamese("\u0102\u0301"), "Ắ");
}

TEST(VnCompose, EverythingElsePassesThrough) {
  EXPECT_EQ(compose_vietnamese("Chợ Bến Thành"), "Chợ Bến Thành");
  EXPECT_EQ(compose_vietnamese("A12 · 45.000\u00A0₫"), "A12 · 45.000\u00A0₫");
  // No precomposed letter for q + acute: left decomposed.
  EXPECT_EQ(compose_vietnamese("q\u0301"), "q\u0301");
  // A mark with nothing before it.
  EXPECT_EQ(compose_vietnamese("\u0301a"), "\u0301a");
  EXPECT_EQ(compose_vietnamese(""), "");
}

}  // namespace
}  // namespace cho4::signage
