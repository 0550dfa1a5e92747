// Layouts of signs: the pixel sizes peers use for single images, and the paper sizes for print,
// as pure geometry (no drawing) so that the arithmetic is tested on its own.
//
// Units: a pixel layout's card is designed in pixels; every paper layout shares one card design in
// millimetres (95 × 135 mm, the card of a four-per-A4 sheet) that a page scales to fit its
// printable area. The QR always has a 4-module quiet zone and, on paper, modules of at least 1 mm.
// Plain functions and values; thread-safe.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace cho4::signage {

enum class Layout : std::uint8_t {
  qr_only = 1,  // PNG/SVG 480 × 480: the code alone
  compact = 2,  // PNG/SVG 540 × 540: stall, code, "Quét mã để thanh toán"
  info = 3,     // PNG/SVG 540 × 640: compact plus the transfer info (holder, bank, account)
  print = 4,    // PNG/SVG 600 × 776: everything a paper sign carries
  a6 = 5,       // PDF, one card per A6 page
  a5 = 6,       // PDF, one card per A5 page
  a6x4 = 7,     // PDF, four cards per A4 sheet with crop marks
};

std::string_view to_string(Layout layout);
// "qr_only" (or "qr-only"), "compact", "info", "print", "a6", "a5", "a6x4"; invalid_argument else.
Result<Layout> parse_layout(std::string_view name);
// True for the PDF (paper) layouts.
bool is_paper(Layout layout);

inline constexpr double kMmPerInch = 25.4;
inline constexpr double kPointsPerMm = 72.0 / kMmPerInch;
inline constexpr int kQuietZoneModules = 4;
// Print: the smallest module that phone cameras read reliably at arm's length.
inline constexpr double kPaperModuleMinMm = 1.0;
// Pixel images: below this a module blurs when the image is scaled by a viewer.
inline constexpr double kPixelModuleMinPx = 3.0;

// The paper card design: every paper layout draws this card, scaled.
inline constexpr double kCardWidthMm = 95.0;
inline constexpr double kCardHeightMm = 135.0;

struct Rect {
  double x = 0, y = 0, w = 0, h = 0;
};
struct Segment {
  double x0 = 0, y0 = 0, x1 = 0, y1 = 0;
};

// A text slot of a card design: nominal and smallest font size (em, in card units).
enum class Slot : std::uint8_t { market, stall, price, scan_hint, holder, bank_account };
struct SlotStyle {
  Slot slot;
  double size;
  double min_size;
  bool bold;
};

// What a card looks like, in card units (px for pixel layouts, mm for paper).
struct CardDesign {
  double width = 0, height = 0;
  double margin = 0;       // text and the QR stay this far inside the edge
  double frame_inset = 0;  // the frame line; 0 = no frame
  double frame_line = 0;
  std::vector<SlotStyle> above_qr;  // top to bottom
  std::vector<SlotStyle> below_qr;  // top to bottom
  double line_gap = 0;              // between text lines
  double qr_gap = 0;                // between the QR (with its quiet zone) and text
  double check_code_size = 0;       // 0 = the layout prints no check code
  double qr_max = 0;                // largest QR side, quiet zone included
  bool integer_modules = false;     // pixel layouts: whole pixels per module
  double module_min = 0;            // in card units, before the page's scale
};
CardDesign card_design(Layout layout);

// A line's height for a font size (DejaVu Sans' ascent + descent is about 1.16 em).
inline constexpr double kLineHeightEm = 1.25;

// Where a QR of `modules` modules goes: the largest square of whole-quiet-zone modules that fits
// `area` (at most max_side), centred; module is the side of one module.
struct QrBox {
  double x = 0, y = 0;  // top-left of the quiet zone
  double side = 0;      // quiet zone included
  double module = 0;
  int modules = 0;  // without the quiet zone
};
// Fails with out_of_range when the module would be smaller than module_min.
Result<QrBox> place_qr(const Rect& area, int modules, double max_side, bool integer_modules,
                       double module_min);

// A paper page: its size and where the cards go (card units are scaled by card_scale).
struct PageGeometry {
  double width_mm = 0, height_mm = 0;
  double card_scale = 1;       // mm on paper per card mm
  std::vector<Rect> cards_mm;  // in filling order
  std::vector<Segment> crop_marks_mm;
  double crop_mark_line_mm = 0;
};
// For a paper layout; a pixel layout gives one card of its own size at scale 1 (mm = px).
PageGeometry page_geometry(Layout layout);

}  // namespace cho4::signage
