#include "qr/scan.h"

#include <ZXing/ReadBarcode.h>
#include <jpeglib.h>
#include <png.h>

#include <csetjmp>
#include <cstdio>
#include <cstring>

#include "qr/render.h"

namespace cho4::qr {
namespace {

bool is_png(std::string_view b) {
  return b.size() >= 8 && png_sig_cmp(reinterpret_cast<png_const_bytep>(b.data()), 0, 8) == 0;
}
bool is_jpeg(std::string_view b) {
  return b.size() >= 3 && static_cast<unsigned char>(b[0]) == 0xFF &&
         static_cast<unsigned char>(b[1]) == 0xD8 && static_cast<unsigned char>(b[2]) == 0xFF;
}

// Bounds on decoded images, so a hostile upload cannot make us allocate gigabytes.
constexpr int kImageSideMax = 8192;
constexpr std::size_t kImagePixelsMax = 40'000'000;

Result<GrayImage> decode_png(std::string_view bytes) {
  png_image image;
  std::memset(&image, 0, sizeof image);
  image.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_memory(&image, bytes.data(), bytes.size()))
    return invalid_argument(std::string("not a readable PNG: ") + image.message);
  if (image.width == 0 || image.height == 0 || image.width > kImageSideMax ||
      image.height > kImageSideMax ||
      static_cast<std::size_t>(image.width) * image.height > kImagePixelsMax) {
    png_image_free(&image);
    return invalid_argument("image dimensions are out of range");
  }
  image.format = PNG_FORMAT_GRAY;
  GrayImage out;
  out.width = static_cast<int>(image.width);
  out.height = static_cast<int>(image.height);
  out.pixels.resize(PNG_IMAGE_SIZE(image));
  // Transparent pixels composite onto white (a QR on a transparent background stays readable).
  png_color white{255, 255, 255};
  if (!png_image_finish_read(&image, &white, out.pixels.data(), 0, nullptr)) {
    const std::string msg = image.message;
    png_image_free(&image);
    return invalid_argument("cannot decode the PNG: " + msg);
  }
  return out;
}

struct JpegErrorManager {
  jpeg_error_mgr base;
  std::jmp_buf jump;
  char message[JMSG_LENGTH_MAX];
};

void jpeg_error_exit(j_common_ptr cinfo) {
  auto* err = reinterpret_cast<JpegErrorManager*>(cinfo->err);
  (*cinfo->err->format_message)(cinfo, err->message);
  std::longjmp(err->jump, 1);
}

Result<GrayImage> decode_jpeg(std::string_view bytes) {
  jpeg_decompress_struct cinfo;
  JpegErrorManager err;
  cinfo.err = jpeg_std_error(&err.base);
  err.base.error_exit = jpeg_error_exit;
  err.message[0] = '\0';
  // `out` is constructed before setjmp, so a longjmp from libjpeg skips no destructor; libjpeg's
  // own frames between hold no C++ objects.
  GrayImage out;
  if (setjmp(err.jump)) {
    jpeg_destroy_decompress(&cinfo);
    return invalid_argument(std::string("cannot decode the JPEG: ") + err.message);
  }
  jpeg_create_decompress(&cinfo);
  jpeg_mem_src(&cinfo, reinterpret_cast<const unsigned char*>(bytes.data()),
               static_cast<unsigned long>(bytes.size()));
  jpeg_read_header(&cinfo, TRUE);
  if (cinfo.image_width == 0 || cinfo.image_height == 0 || cinfo.image_width > kImageSideMax ||
      cinfo.image_height > kImageSideMax ||
      static_cast<std::size_t>(cinfo.image_width) * cinfo.image_height > kImagePixelsMax) {
    jpeg_destroy_decompress(&cinfo);
    return invalid_argument("image dimensions are out of range");
  }
  cinfo.out_color_space = JCS_GRAYSCALE;
  jpeg_start_decompress(&cinfo);
  out.width = static_cast<int>(cinfo.output_width);
  out.height = static_cast<int>(cinfo.output_height);
  out.pixels.resize(static_cast<std::size_t>(out.width) * out.height);
  while (cinfo.output_scanline < cinfo.output_height) {
    JSAMPROW row = &out.pixels[static_cast<std::size_t>(cinfo.output_scanline) * out.width];
    jpeg_read_scanlines(&cinfo, &row, 1);
  }
  jpeg_finish_decompress(&cinfo);
  jpeg_destroy_decompress(&cinfo);
  return out;
}

}  // namespace

