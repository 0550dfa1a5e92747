#include "qr/signage/sign.h"

#include <cairo-ft.h>
#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <cairo.h>
#include <ft2build.h>
#include FT_FREETYPE_H

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <mutex>

#include "core/assert.h"
#include "core/vn_text.h"

namespace cho4::signage {
namespace {

// ---- fonts ----

struct Fonts {
  cairo_font_face_t* regular = nullptr;
  cairo_font_face_t* bold = nullptr;
  double ascent_em = 0.93;  // DejaVu Sans' figure, until the loaded font gives its own
};

// The font faces live for the whole process: cairo caches scaled fonts that point at them, and
// FreeType faces must outlive every such cache entry. Loaded once, on first use.
Result<const Fonts*> fonts() {
  static std::once_flag once;
  static Fonts loaded;
  static Status load_status;
  std::call_once(once, [] {
    const char* env = std::getenv("CHO4_FONT_DIR");
    const std::string dir = env != nullptr && *env != '\0' ? env : std::string(kDefaultFontDir);
    FT_Library library = nullptr;
    if (FT_Init_FreeType(&library) != 0) {
      load_status = internal_error("FreeType did not initialise");
      return;
    }
    auto load = [&](const char* file) -> cairo_font_face_t* {
      const std::string path = dir + "/" + file;
      FT_Face face = nullptr;
      if (FT_New_Face(library, path.c_str(), 0, &face) != 0) {
        load_status = not_found(
            "font " + path + " cannot be loaded (install fonts-dejavu-core or set CHO4_FONT_DIR)");
        return nullptr;
      }
      return cairo_ft_font_face_create_for_ft_face(face, 0);
    };
    loaded.regular = load("DejaVuSans.ttf");
    if (loaded.regular != nullptr) loaded.bold = load("DejaVuSans-Bold.ttf");
    if (loaded.bold == nullptr) return;
    // Baselines are placed from the top of a line: the font's own ascent, per em.
    cairo_surface_t* surface = cairo_image_surface_create(CAIRO_FORMAT_A8, 1, 1);
    cairo_t* cr = cairo_create(surface);
    cairo_set_font_face(cr, loaded.bold);
    cairo_set_font_size(cr, 100);
    cairo_font_extents_t extents;
    cairo_font_extents(cr, &extents);
    if (extents.ascent > 0) loaded.ascent_em = extents.ascent / 100;
    cairo_destroy(cr);
    cairo_surface_destroy(surface);
  });
  if (!load_status.ok()) return load_status;
  return &loaded;
}

void set_font(cairo_t* cr, const Fonts& f, bool bold, double size) {
  cairo_set_font_face(cr, bold ? f.bold : f.regular);
  cairo_set_font_size(cr, size);
  // Unhinted metrics: widths scale linearly, so what lay_out_sign measured is what every surface
  // (pixels, PDF points, millimetres) draws.
  cairo_font_options_t* opt = cairo_font_options_create();
  cairo_font_options_set_hint_metrics(opt, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_hint_style(opt, CAIRO_HINT_STYLE_NONE);
  cairo_set_font_options(cr, opt);
  cairo_font_options_destroy(opt);
}

// Measuring happens at this size and is scaled: small sizes in mm would otherwise meet rounding.
constexpr double kMeasureSize = 100.0;

struct Measurer {
  cairo_surface_t* surface = cairo_image_surface_create(CAIRO_FORMAT_A8, 1, 1);
  cairo_t* cr = cairo_create(surface);
  ~Measurer() {
    cairo_destroy(cr);
    cairo_surface_destroy(surface);
  }
  Measurer() = default;
  Measurer(const Measurer&) = delete;
  Measurer& operator=(const Measurer&) = delete;

  double width(const Fonts& f, const std::string& text, bool bold, double size) {
    set_font(cr, f, bold, kMeasureSize);
    cairo_text_extents_t ext;
    cairo_text_extents(cr, text.c_str(), &ext);
    return ext.x_advance * size / kMeasureSize;
  }
};

// ---- text of a card ----

std::string slot_text(const SignInput& in, Slot slot) {
  const Stall& s = in.stall;
  switch (slot) {
    case Slot::market:
      return s.market;
    case Slot::stall:
      return "Sạp " + s.stall_number + " · " + s.stall_name;
    case Slot::price: {
      if (!s.amount) return {};
      const std::string amount = format_amount(*s.amount, CurrencyMark::dong_sign);
      return s.item.empty() ? amount : s.item + ": " + amount;
    }
    case Slot::scan_hint:
      return std::string(kScanHint);
    case Slot::holder:
      return s.account_holder;
    case Slot::bank_account:
      return s.bank_name + " · " + (s.to_card ? "Số thẻ " : "STK ") + s.account;
  }
  return {};
}

std::string_view slot_field(const Stall& s, Slot slot) {
  switch (slot) {
    case Slot::market:
      return field::market;
    case Slot::stall:
      return field::stall_name;
    case Slot::price:
      return s.item.empty() ? field::amount : field::item;
    case Slot::scan_hint:
      return "layout";
    case Slot::holder:
      return field::account_holder;
    case Slot::bank_account:
      return field::account;
  }
  return {};
}

constexpr std::string_view kCheckLabel = "Mã kiểm tra ";

// ---- drawing ----

void rounded_rect(cairo_t* cr, double x, double y, double w, double h, double r) {
  cairo_new_sub_path(cr);
  cairo_arc(cr, x + w - r, y + r, r, -M_PI / 2, 0);
  cairo_arc(cr, x + w - r, y + h - r, r, 0, M_PI / 2);
  cairo_arc(cr, x + r, y + h - r, r, M_PI / 2, M_PI);
  cairo_arc(cr, x + r, y + r, r, M_PI, 3 * M_PI / 2);
  cairo_close_path(cr);
}

// Draws a card at the context's origin, in card units.
enum class QrStyle : std::uint8_t { path, image };

void paint_card(cairo_t* cr, const Fonts& f, const SignLayout& sign, QrStyle qr_style) {
  const CardDesign& d = sign.design;
  cairo_save(cr);
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_rectangle(cr, 0, 0, d.width, d.height);
  cairo_fill(cr);
  cairo_set_source_rgb(cr, 0, 0, 0);
  if (d.frame_inset > 0) {
    const double half = d.frame_line / 2;
    rounded_rect(cr, d.frame_inset + half, d.frame_inset + half,
                 d.width - 2 * (d.frame_inset + half), d.height - 2 * (d.frame_inset + half),
                 d.frame_inset * 1.5);
    cairo_set_line_width(cr, d.frame_line);
    cairo_stroke(cr);
  }
  for (const TextLine& line : sign.lines) {
    set_font(cr, f, line.bold, line.size);
    cairo_move_to(cr, line.x, line.baseline);
    cairo_show_text(cr, line.text.c_str());
  }
  const QrBox& q = sign.qr;
  const qr::QrMatrix& m = sign.matrix;
  const double x0 = q.x + kQuietZoneModules * q.module, y0 = q.y + kQuietZoneModules * q.module;
  if (qr_style == QrStyle::image) {
    // PDF: the matrix as a one-pixel-per-module image scaled with nearest-neighbour sampling
    // (/Interpolate false). Its edges are as exact as a path's, and a card's page content is a
    // few hundred bytes instead of thousands of rectangle coordinates to format and compress,
    // which is most of a large batch's time.
    cairo_surface_t* image = cairo_image_surface_create(CAIRO_FORMAT_RGB24, m.size, m.size);
    cairo_surface_flush(image);
    unsigned char* data = cairo_image_surface_get_data(image);
    const int stride = cairo_image_surface_get_stride(image);
    for (int y = 0; y < m.size; ++y) {
      auto* row = reinterpret_cast<std::uint32_t*>(data + static_cast<std::ptrdiff_t>(y) * stride);
      for (int x = 0; x < m.size; ++x) row[x] = m.at(x, y) ? 0x000000u : 0xFFFFFFu;
    }
    cairo_surface_mark_dirty(image);
    cairo_translate(cr, x0, y0);
    cairo_scale(cr, q.module, q.module);
    cairo_set_source_surface(cr, image, 0, 0);
    cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_NEAREST);
    cairo_rectangle(cr, 0, 0, m.size, m.size);
    cairo_fill(cr);
    cairo_surface_destroy(image);
    cairo_restore(cr);
    return;
  }
  // Images: each row's runs of dark modules as rectangles, one fill. Pixel layouts have whole
  // pixels per module and no antialiasing, so edges are sharp.
  if (d.integer_modules) cairo_set_antialias(cr, CAIRO_ANTIALIAS_NONE);
  for (int y = 0; y < m.size; ++y) {
    int x = 0;
    while (x < m.size) {
      if (!m.at(x, y)) {
        ++x;
        continue;
      }
      const int start = x;
      while (x < m.size && m.at(x, y)) ++x;
      cairo_rectangle(cr, x0 + start * q.module, y0 + y * q.module, (x - start) * q.module,
                      q.module);
    }
  }
  cairo_fill(cr);
  cairo_restore(cr);
}

Status cairo_error(cairo_status_t st, const std::string& what) {
  return io_error(what + ": " + cairo_status_to_string(st));
}

}  // namespace

Result<SignLayout, RowError> lay_out_sign(const SignInput& input, Layout layout) {
  auto f = fonts();
  if (!f.ok()) return Err(RowError{0, "", f.error().message()});
  const Fonts& fonts = **f;
  SignLayout out;
  out.layout = layout;
  out.design = card_design(layout);
  out.payload = input.payload;
  const CardDesign& d = out.design;
  const double inner_w = d.width - 2 * d.margin;
  Measurer measure;

  // Each line at its nominal size, shrunk in 2% steps down to its minimum to fit the width.
  auto fit = [&](const SlotStyle& style) -> Result<TextLine, RowError> {
    TextLine line;
    line.text = slot_text(input, style.slot);
    line.field = std::string(slot_field(input.stall, style.slot));
    line.bold = style.bold;
    double size = style.size;
    double width = measure.width(fonts, line.text, style.bold, size);
    while (width > inner_w && size > style.min_size) {
      size = std::max(style.min_size, size * 0.98);
      width = measure.width(fonts, line.text, style.bold, size);
    }
    if (width > inner_w)
      return Err(RowError{0, line.field,
                          "too long for the " + std::string(to_string(layout)) + " layout (" +
                              std::to_string(static_cast<int>(std::lround(100 * width / inner_w))) +
                              "% of the width at the smallest type)"});
    line.size = size;
    line.width = width;
    line.x = (d.width - width) / 2;
    return line;
  };
  auto line_height = [&](const TextLine& l) { return l.size * kLineHeightEm; };

  double y = d.margin;
  for (const SlotStyle& style : d.above_qr) {
    if (slot_text(input, style.slot).empty()) continue;
    CHO4_ASSIGN_OR_RETURN(TextLine line, fit(style));
    line.baseline = y + line.size * fonts.ascent_em;
    y += line_height(line) + d.line_gap;
    out.lines.push_back(std::move(line));
  }
  const double qr_top = y + d.qr_gap;

  std::vector<TextLine> below;
  double below_h = 0;
  for (const SlotStyle& style : d.below_qr) {
    if (slot_text(input, style.slot).empty()) continue;
    CHO4_ASSIGN_OR_RETURN(TextLine line, fit(style));
    below_h += line_height(line) + d.line_gap;
    below.push_back(std::move(line));
  }
  // The check code has a band of its own between the frame and the lowest line.
  const bool check_printed = d.check_code_size > 0 && !input.check_code.empty();
  const double frame_inner = d.frame_inset + d.frame_line;
  const double bottom =
      check_printed ? std::max(d.margin, frame_inner + 1.45 * d.check_code_size) : d.margin;
  double yb = d.height - bottom - below_h + d.line_gap;
  const double qr_bottom = yb - d.line_gap - d.qr_gap;
  for (TextLine& line : below) {
    line.baseline = yb + line.size * fonts.ascent_em;
    yb += line_height(line) + d.line_gap;
    out.lines.push_back(std::move(line));
  }

  // The check code: small, in the frame's bottom band at the right, away from the QR.
  if (check_printed) {
    TextLine line;
    line.text = std::string(kCheckLabel) + input.check_code;
    line.field = "check_code";
    line.size = d.check_code_size;
    line.width = measure.width(fonts, line.text, false, line.size);
    line.x = d.width - d.margin - line.width;
    line.baseline = d.height - frame_inner - 0.45 * d.check_code_size;
    out.lines.push_back(std::move(line));
  }

  auto matrix = qr::make_matrix(input.payload, qr::EcLevel::Q);
  if (!matrix.ok()) return Err(RowError{0, std::string(field::account), matrix.error().message()});
  out.matrix = std::move(matrix).value();
  const Rect area{d.margin, qr_top, inner_w, qr_bottom - qr_top};
  auto box = place_qr(area, out.matrix.size, d.qr_max, d.integer_modules, d.module_min);
  if (!box.ok()) {
    // The payload's length decides the code's size: blame what made it long.
    const std::string_view blamed = input.stall.code.empty() ? field::account : field::code;
    return Err(RowError{0, std::string(blamed),
                        "the payload (" + std::to_string(input.payload.size()) +
                            " characters, QR version " + std::to_string(out.matrix.version) +
                            ") is too long for the " + std::string(to_string(layout)) +
                            " layout: " + box.error().message()});
  }
  out.qr = *box;
  return out;
}

Status write_sign_png(const SignLayout& sign, const std::string& path) {
  auto f = fonts();
  if (!f.ok()) return f.error();
  const int w = static_cast<int>(sign.design.width), h = static_cast<int>(sign.design.height);
  cairo_surface_t* surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
  cairo_t* cr = cairo_create(surface);
  paint_card(cr, **f, sign, QrStyle::path);
  cairo_destroy(cr);
  cairo_surface_flush(surface);
  const cairo_status_t st = cairo_surface_write_to_png(surface, path.c_str());
  cairo_surface_destroy(surface);
  if (st != CAIRO_STATUS_SUCCESS) return cairo_error(st, "writing " + path);
  return Status();
}

Status write_sign_svg(const SignLayout& sign, const std::string& path) {
  auto f = fonts();
  if (!f.ok()) return f.error();
  cairo_surface_t* surface =
      cairo_svg_surface_create(path.c_str(), sign.design.width, sign.design.height);
  cairo_svg_surface_set_document_unit(surface, CAIRO_SVG_UNIT_PX);
  cairo_t* cr = cairo_create(surface);
  paint_card(cr, **f, sign, QrStyle::path);
  cairo_destroy(cr);
  cairo_surface_finish(surface);
  const cairo_status_t st = cairo_surface_status(surface);
  cairo_surface_destroy(surface);
  if (st != CAIRO_STATUS_SUCCESS) {
    std::remove(path.c_str());
    return cairo_error(st, "writing " + path);
  }
  return Status();
}

// ---- PDF ----

struct SignPdf::Impl {
  Layout layout;
  PageGeometry page;
  std::string path, partial_path;
  cairo_surface_t* surface = nullptr;
  cairo_t* cr = nullptr;
  const Fonts* fonts = nullptr;
  std::size_t slot = 0;  // next free card place on the current page
  std::size_t page_index = 0;
  bool page_open = false;
  bool finished = false;

