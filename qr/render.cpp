#include "qr/render.h"

#include <png.h>
#include <qrencode.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

namespace cho4::qr {
namespace {

QRecLevel to_qrencode(EcLevel ec) {
  switch (ec) {
    case EcLevel::L:
      return QR_ECLEVEL_L;
    case EcLevel::M:
      return QR_ECLEVEL_M;
    case EcLevel::Q:
      return QR_ECLEVEL_Q;
    case EcLevel::H:
      return QR_ECLEVEL_H;
  }
  return QR_ECLEVEL_M;
}

Status check_options(const RenderOptions& o) {
  if (o.module_px < 1 || o.module_px > kModulePxMax)
    return invalid_argument("module size must be 1 to " + std::to_string(kModulePxMax) + " pixels");
  if (o.quiet_zone_modules < kQuietZoneMinModules || o.quiet_zone_modules > 64)
    return invalid_argument("quiet zone must be 4 to 64 modules");
  return Status();
}

struct QrCodeDeleter {
  void operator()(QRcode* c) const { QRcode_free(c); }
};

// libpng writes through this callback into a std::string.
void png_append(png_structp png, png_bytep data, png_size_t length) {
  auto* out = static_cast<std::string*>(png_get_io_ptr(png));
  out->append(reinterpret_cast<const char*>(data), length);
}
void png_flush_noop(png_structp) {}

}  // namespace

Result<EcLevel> parse_ec_level(std::string_view text) {
  if (text.size() == 1) {
    switch (text[0]) {
      case 'L':
      case 'l':
        return EcLevel::L;
      case 'M':
      case 'm':
        return EcLevel::M;
      case 'Q':
      case 'q':
        return EcLevel::Q;
      case 'H':
      case 'h':
        return EcLevel::H;
      default:
        break;
    }
  }
  return invalid_argument("error-correction level must be L, M, Q or H");
}

Result<QrMatrix> make_matrix(std::string_view text, EcLevel ec) {
  if (text.empty()) return invalid_argument("nothing to encode");
  errno = 0;
  std::unique_ptr<QRcode, QrCodeDeleter> code;
  if (text.find('\0') != std::string_view::npos) {
    // encodeString stops at a NUL: binary data goes through encodeData (8-bit mode throughout).
    code.reset(QRcode_encodeData(static_cast<int>(text.size()),
                                 reinterpret_cast<const unsigned char*>(text.data()), 0,
                                 to_qrencode(ec)));
  } else {
    // encodeString picks numeric / alphanumeric / 8-bit segments: smaller symbols for payloads.
    const std::string copy(text);
    code.reset(QRcode_encodeString(copy.c_str(), 0, to_qrencode(ec), QR_MODE_8, 1));
  }
  if (!code) {
    return errno == ERANGE
               ? invalid_argument("the text does not fit in a QR code")
               : internal_error(std::string("libqrencode failed: ") + std::strerror(errno));
  }
  QrMatrix m;
  m.size = code->width;
  m.version = code->version;
  m.dark.resize(static_cast<std::size_t>(m.size) * m.size);
  for (std::size_t i = 0; i < m.dark.size(); ++i) m.dark[i] = code->data[i] & 1;
  return m;
}

Result<std::string> matrix_to_png(const QrMatrix& m, const RenderOptions& o) {
  CHO4_RETURN_IF_ERROR(check_options(o));
  const int side_px = (m.size + 2 * o.quiet_zone_modules) * o.module_px;
  std::string out;
  out.reserve(static_cast<std::size_t>(side_px) * side_px / 64 + 256);
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
  if (!png) return internal_error("libpng: cannot create a writer");
  png_infop info = png_create_info_struct(png);
  if (!info) {
    png_destroy_write_struct(&png, nullptr);
    return internal_error("libpng: cannot create info");
  }
  // Rows of 1-bit pixels (1 = white), built before setjmp so no C++ object crosses a longjmp.
  const std::size_t row_bytes = (static_cast<std::size_t>(side_px) + 7) / 8;
  std::vector<png_byte> rows(row_bytes * side_px, 0xFF);
  for (int y = 0; y < m.size; ++y) {
    png_byte* row0 =
        &rows[static_cast<std::size_t>((y + o.quiet_zone_modules) * o.module_px) * row_bytes];
    for (int x = 0; x < m.size; ++x) {
      if (!m.at(x, y)) continue;
      const int px0 = (x + o.quiet_zone_modules) * o.module_px;
      for (int px = px0; px < px0 + o.module_px; ++px)
        row0[px >> 3] &= static_cast<png_byte>(~(0x80 >> (px & 7)));
    }
    for (int r = 1; r < o.module_px; ++r) std::memcpy(row0 + r * row_bytes, row0, row_bytes);
  }
  std::vector<png_bytep> row_ptrs(side_px);
  for (int y = 0; y < side_px; ++y) row_ptrs[y] = &rows[static_cast<std::size_t>(y) * row_bytes];

  if (setjmp(png_jmpbuf(png))) {
    png_destroy_write_struct(&png, &info);
    return internal_error("libpng failed while writing");
  }
  png_set_write_fn(png, &out, png_append, png_flush_noop);
  png_set_IHDR(png, info, side_px, side_px, 1, PNG_COLOR_TYPE_GRAY, PNG_INTERLACE_NONE,
               PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  // Rows repeat module_px times: filtering every row as Up turns the repeats into zero runs,
  // which deflate fastest (adaptive filtering would only cost time on two-colour images).
  png_set_filter(png, PNG_FILTER_TYPE_BASE, PNG_FILTER_UP);
  png_write_info(png, info);
  png_write_image(png, row_ptrs.data());
  png_write_end(png, nullptr);
  png_destroy_write_struct(&png, &info);
  return out;
}

std::string matrix_to_svg(const QrMatrix& m, const RenderOptions& o) {
  const int side = m.size + 2 * o.quiet_zone_modules;
  const int px = side * o.module_px;
  std::string out;
  out.reserve(256 + static_cast<std::size_t>(m.size) * m.size * 4);
  out += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" ";
  out +=
      "width=\"" + std::to_string(px) + "\" height=\"" + std::to_string(px) + "\" viewBox=\"0 0 ";
  out += std::to_string(side) + " " + std::to_string(side) + "\" shape-rendering=\"crispEdges\">";
  out += "<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/><path fill=\"#000\" d=\"";
  // One horizontal run of dark modules per subpath: "M x y h n v1 h-n z".
  for (int y = 0; y < m.size; ++y) {
    for (int x = 0; x < m.size;) {
      if (!m.at(x, y)) {
        ++x;
        continue;
      }
      int run = 1;
      while (x + run < m.size && m.at(x + run, y)) ++run;
      out += 'M';
      out += std::to_string(x + o.quiet_zone_modules);
      out += ' ';
      out += std::to_string(y + o.quiet_zone_modules);
      out += 'h';
      out += std::to_string(run);
      out += "v1h-";
      out += std::to_string(run);
      out += 'z';
      x += run;
    }
  }
  out += "\"/></svg>\n";
  return out;
}

std::string matrix_to_terminal(const QrMatrix& m, const RenderOptions& o) {
  // Two module rows per text line with half blocks. On a dark terminal the light modules are
  // drawn (as blocks) so that the code reads dark-on-light; invert_terminal flips that.
  const int q = o.quiet_zone_modules;
  const int side = m.size + 2 * q;
  const auto light = [&](int x, int y) {
    const int mx = x - q, my = y - q;
    const bool dark = mx >= 0 && my >= 0 && mx < m.size && my < m.size && m.at(mx, my);
    return o.invert_terminal ? dark : !dark;
  };
  std::string out;
  for (int y = 0; y < side; y += 2) {
    for (int x = 0; x < side; ++x) {
      const bool top = light(x, y);
      const bool bottom = y + 1 < side && light(x, y + 1);
      out += top && bottom ? "\u2588" : top ? "\u2580" : bottom ? "\u2584" : " ";
    }
    out += '\n';
  }
  return out;
}

Result<std::string> render_png(std::string_view text, const RenderOptions& o) {
  CHO4_RETURN_IF_ERROR(check_options(o));
  CHO4_ASSIGN_OR_RETURN(QrMatrix m, make_matrix(text, o.ec));
  return matrix_to_png(m, o);
}

Result<std::string> render_svg(std::string_view text, const RenderOptions& o) {
  CHO4_RETURN_IF_ERROR(check_options(o));
  CHO4_ASSIGN_OR_RETURN(QrMatrix m, make_matrix(text, o.ec));
  return matrix_to_svg(m, o);
}

Result<std::string> render_terminal(std::string_view text, const RenderOptions& o) {
  CHO4_RETURN_IF_ERROR(check_options(o));
  CHO4_ASSIGN_OR_RETURN(QrMatrix m, make_matrix(text, o.ec));
  return matrix_to_terminal(m, o);
}

Status write_file(const std::string& path, std::string_view bytes) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return io_error("cannot write " + path + ": " + std::strerror(errno));
  const bool ok = std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size();
  const bool closed = std::fclose(f) == 0;
  if (!ok || !closed) return io_error("cannot write " + path + ": " + std::strerror(errno));
  return Status();
}

Result<std::string> read_file(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return io_error("cannot read " + path + ": " + std::strerror(errno));
  std::string out;
  char buf[65536];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
  const bool failed = std::ferror(f) != 0;
  std::fclose(f);
  if (failed) return io_error("cannot read " + path);
  return out;
}

}  // namespace cho4::qr
