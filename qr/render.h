// QR images from a payload string: the module matrix (libqrencode), PNG (libpng, 1-bit grayscale),
// SVG and terminal (UTF-8 half blocks). Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace cho4::qr {

enum class EcLevel : std::uint8_t { L, M, Q, H };
Result<EcLevel> parse_ec_level(std::string_view text);  // "L", "m", …

// The modules of a QR symbol, row by row; dark[y * size + x] != 0 for a dark module. No quiet zone.
struct QrMatrix {
  int size = 0;     // modules per side (21 for version 1 … 177 for version 40)
  int version = 0;  // 1 … 40
  std::vector<std::uint8_t> dark;
  bool at(int x, int y) const { return dark[static_cast<std::size_t>(y) * size + x] != 0; }
};

// Encodes text (any bytes; libqrencode picks numeric/alphanumeric/8-bit segments) at the smallest
// version that fits. Fails with invalid_argument when it cannot fit in version 40.
Result<QrMatrix> make_matrix(std::string_view text, EcLevel ec);

inline constexpr int kQuietZoneMinModules = 4;  // ISO/IEC 18004 requires at least 4
inline constexpr int kModulePxMax = 64;

struct RenderOptions {
  EcLevel ec = EcLevel::M;
  int module_px = 4;             // PNG pixels (SVG user units) per module, 1 … kModulePxMax
  int quiet_zone_modules = 4;    // ≥ kQuietZoneMinModules
  bool invert_terminal = false;  // terminal only: dark modules as blocks (for light backgrounds)
};

Result<std::string> render_png(std::string_view text, const RenderOptions& options);
Result<std::string> render_svg(std::string_view text, const RenderOptions& options);
Result<std::string> render_terminal(std::string_view text, const RenderOptions& options);
// The same, from a matrix already made.
Result<std::string> matrix_to_png(const QrMatrix& m, const RenderOptions& options);
std::string matrix_to_svg(const QrMatrix& m, const RenderOptions& options);
std::string matrix_to_terminal(const QrMatrix& m, const RenderOptions& options);

// Writes bytes to a file (replacing it). io_error with the path and errno text on failure.
Status write_file(const std::string& path, std::string_view bytes);
Result<std::string> read_file(const std::string& path);

}  // namespace cho4::qr
