#include "qr/render.h"

#include <qrencode.h>
#include <zlib.h>

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

namespace {

void put_u32(std::string& out, std::uint32_t v) {
  const char b[4] = {static_cast<char>(v >> 24), static_cast<char>(v >> 16),
                     static_cast<char>(v >> 8), static_cast<char>(v)};
  out.append(b, 4);
}

// A PNG chunk: length, type, data, CRC-32 of type and data.
void put_chunk(std::string& out, const char* type, std::string_view data) {
  put_u32(out, static_cast<std::uint32_t>(data.size()));
  const std::size_t start = out.size();
  out.append(type, 4);
  out.append(data);
  put_u32(out, static_cast<std::uint32_t>(crc32(
                   0, reinterpret_cast<const Bytef*>(out.data() + start), out.size() - start)));
}

// One deflate state per thread, reset for each image: deflateInit allocates and clears a few
// hundred KiB, which cost more than compressing a whole QR image (libpng initialises one per
// image). Default compression level, as PNG writers use.
class ThreadDeflater {
 public:
  ThreadDeflater() { ok_ = deflateInit(&zs_, Z_DEFAULT_COMPRESSION) == Z_OK; }
  ~ThreadDeflater() {
    if (ok_) deflateEnd(&zs_);
  }
  ThreadDeflater(const ThreadDeflater&) = delete;
  ThreadDeflater& operator=(const ThreadDeflater&) = delete;

  // Appends the zlib stream of `raw` to `out`.
  Status compress(std::string_view raw, std::string& out) {
    if (!ok_ || deflateReset(&zs_) != Z_OK) return internal_error("zlib: cannot start deflate");
    const std::size_t start = out.size();
    out.resize(start + deflateBound(&zs_, raw.size()));
    zs_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(raw.data()));
    zs_.avail_in = static_cast<uInt>(raw.size());
    zs_.next_out = reinterpret_cast<Bytef*>(out.data() + start);
    zs_.avail_out = static_cast<uInt>(out.size() - start);
    if (deflate(&zs_, Z_FINISH) != Z_STREAM_END) return internal_error("zlib: deflate failed");
    out.resize(start + zs_.total_out);
    return Status();
  }

 private:
  z_stream zs_{};
  bool ok_ = false;
};

}  // namespace

Result<std::string> matrix_to_png(const QrMatrix& m, const RenderOptions& o) {
  CHO4_RETURN_IF_ERROR(check_options(o));
  const int side_px = (m.size + 2 * o.quiet_zone_modules) * o.module_px;
  // Scanlines of 1-bit pixels (1 = white), each led by its filter byte. Pixel rows repeat
  // module_px times (and the quiet zone's rows are all alike): the first row of each run is
  // written unfiltered, every repeat is filtered as Up (the difference from the row above), which
  // makes it all zeros and deflates fastest.
  const std::size_t row_bytes = (static_cast<std::size_t>(side_px) + 7) / 8;
  const std::size_t line_bytes = row_bytes + 1;
  std::string raw(line_bytes * side_px, '\0');
  const auto line = [&](int y) { return &raw[static_cast<std::size_t>(y) * line_bytes]; };
  const auto start_run = [&](int y_first, int rows) {
    std::memset(line(y_first) + 1, 0xFF, row_bytes);          // filter None, all white
    for (int r = 1; r < rows; ++r) line(y_first + r)[0] = 2;  // Up: zeros
  };
  const int quiet_px = o.quiet_zone_modules * o.module_px;
  start_run(0, quiet_px);
  for (int y = 0; y < m.size; ++y) {
    const int y0 = quiet_px + y * o.module_px;
    start_run(y0, o.module_px);
    char* row = line(y0) + 1;
    for (int x = 0; x < m.size; ++x) {
      if (!m.at(x, y)) continue;
      const int px0 = (x + o.quiet_zone_modules) * o.module_px;
      for (int px = px0; px < px0 + o.module_px; ++px)
        row[px >> 3] = static_cast<char>(row[px >> 3] & ~(0x80 >> (px & 7)));
    }
  }
  start_run(quiet_px + m.size * o.module_px, quiet_px);

  std::string out;
  out.reserve(256 + raw.size() / 8);
  out.append("\x89PNG\r\n\x1a\n", 8);
  std::string ihdr;
  put_u32(ihdr, static_cast<std::uint32_t>(side_px));
  put_u32(ihdr, static_cast<std::uint32_t>(side_px));
  ihdr.append("\x01\x00\x00\x00\x00",
              5);  // bit depth 1, grayscale, deflate, filtering, no interlace
  put_chunk(out, "IHDR", ihdr);
  thread_local ThreadDeflater deflater;
  std::string idat;
  idat.reserve(raw.size() / 4 + 64);
  CHO4_RETURN_IF_ERROR(deflater.compress(raw, idat));
  put_chunk(out, "IDAT", idat);
  put_chunk(out, "IEND", "");
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