  ~Impl() {
    if (cr != nullptr) cairo_destroy(cr);
    if (surface != nullptr) {
      cairo_surface_finish(surface);
      cairo_surface_destroy(surface);
    }
    if (!finished && !partial_path.empty()) std::remove(partial_path.c_str());
  }

  void draw_crop_marks() {
    if (page.crop_marks_mm.empty()) return;
    cairo_save(cr);
    cairo_scale(cr, kPointsPerMm, kPointsPerMm);
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_set_line_width(cr, page.crop_mark_line_mm);
    for (const Segment& s : page.crop_marks_mm) {
      cairo_move_to(cr, s.x0, s.y0);
      cairo_line_to(cr, s.x1, s.y1);
    }
    cairo_stroke(cr);
    cairo_restore(cr);
  }
};

SignPdf::SignPdf(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SignPdf::~SignPdf() = default;

Result<std::unique_ptr<SignPdf>> SignPdf::create(const std::string& path, Layout layout,
                                                 std::string_view title) {
  if (!is_paper(layout))
    return invalid_argument("layout " + std::string(to_string(layout)) +
                            " is an image layout; PDF needs a6, a5 or a6x4");
  CHO4_ASSIGN_OR_RETURN(const Fonts* f, fonts());
  auto impl = std::make_unique<Impl>();
  impl->layout = layout;
  impl->page = page_geometry(layout);
  impl->path = path;
  impl->partial_path = path + ".partial";
  impl->fonts = f;
  impl->surface =
      cairo_pdf_surface_create(impl->partial_path.c_str(), impl->page.width_mm * kPointsPerMm,
                               impl->page.height_mm * kPointsPerMm);
  if (const auto st = cairo_surface_status(impl->surface); st != CAIRO_STATUS_SUCCESS)
    return cairo_error(st, "creating " + impl->partial_path);
  const std::string t(title);
  cairo_pdf_surface_set_metadata(impl->surface, CAIRO_PDF_METADATA_TITLE, t.c_str());
  cairo_pdf_surface_set_metadata(impl->surface, CAIRO_PDF_METADATA_CREATOR, "cho4 signage");
  impl->cr = cairo_create(impl->surface);
  return std::unique_ptr<SignPdf>(new SignPdf(std::move(impl)));
}

std::size_t SignPdf::pages() const {
  return impl_->page_index + (impl_->page_open ? 1 : 0);
}

Result<CardPlacement> SignPdf::add(const SignLayout& sign) {
  Impl& p = *impl_;
  if (p.finished) return failed_precondition("the PDF is already finished");
  if (sign.layout != p.layout)
    return invalid_argument("a " + std::string(to_string(sign.layout)) + " card in a " +
                            std::string(to_string(p.layout)) + " PDF");
  if (!p.page_open) {
    p.draw_crop_marks();
    p.page_open = true;
  }
  const Rect& card = p.page.cards_mm[p.slot];
  cairo_save(p.cr);
  cairo_scale(p.cr, kPointsPerMm, kPointsPerMm);
  cairo_translate(p.cr, card.x, card.y);
  cairo_scale(p.cr, p.page.card_scale, p.page.card_scale);
  paint_card(p.cr, *p.fonts, sign, QrStyle::image);
  cairo_restore(p.cr);

  CardPlacement placed;
  placed.page = p.page_index;
  placed.card_mm = card;
  const double s = p.page.card_scale;
  placed.qr_mm = {card.x + sign.qr.x * s, card.y + sign.qr.y * s, sign.qr.side * s,
                  sign.qr.side * s};
  placed.module_mm = sign.qr.module * s;
  placed.modules = sign.qr.modules;
  CHO4_ASSERT(placed.module_mm + 1e-9 >= kPaperModuleMinMm,
              "lay_out_sign enforces the module minimum");

  ++cards_;
  if (++p.slot == p.page.cards_mm.size()) {
    // The page is complete: cairo writes it out now, so memory stays flat however many follow.
    cairo_show_page(p.cr);
    p.slot = 0;
    p.page_open = false;
    ++p.page_index;
  }
  if (const auto st = cairo_status(p.cr); st != CAIRO_STATUS_SUCCESS)
    return cairo_error(st, "drawing " + p.partial_path);
  return placed;
}

Status SignPdf::finish() {
  Impl& p = *impl_;
  if (p.finished) return failed_precondition("the PDF is already finished");
  if (p.page_open) {
    cairo_show_page(p.cr);
    p.page_open = false;
    ++p.page_index;
  }
  cairo_destroy(p.cr);
  p.cr = nullptr;
  cairo_surface_finish(p.surface);
  const cairo_status_t st = cairo_surface_status(p.surface);
  cairo_surface_destroy(p.surface);
  p.surface = nullptr;
  if (st != CAIRO_STATUS_SUCCESS) return cairo_error(st, "writing " + p.partial_path);
  std::error_code ec;
  std::filesystem::rename(p.partial_path, p.path, ec);
  if (ec) return io_error("renaming " + p.partial_path + " to " + p.path + ": " + ec.message());
  p.finished = true;
  return Status();
}

}  // namespace cho4::signage
