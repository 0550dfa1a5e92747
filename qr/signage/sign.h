// Signs: laying out one stall's card (text fitted to the layout, QR placed) and drawing it to PNG,
// SVG or a streamed PDF of many pages. Drawing uses cairo with DejaVu Sans embedded from
// fonts-dejavu-core, so Vietnamese prints with its diacritics and stays searchable text in PDFs.
//
// lay_out_sign() is where "too long for the layout" is decided: it measures every line with the
// real font and reports the field that does not fit. Layouts are values; SignPdf owns an open file
// and is used by one thread at a time. The fonts are loaded once per process and shared.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "qr/render.h"
#include "qr/signage/layout.h"
#include "qr/signage/stall.h"

namespace cho4::signage {

// Where the fonts are: $CHO4_FONT_DIR when set, else Debian's fonts-dejavu-core directory.
inline constexpr std::string_view kDefaultFontDir = "/usr/share/fonts/truetype/dejavu";
inline constexpr std::string_view kScanHint = "Quét mã để thanh toán";

struct SignInput {
  Stall stall;
  std::string payload;     // the stall's VietQR text (stall_payload)
  std::string check_code;  // formatted ("7K2M-QX9D"); empty prints none
};

struct TextLine {
  std::string text;
  std::string field;  // the stall field it shows (for errors)
  double size = 0;    // em, card units
  bool bold = false;
  double x = 0, baseline = 0;  // left end of the baseline, card units
  double width = 0;
};

// One card, laid out in its design's units (see layout.h).
struct SignLayout {
  Layout layout = Layout::print;
  CardDesign design;
  std::vector<TextLine> lines;
  QrBox qr;
  qr::QrMatrix matrix;
  std::string payload;
};

// Lays out a sign. Fails naming the field at fault: a line wider than the card even at its
// smallest size, or a payload too long for the layout's QR at the minimum module size.
Result<SignLayout, RowError> lay_out_sign(const SignInput& input, Layout layout);

// Single images at the design's pixel size. Fail with io_error when the file cannot be written.
Status write_sign_png(const SignLayout& sign, const std::string& path);
Status write_sign_svg(const SignLayout& sign, const std::string& path);

// Where one card went on paper: for tests and print checks ("module ≥ 1 mm" measured).
struct CardPlacement {
  std::size_t page = 0;  // 0-based
  Rect card_mm;          // the card on the page
  Rect qr_mm;            // the QR with its quiet zone, on the page
  double module_mm = 0;
  int modules = 0;
};

// A PDF of paper-layout cards, written page by page: each finished page goes to the file, so
// memory does not grow with the number of cards. The file is written under a temporary name and
// renamed by finish(); destroying a SignPdf that was not finished removes it, so a failed batch
// leaves nothing behind.
class SignPdf {
 public:
  // Fails with invalid_argument for a pixel layout, io_error when the file cannot be created.
  static Result<std::unique_ptr<SignPdf>> create(const std::string& path, Layout layout,
                                                 std::string_view title);
  ~SignPdf();
  SignPdf(const SignPdf&) = delete;
  SignPdf& operator=(const SignPdf&) = delete;

  // Draws a card in the next free place (a new page when the current one is full).
  Result<CardPlacement> add(const SignLayout& sign);
  // Completes the last page, closes and renames the file.
  Status finish();

  std::size_t cards() const { return cards_; }
  std::size_t pages() const;

 private:
  struct Impl;
  explicit SignPdf(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
  std::size_t cards_ = 0;
};

}  // namespace cho4::signage
