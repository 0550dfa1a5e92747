// A photo-like image of a sign still scans: our PNG rotated 10°, scaled to 70%, with a slight
// perspective, Gaussian blur σ = 1, saved as JPEG quality 70. Deterministic (no randomness).
#include <gtest/gtest.h>

#include <array>
#include <cmath>

#include "qr/render.h"
#include "qr/scan.h"
#include "qr/vietqr.h"

namespace cho4::qr {
namespace {

using Mat3 = std::array<double, 9>;

Mat3 mul(const Mat3& a, const Mat3& b) {
  Mat3 r{};
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j)
      for (int k = 0; k < 3; ++k) r[i * 3 + j] += a[i * 3 + k] * b[k * 3 + j];
  return r;
}

Mat3 inverse(const Mat3& m) {
  const double a = m[0], b = m[1], c = m[2], d = m[3], e = m[4], f = m[5], g = m[6], h = m[7],
               i = m[8];
  const double det = a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g);
  return {(e * i - f * h) / det, (c * h - b * i) / det, (b * f - c * e) / det,
          (f * g - d * i) / det, (a * i - c * g) / det, (c * d - a * f) / det,
          (d * h - e * g) / det, (b * g - a * h) / det, (a * e - b * d) / det};
}

// Maps every output pixel back through the inverse homography, bilinear sampling, white outside.
GrayImage warp(const GrayImage& in, const Mat3& forward, int out_w, int out_h) {
  const Mat3 inv = inverse(forward);
  GrayImage out{out_w, out_h,
                std::vector<std::uint8_t>(static_cast<std::size_t>(out_w) * out_h, 255)};
  for (int v = 0; v < out_h; ++v) {
    for (int u = 0; u < out_w; ++u) {
      const double w = inv[6] * u + inv[7] * v + inv[8];
      const double x = (inv[0] * u + inv[1] * v + inv[2]) / w;
      const double y = (inv[3] * u + inv[4] * v + inv[5]) / w;
      const int x0 = static_cast<int>(std::floor(x)), y0 = static_cast<int>(std::floor(y));
      if (x0 < 0 || y0 < 0 || x0 + 1 >= in.width || y0 + 1 >= in.height) continue;
      const double fx = x - x0, fy = y - y0;
      const auto px = [&](int xx, int yy) {
        return in.pixels[static_cast<std::size_t>(yy) * in.width + xx];
      };
      const double value = (1 - fx) * (1 - fy) * px(x0, y0) + fx * (1 - fy) * px(x0 + 1, y0) +
                           (1 - fx) * fy * px(x0, y0 + 1) + fx * fy * px(x0 + 1, y0 + 1);
      out.pixels[static_cast<std::size_t>(v) * out_w + u] =
          static_cast<std::uint8_t>(std::lround(value));
    }
  }
  return out;
}

// Separable Gaussian blur, kernel radius 3σ.
GrayImage blur(const GrayImage& in, double sigma) {
  const int r = static_cast<int>(std::ceil(3 * sigma));
  std::vector<double> k(2 * r + 1);
  double sum = 0;
  for (int i = -r; i <= r; ++i) sum += k[i + r] = std::exp(-(i * i) / (2 * sigma * sigma));
  for (double& x : k) x /= sum;
  const auto clamp = [](int v, int lo, int hi) { return v < lo ? lo : v > hi ? hi : v; };
  std::vector<double> tmp(in.pixels.size());
  for (int y = 0; y < in.height; ++y)
    for (int x = 0; x < in.width; ++x) {
      double acc = 0;
      for (int i = -r; i <= r; ++i)
        acc += k[i + r] *
               in.pixels[static_cast<std::size_t>(y) * in.width + clamp(x + i, 0, in.width - 1)];
      tmp[static_cast<std::size_t>(y) * in.width + x] = acc;
    }
  GrayImage out{in.width, in.height, std::vector<std::uint8_t>(in.pixels.size())};
  for (int y = 0; y < in.height; ++y)
    for (int x = 0; x < in.width; ++x) {
      double acc = 0;
      for (int i = -r; i <= r; ++i)
        acc +=
            k[i + r] * tmp[static_cast<std::size_t>(clamp(y + i, 0, in.height - 1)) * in.width + x];
      out.pixels[static_cast<std::size_t>(y) * in.width + x] =
          static_cast<std::uint8_t>(std::lround(acc));
    }
  return out;
}

TEST(PhotoLike, RotatedScaledBlurredPerspectiveJpegStillScans) {
  Payload p;
  p.bank_bin = "970436";
  p.account = "0123456789";
  p.amount = Money::vnd(60000);
  p.purpose = "K7M2Q9X4 rau";
  p.merchant_name = "Co Lan Rau sach";
  const std::string payload = *encode(p);
  RenderOptions o;
  o.ec = EcLevel::Q;
  o.module_px = 8;
  auto png = render_png(payload, o);
  ASSERT_TRUE(png.ok());
  auto sharp = decode_image(*png);
  ASSERT_TRUE(sharp.ok());

  // Forward transform: centre → scale 70% → rotate 10° → slight perspective → new canvas centre.
  const double cx = sharp->width / 2.0, cy = sharp->height / 2.0;
  const int out_side = sharp->width;  // the scaled, rotated code fits with margin
  const double a = 10.0 * M_PI / 180.0, s = 0.7;
  const Mat3 to_origin{1, 0, -cx, 0, 1, -cy, 0, 0, 1};
  const Mat3 scale{s, 0, 0, 0, s, 0, 0, 0, 1};
  const Mat3 rotate{std::cos(a), -std::sin(a), 0, std::sin(a), std::cos(a), 0, 0, 0, 1};
  const Mat3 perspective{1, 0, 0, 0, 1, 0, 0.00045, 0.00025, 1};
  const Mat3 to_canvas{1, 0, out_side / 2.0, 0, 1, out_side / 2.0, 0, 0, 1};
  const Mat3 forward = mul(to_canvas, mul(perspective, mul(rotate, mul(scale, to_origin))));

  const GrayImage photo = blur(warp(*sharp, forward, out_side, out_side), 1.0);
  auto jpeg = encode_jpeg(photo, 70);
  ASSERT_TRUE(jpeg.ok());
  ASSERT_EQ(jpeg->substr(0, 2), "\xff\xd8");
  auto texts = scan_image_bytes(*jpeg);
  ASSERT_TRUE(texts.ok()) << texts.error().message();
  EXPECT_EQ((*texts)[0], payload);
}

}  // namespace
}  // namespace cho4::qr
