#include "qr/signage/layout.h"

#include <algorithm>
#include <cmath>

#include "core/assert.h"

namespace cho4::signage {
namespace {

// Printable area: office printers do not print the outer 4–5 mm of a sheet.
constexpr double kA4WidthMm = 210, kA4HeightMm = 297;
constexpr double kA5WidthMm = 148, kA5HeightMm = 210;
constexpr double kA6WidthMm = 105, kA6HeightMm = 148;
constexpr double kA4SideMarginMm = 10;
constexpr double kA5MarginMm = 8;
constexpr double kA6MarginMm = 5;
constexpr double kCropGapMm = 1.5;  // crop marks stop short of the card
constexpr double kCropLengthMm = 5.0;
static_assert(2 * kCardWidthMm + 2 * kA4SideMarginMm <= kA4WidthMm, "two cards across an A4");
static_assert(2 * kCardHeightMm + 2 * kA4SideMarginMm <= kA4HeightMm, "two cards down an A4");
static_assert(kCropGapMm + kCropLengthMm < kA4SideMarginMm, "crop marks stay in the margin");

PageGeometry one_card_page(double page_w, double page_h, double margin) {
  PageGeometry g;
  g.width_mm = page_w;
  g.height_mm = page_h;
  g.card_scale =
      std::min((page_w - 2 * margin) / kCardWidthMm, (page_h - 2 * margin) / kCardHeightMm);
  const double w = kCardWidthMm * g.card_scale, h = kCardHeightMm * g.card_scale;
  g.cards_mm.push_back({(page_w - w) / 2, (page_h - h) / 2, w, h});
  return g;
}

}  // namespace

std::string_view to_string(Layout layout) {
  switch (layout) {
    case Layout::qr_only:
      return "qr_only";
    case Layout::compact:
      return "compact";
    case Layout::info:
      return "info";
    case Layout::print:
      return "print";
    case Layout::a6:
      return "a6";
    case Layout::a5:
      return "a5";
    case Layout::a6x4:
      return "a6x4";
  }
  return "?";
}

Result<Layout> parse_layout(std::string_view name) {
  for (Layout l : {Layout::qr_only, Layout::compact, Layout::info, Layout::print, Layout::a6,
                   Layout::a5, Layout::a6x4}) {
    if (name == to_string(l)) return l;
  }
  if (name == "qr-only") return Layout::qr_only;
  return invalid_argument("unknown layout '" + std::string(name) +
                          "' (qr_only, compact, info, print, a6, a5, a6x4)");
}

bool is_paper(Layout layout) {
  return layout == Layout::a6 || layout == Layout::a5 || layout == Layout::a6x4;
}

CardDesign card_design(Layout layout) {
  CardDesign d;
  switch (layout) {
    case Layout::qr_only:
      d.width = d.height = 480;
      d.qr_max = 480;
      d.integer_modules = true;
      d.module_min = kPixelModuleMinPx;
      break;
    case Layout::compact:
      d.width = d.height = 540;
      d.margin = 22;
      d.frame_inset = 8;
      d.frame_line = 3;
      d.above_qr = {{Slot::stall, 30, 20, true}};
      d.below_qr = {{Slot::price, 32, 22, true}, {Slot::scan_hint, 24, 24, true}};
      d.line_gap = 4;
      d.qr_gap = 0;
      d.check_code_size = 13;
      d.qr_max = 540;
      d.integer_modules = true;
      d.module_min = kPixelModuleMinPx;
      break;
    case Layout::info:
      d.width = 540;
      d.height = 640;
      d.margin = 22;
      d.frame_inset = 8;
      d.frame_line = 3;
      d.above_qr = {{Slot::stall, 30, 20, true}};
      d.below_qr = {{Slot::price, 30, 22, true},
                    {Slot::scan_hint, 22, 22, true},
                    {Slot::holder, 26, 18, true},
                    {Slot::bank_account, 21, 15, false}};
      d.line_gap = 4;
      d.check_code_size = 13;
      d.qr_max = 540;
      d.integer_modules = true;
      d.module_min = kPixelModuleMinPx;
      break;
    case Layout::print:
      d.width = 600;
      d.height = 776;
      d.margin = 28;
      d.frame_inset = 10;
      d.frame_line = 4;
      d.above_qr = {{Slot::market, 24, 16, false}, {Slot::stall, 34, 22, true}};
      d.below_qr = {{Slot::price, 38, 26, true},
                    {Slot::scan_hint, 26, 26, true},
                    {Slot::holder, 30, 20, true},
                    {Slot::bank_account, 24, 16, false}};
      d.line_gap = 6;
      d.qr_gap = 2;
      d.check_code_size = 15;
      d.qr_max = 600;
      d.integer_modules = true;
      d.module_min = kPixelModuleMinPx;
      break;
    case Layout::a6:
    case Layout::a5:
    case Layout::a6x4:
      d.width = kCardWidthMm;
      d.height = kCardHeightMm;
      d.margin = 6.5;
      d.frame_inset = 2.5;
      d.frame_line = 0.5;
      d.above_qr = {{Slot::market, 4.2, 3.0, false}, {Slot::stall, 5.8, 4.0, true}};
      d.below_qr = {{Slot::price, 6.5, 4.5, true},
                    {Slot::scan_hint, 4.4, 4.4, true},
                    {Slot::holder, 4.8, 3.4, true},
                    {Slot::bank_account, 3.9, 2.9, false}};
      d.line_gap = 0.8;
      d.qr_gap = 0;
      d.check_code_size = 2.6;
      d.qr_max = 75;
      d.integer_modules = false;
      d.module_min = kPaperModuleMinMm / page_geometry(layout).card_scale;
      break;
  }
  return d;
}

Result<QrBox> place_qr(const Rect& area, int modules, double max_side, bool integer_modules,
                       double module_min) {
  CHO4_ASSERT(modules > 0, "a QR has modules");
  const int total = modules + 2 * kQuietZoneModules;
  const double side_limit = std::min({area.w, area.h, max_side});
  double module = side_limit / total;
  if (integer_modules) module = std::floor(module);
  if (module < module_min || module <= 0)
    return out_of_range("a " + std::to_string(modules) + "-module code needs " +
                        std::to_string(module_min * total) +
                        " units of height, the layout leaves " + std::to_string(side_limit));
  QrBox box;
  box.modules = modules;
  box.module = module;
  box.side = module * total;
  box.x = area.x + (area.w - box.side) / 2;
  box.y = area.y + (area.h - box.side) / 2;
  if (integer_modules) {
    // Whole pixels: a module's edges fall on pixel edges, so the image has no grey seams.
    box.x = std::floor(box.x);
    box.y = std::floor(box.y);
  }
  return box;
}

PageGeometry page_geometry(Layout layout) {
  switch (layout) {
    case Layout::a6:
      return one_card_page(kA6WidthMm, kA6HeightMm, kA6MarginMm);
    case Layout::a5:
      return one_card_page(kA5WidthMm, kA5HeightMm, kA5MarginMm);
    case Layout::a6x4: {
      PageGeometry g;
      g.width_mm = kA4WidthMm;
      g.height_mm = kA4HeightMm;
      g.card_scale = std::min((kA4WidthMm - 2 * kA4SideMarginMm) / (2 * kCardWidthMm),
                              (kA4HeightMm - 2 * kA4SideMarginMm) / (2 * kCardHeightMm));
      const double w = kCardWidthMm * g.card_scale, h = kCardHeightMm * g.card_scale;
      const double x0 = (kA4WidthMm - 2 * w) / 2, y0 = (kA4HeightMm - 2 * h) / 2;
      for (int row = 0; row < 2; ++row)
        for (int col = 0; col < 2; ++col) g.cards_mm.push_back({x0 + col * w, y0 + row * h, w, h});
      // Marks in the margins on the extension of every cut line, never over a card.
      g.crop_mark_line_mm = 0.25;
      for (int i = 0; i <= 2; ++i) {
        const double x = x0 + i * w;
        g.crop_marks_mm.push_back({x, y0 - kCropGapMm, x, y0 - kCropGapMm - kCropLengthMm});
        const double yb = y0 + 2 * h;
        g.crop_marks_mm.push_back({x, yb + kCropGapMm, x, yb + kCropGapMm + kCropLengthMm});
        const double y = y0 + i * h;
        g.crop_marks_mm.push_back({x0 - kCropGapMm, y, x0 - kCropGapMm - kCropLengthMm, y});
        const double xr = x0 + 2 * w;
        g.crop_marks_mm.push_back({xr + kCropGapMm, y, xr + kCropGapMm + kCropLengthMm, y});
      }
      return g;
    }
    case Layout::qr_only:
    case Layout::compact:
    case Layout::info:
    case Layout::print: {
      const CardDesign d = card_design(layout);
      PageGeometry g;
      g.width_mm = d.width;
      g.height_mm = d.height;
      g.cards_mm.push_back({0, 0, d.width, d.height});
      return g;
    }
  }
  return {};
}

}  // namespace cho4::signage