Result<GrayImage> decode_image(std::string_view bytes) {
  if (is_png(bytes)) return decode_png(bytes);
  if (is_jpeg(bytes)) return decode_jpeg(bytes);
  return invalid_argument("the image is neither PNG nor JPEG");
}

Result<std::string> encode_jpeg(const GrayImage& image, int quality) {
  jpeg_compress_struct cinfo;
  JpegErrorManager err;
  cinfo.err = jpeg_std_error(&err.base);
  err.base.error_exit = jpeg_error_exit;
  unsigned char* buffer = nullptr;
  unsigned long size = 0;
  if (setjmp(err.jump)) {
    jpeg_destroy_compress(&cinfo);
    std::free(buffer);
    return internal_error(std::string("libjpeg: ") + err.message);
  }
  jpeg_create_compress(&cinfo);
  jpeg_mem_dest(&cinfo, &buffer, &size);
  cinfo.image_width = static_cast<JDIMENSION>(image.width);
  cinfo.image_height = static_cast<JDIMENSION>(image.height);
  cinfo.input_components = 1;
  cinfo.in_color_space = JCS_GRAYSCALE;
  jpeg_set_defaults(&cinfo);
  jpeg_set_quality(&cinfo, quality, TRUE);
  jpeg_start_compress(&cinfo, TRUE);
  while (cinfo.next_scanline < cinfo.image_height) {
    JSAMPROW row = const_cast<JSAMPROW>(
        &image.pixels[static_cast<std::size_t>(cinfo.next_scanline) * image.width]);
    jpeg_write_scanlines(&cinfo, &row, 1);
  }
  jpeg_finish_compress(&cinfo);
  jpeg_destroy_compress(&cinfo);
  std::string out(reinterpret_cast<const char*>(buffer), size);
  std::free(buffer);
  return out;
}

Result<std::string> encode_png_gray(const GrayImage& image) {
  png_image png;
  std::memset(&png, 0, sizeof png);
  png.version = PNG_IMAGE_VERSION;
  png.width = static_cast<png_uint_32>(image.width);
  png.height = static_cast<png_uint_32>(image.height);
  png.format = PNG_FORMAT_GRAY;
  png_alloc_size_t size = 0;
  if (!png_image_write_get_memory_size(png, size, 0, image.pixels.data(), 0, nullptr))
    return internal_error(std::string("libpng: ") + png.message);
  std::string out(size, '\0');
  if (!png_image_write_to_memory(&png, out.data(), &size, 0, image.pixels.data(), 0, nullptr))
    return internal_error(std::string("libpng: ") + png.message);
  out.resize(size);
  return out;
}

Result<std::vector<std::string>> scan_gray(const std::uint8_t* pixels, int width, int height) {
  if (!pixels || width <= 0 || height <= 0) return invalid_argument("empty image");
  ZXing::DecodeHints hints;
  hints.setFormats(ZXing::BarcodeFormat::QRCode);
  hints.setTryHarder(true);
  hints.setTryRotate(true);
  const ZXing::ImageView view(pixels, width, height, ZXing::ImageFormat::Lum);
  std::vector<std::string> texts;
  for (const auto& r : ZXing::ReadBarcodes(view, hints)) {
    if (r.isValid()) texts.push_back(r.text());
  }
  if (texts.empty()) return not_found("no QR code found in the image");
  return texts;
}

Result<std::vector<std::string>> scan_image_bytes(std::string_view bytes) {
  CHO4_ASSIGN_OR_RETURN(GrayImage image, decode_image(bytes));
  return scan_gray(image.pixels.data(), image.width, image.height);
}

Result<std::vector<std::string>> scan_image_file(const std::string& path) {
  CHO4_ASSIGN_OR_RETURN(std::string bytes, read_file(path));
  return scan_image_bytes(bytes);
}

}  // namespace cho4::qr
