// Reads QR codes from images with ZXing-C++: PNG or JPEG bytes or files, or a grayscale buffer.
// Returns the text of every QR code found (UTF-8), in ZXing's order; not_found when there is none.
// Thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace cho4::qr {

Result<std::vector<std::string>> scan_image_bytes(std::string_view png_or_jpeg_bytes);
Result<std::vector<std::string>> scan_image_file(const std::string& path);
Result<std::vector<std::string>> scan_gray(const std::uint8_t* pixels, int width, int height);

// Image decoding used by scanning (and by tests that transform images): 8-bit grayscale.
struct GrayImage {
  int width = 0;
  int height = 0;
  std::vector<std::uint8_t> pixels;  // row-major, width * height
};
Result<GrayImage> decode_image(std::string_view png_or_jpeg_bytes);
Result<std::string> encode_jpeg(const GrayImage& image, int quality);
Result<std::string> encode_png_gray(const GrayImage& image);

}  // namespace cho4::qr
