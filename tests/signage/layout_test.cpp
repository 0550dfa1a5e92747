#include "qr/signage/layout.h"

#include <gtest/gtest.h>

#include <cmath>

namespace cho4::signage {
namespace {

bool inside(const Rect& r, double w, double h) {
  return r.x >= 0 && r.y >= 0 && r.x + r.w <= w + 1e-9 && r.y + r.h <= h + 1e-9;
}
bool overlap(const Rect& a, const Rect& b) {
  return a.x < b.x + b.w - 1e-9 && b.x < a.x + a.w - 1e-9 && a.y < b.y + b.h - 1e-9 &&
         b.y < a.y + a.h - 1e-9;
}

TEST(Layout, NamesRoundTrip) {
  for (Layout l : {Layout::qr_only, Layout::compact, Layout::info, Layout::print, Layout::a6,
                   Layout::a5, Layout::a6x4}) {
    EXPECT_EQ(parse_layout(to_string(l)).value(), l);
  }
  EXPECT_EQ(parse_layout("qr-only").value(), Layout::qr_only);
  EXPECT_FALSE(parse_layout("a4").ok());
}

TEST(Layout, PixelSizesAreThePeersSizes) {
  EXPECT_EQ(card_design(Layout::qr_only).width, 480);
  EXPECT_EQ(card_design(Layout::qr_only).height, 480);
  EXPECT_EQ(card_design(Layout::compact).width, 540);
  EXPECT_EQ(card_design(Layout::compact).height, 540);
  EXPECT_EQ(card_design(Layout::info).width, 540);
  EXPECT_EQ(card_design(Layout::info).height, 640);
  EXPECT_EQ(card_design(Layout::print).width, 600);
  EXPECT_EQ(card_design(Layout::print).height, 776);
}

TEST(Layout, FourCardsFillTheA4PrintableArea) {
  const PageGeometry g = page_geometry(Layout::a6x4);
  EXPECT_EQ(g.width_mm, 210);
  EXPECT_EQ(g.height_mm, 297);
  ASSERT_EQ(g.cards_mm.size(), 4u);
  for (std::size_t i = 0; i < 4; ++i) {
    const Rect& c = g.cards_mm[i];
    EXPECT_NEAR(c.w, 95, 0.5);
    EXPECT_NEAR(c.h, 135, 0.5);
    // 10 mm clear of every edge: inside any office printer's printable area.
    EXPECT_GE(c.x, 10 - 1e-9);
    EXPECT_GE(c.y, 10 - 1e-9);
    EXPECT_LE(c.x + c.w, 200 + 1e-9);
    EXPECT_LE(c.y + c.h, 287 + 1e-9);
    for (std::size_t j = i + 1; j < 4; ++j) EXPECT_FALSE(overlap(c, g.cards_mm[j]));
  }
  // Reading order: left to right, then down.
  EXPECT_LT(g.cards_mm[0].x, g.cards_mm[1].x);
  EXPECT_EQ(g.cards_mm[0].y, g.cards_mm[1].y);
  EXPECT_LT(g.cards_mm[1].y, g.cards_mm[2].y);
}

TEST(Layout, CropMarksStayInTheMarginsOnTheCutLines) {
  const PageGeometry g = page_geometry(Layout::a6x4);
  ASSERT_EQ(g.crop_marks_mm.size(), 12u);
  for (const Segment& s : g.crop_marks_mm) {
    // On the page...
    for (double x : {s.x0, s.x1}) EXPECT_TRUE(x >= 0 && x <= g.width_mm);
    for (double y : {s.y0, s.y1}) EXPECT_TRUE(y >= 0 && y <= g.height_mm);
    // ... never over a card (its midpoint is outside every card)...
    const double mx = (s.x0 + s.x1) / 2, my = (s.y0 + s.y1) / 2;
    for (const Rect& c : g.cards_mm)
      EXPECT_FALSE(mx > c.x && mx < c.x + c.w && my > c.y && my < c.y + c.h);
    // ... and on the line of a card edge.
    bool on_edge = false;
    for (const Rect& c : g.cards_mm) {
      if (s.x0 == s.x1) on_edge |= std::abs(s.x0 - c.x) < 1e-9 || std::abs(s.x0 - c.x - c.w) < 1e-9;
      if (s.y0 == s.y1) on_edge |= std::abs(s.y0 - c.y) < 1e-9 || std::abs(s.y0 - c.y - c.h) < 1e-9;
    }
    EXPECT_TRUE(on_edge);
  }
}

TEST(Layout, SingleCardPagesScaleUpTheCardWithinMargins) {
  for (Layout l : {Layout::a6, Layout::a5}) {
    const PageGeometry g = page_geometry(l);
    ASSERT_EQ(g.cards_mm.size(), 1u);
    EXPECT_GE(g.card_scale, 1.0);
    EXPECT_TRUE(inside(g.cards_mm[0], g.width_mm, g.height_mm));
    EXPECT_NEAR(g.cards_mm[0].w / g.cards_mm[0].h, kCardWidthMm / kCardHeightMm, 1e-9);
    EXPECT_GE(g.cards_mm[0].x, 4.9);
  }
  EXPECT_EQ(page_geometry(Layout::a6).width_mm, 105);
  EXPECT_EQ(page_geometry(Layout::a5).height_mm, 210);
  EXPECT_GT(page_geometry(Layout::a5).card_scale, 1.3);
}

TEST(Layout, PaperModuleMinimumIsOneMillimetreAfterScaling) {
  for (Layout l : {Layout::a6, Layout::a5, Layout::a6x4}) {
    const CardDesign d = card_design(l);
    EXPECT_NEAR(d.module_min * page_geometry(l).card_scale, kPaperModuleMinMm, 1e-9);
    EXPECT_FALSE(d.integer_modules);
  }
}

TEST(Layout, PlaceQrCentresWholePixelModules) {
  // 41 modules + 8 quiet = 49; 480 / 49 = 9.79 → 9 px modules, 441 px, centred at 19 px.
  auto box = place_qr({0, 0, 480, 480}, 41, 480, true, 3);
  ASSERT_TRUE(box.ok());
  EXPECT_EQ(box->module, 9);
  EXPECT_EQ(box->side, 441);
  EXPECT_EQ(box->x, 19);
  EXPECT_EQ(box->y, 19);
  EXPECT_EQ(box->modules, 41);
}

TEST(Layout, PlaceQrOnPaperUsesTheWholeSquareUpToTheMaximum) {
  auto box = place_qr({6.5, 20, 82, 70}, 37, 75, false, 1.0);
  ASSERT_TRUE(box.ok());
  EXPECT_NEAR(box->side, 70, 1e-9);
  EXPECT_NEAR(box->module, 70.0 / 45, 1e-9);
  EXPECT_NEAR(box->x, 6.5 + 6, 1e-9);
  auto capped = place_qr({0, 0, 200, 200}, 37, 75, false, 1.0);
  EXPECT_NEAR(capped->side, 75, 1e-9);
}

TEST(Layout, PlaceQrRefusesModulesBelowTheMinimum) {
  // 57 modules + 8 = 65 mm needed at 1 mm; 60 mm available.
  auto box = place_qr({0, 0, 60, 60}, 57, 75, false, 1.0);
  ASSERT_FALSE(box.ok());
  EXPECT_EQ(box.error().code(), StatusCode::out_of_range);
  EXPECT_TRUE(place_qr({0, 0, 65, 65}, 57, 75, false, 1.0).ok());
}

}  // namespace
}  // namespace cho4::signage
