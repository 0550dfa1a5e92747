#include "simulators/order_scan.h"

#include <png.h>

#include <cstring>
#include <vector>

// Ask ZXing for UTF-8 text (its std::string API).
#define ZX_USE_UTF8 1
#include <ZXing/DecodeHints.h>
#include <ZXing/ImageView.h>
#include <ZXing/ReadBarcode.h>

namespace cho4::sim {
namespace {
// Order codes are small; a bigger image is not what the server serves.
constexpr png_uint_32 kImageSideMax = 8192;
}  // namespace

Result<std::string> decode_order_png(std::string_view png_bytes) {
  png_image image;
  std::memset(&image, 0, sizeof image);
  image.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_memory(&image, png_bytes.data(), png_bytes.size()))
    return invalid_argument("not a PNG image");
  if (image.width == 0 || image.height == 0 || image.width > kImageSideMax ||
      image.height > kImageSideMax) {
    png_image_free(&image);
    return invalid_argument("PNG dimensions out of range");
  }
  image.format = PNG_FORMAT_GRAY;
  std::vector<std::uint8_t> pixels(PNG_IMAGE_SIZE(image));
  if (!png_image_finish_read(&image, nullptr, pixels.data(), 0, nullptr)) {
    png_image_free(&image);
    return invalid_argument("corrupt PNG image");
  }
  ZXing::ImageView view(pixels.data(), int(image.width), int(image.height),
                        ZXing::ImageFormat::Lum);
  ZXing::DecodeHints hints;
  hints.setFormats(ZXing::BarcodeFormat::QRCode);
  const auto result = ZXing::ReadBarcode(view, hints);
  if (!result.isValid()) return invalid_argument("no QR code found in the image");
  return result.text();
}

}  // namespace cho4::sim
