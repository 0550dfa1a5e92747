#include "qr/render.h"

#include <gtest/gtest.h>

#include "qr/scan.h"

#include <algorithm>

namespace cho4::qr {
namespace {

constexpr const char* kPayload =
    "00020101021138530010A0000007270123000697041601092576788590208QRIBFTTA53037045802VN6304AE9F";

TEST(Render, MatrixHasTheVersionsSize) {
  auto m = make_matrix(kPayload, EcLevel::M);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->size, 17 + 4 * m->version);
  EXPECT_EQ(m->dark.size(), static_cast<std::size_t>(m->size * m->size));
  // Finder pattern corners are dark.
  EXPECT_TRUE(m->at(0, 0));
  EXPECT_TRUE(m->at(m->size - 1, 0));
  EXPECT_TRUE(m->at(0, m->size - 1));
}

TEST(Render, PngIsOneBitGrayWithQuietZone) {
  RenderOptions o;
  o.module_px = 4;
  o.quiet_zone_modules = 4;
  auto png = render_png(kPayload, o);
  ASSERT_TRUE(png.ok());
  ASSERT_GT(png->size(), 33u);
  EXPECT_EQ(png->substr(1, 3), "PNG");
  EXPECT_EQ(static_cast<int>((*png)[24]), 1);  // IHDR bit depth
  EXPECT_EQ(static_cast<int>((*png)[25]), 0);  // colour type: grayscale
  auto image = decode_image(*png);
  ASSERT_TRUE(image.ok());
  auto m = make_matrix(kPayload, o.ec);
  EXPECT_EQ(image->width, (m->size + 8) * 4);
  for (int x = 0; x < image->width; ++x) EXPECT_EQ(image->pixels[x], 255);  // quiet zone is white
}

TEST(Render, RejectsBadOptions) {
  RenderOptions o;
  o.quiet_zone_modules = 3;
  EXPECT_EQ(render_png(kPayload, o).error().code(), StatusCode::invalid_argument);
  o.quiet_zone_modules = 4;
  o.module_px = 0;
  EXPECT_EQ(render_svg(kPayload, o).error().code(), StatusCode::invalid_argument);
  EXPECT_FALSE(make_matrix("", EcLevel::L).ok());
  EXPECT_FALSE(make_matrix(std::string(8000, 'x'), EcLevel::H).ok());
  EXPECT_FALSE(parse_ec_level("X").ok());
  EXPECT_EQ(*parse_ec_level("q"), EcLevel::Q);
}

TEST(Render, SvgAndTerminal) {
  RenderOptions o;
  auto svg = render_svg(kPayload, o);
  ASSERT_TRUE(svg.ok());
  EXPECT_NE(svg->find("<svg"), std::string::npos);
  EXPECT_NE(svg->find("<path"), std::string::npos);
  auto term = render_terminal(kPayload, o);
  ASSERT_TRUE(term.ok());
  auto m = make_matrix(kPayload, o.ec);
  const int lines = static_cast<int>(std::count(term->begin(), term->end(), '\n'));
  EXPECT_EQ(lines, (m->size + 8 + 1) / 2);
}

TEST(Scan, RejectsNonImages) {
  EXPECT_FALSE(scan_image_bytes("not an image").ok());
  EXPECT_FALSE(scan_image_bytes(std::string("\x89PNG\r\n\x1a\n", 8) + "garbage").ok());
  EXPECT_FALSE(scan_image_bytes("\xff\xd8\xff garbage").ok());
}

TEST(Scan, DecodesOwnPng) {
  auto png = render_png(kPayload, RenderOptions{});
  ASSERT_TRUE(png.ok());
  auto texts = scan_image_bytes(*png);
  ASSERT_TRUE(texts.ok()) << texts.error().message();
  ASSERT_EQ(texts->size(), 1u);
  EXPECT_EQ((*texts)[0], kPayload);
}

}  // namespace
}  // namespace cho4::qr
