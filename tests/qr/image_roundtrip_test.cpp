// Every EC level and QR versions 3–10 (6–10 at H) with VietQR payloads, smaller versions with
// arbitrary strings: render → decode with ZXing returns exactly the input; zbarimg, a decoder we
// did not write, reads our PNGs too.
#include <gtest/gtest.h>

#include <map>
#include <random>
#include <set>

#include "qr/render.h"
#include "qr/scan.h"
#include "qr/vietqr.h"
#include "tests/qr/test_support.h"

namespace cho4::qr {
namespace {

constexpr EcLevel kLevels[] = {EcLevel::L, EcLevel::M, EcLevel::Q, EcLevel::H};
std::string name(EcLevel ec) {
  return std::string(1, "LMQH"[static_cast<int>(ec)]);
}

// VietQR payloads of growing size: longer accounts, memos, names, cities and unreserved fields.
std::vector<std::string> growing_payloads() {
  std::vector<std::string> out;
  std::mt19937 rng(7);
  const std::string alnum = "ABCDEFGHJKMNPQRSTVWXYZ0123456789abcdefghijkmnopqrstuvwxyz ";
  const auto text = [&](std::size_t n) {
    std::string s;
    for (std::size_t i = 0; i < n; ++i) s += alnum[rng() % alnum.size()];
    while (!s.empty() && s.back() == ' ') s.back() = 'x';
    while (!s.empty() && s.front() == ' ') s.front() = 'x';
    return s;
  };
  for (std::size_t extra = 0; extra <= 200; ++extra) {
    Payload p;
    p.bank_bin = "970436";
    // The smallest codes: static, short accounts; then dynamic codes with growing text.
    p.account = std::to_string(1000000000ULL + rng() % 9000000000ULL)
                    .substr(0, 1 + std::min<std::size_t>(extra, 9));
    if (extra >= 10) p.amount = Money::vnd(1 + rng() % 499'999'999);
    std::size_t left = extra < 10 ? 0 : extra - 10;
    const auto take = [&](std::size_t max) {
      const std::size_t n = std::min(left, max);
      left -= n;
      return n;
    };
    p.purpose = text(take(25));
    p.merchant_name = text(take(25));
    p.merchant_city = text(take(15));
    if (const std::size_t n = take(95); n > 0) p.extra_fields.emplace_back("80", text(n));
    if (const std::size_t n = take(95); n > 0) p.extra_fields.emplace_back("81", text(n));
    auto encoded = encode(p);
    EXPECT_TRUE(encoded.ok()) << encoded.error().message();
    if (encoded.ok()) out.push_back(*encoded);
  }
  // Static codes with lower-case memos (byte-mode segments), growing one character at a time.
  for (std::size_t n = 1; n <= 25; ++n) {
    Payload p;
    p.bank_bin = "970416";
    p.account = "257678859";
    p.purpose = std::string("thanh toan tien rau hom nay").substr(0, n);
    while (p.purpose.back() == ' ') p.purpose.pop_back();
    out.push_back(*encode(p));
  }
  return out;
}

TEST(ImageRoundTrip, VietQrVersions3To10AtEveryLevel) {
  const auto payloads = growing_payloads();
  std::map<EcLevel, std::set<int>> covered;
  for (EcLevel ec : kLevels) {
    for (const auto& payload : payloads) {
      auto m = make_matrix(payload, ec);
      ASSERT_TRUE(m.ok());
      if (m->version < 3 || m->version > 10 || covered[ec].count(m->version)) continue;
      RenderOptions o;
      o.ec = ec;
      auto png = matrix_to_png(*m, o);
      ASSERT_TRUE(png.ok());
      auto texts = scan_image_bytes(*png);
      ASSERT_TRUE(texts.ok()) << "version " << m->version << " EC " << name(ec);
      ASSERT_EQ(texts->size(), 1u);
      EXPECT_EQ((*texts)[0], payload) << "version " << m->version << " EC " << name(ec);
      EXPECT_TRUE(decode((*texts)[0]).ok());
      covered[ec].insert(m->version);
    }
  }
  // The smallest VietQR needs version 3 at L, 4 at M, 5 at Q and 6 at H (the reference); smaller
  // versions are covered by arbitrary strings below.
  const std::map<EcLevel, int> smallest = {
      {EcLevel::L, 3}, {EcLevel::M, 4}, {EcLevel::Q, 5}, {EcLevel::H, 6}};
  for (const auto& [ec, first] : smallest)
    for (int v = first; v <= 10; ++v)
      EXPECT_TRUE(covered[ec].count(v)) << "EC " << name(ec) << " v" << v;
}

TEST(ImageRoundTrip, ArbitraryStringsForSmallVersions) {
  std::map<EcLevel, std::set<int>> covered;
  std::mt19937 rng(11);
  for (EcLevel ec : kLevels) {
    for (std::size_t len = 1; len <= 90; ++len) {
      std::string s;
      for (std::size_t i = 0; i < len; ++i) s += static_cast<char>(0x21 + rng() % 94);
      auto m = make_matrix(s, ec);
      ASSERT_TRUE(m.ok());
      if (m->version > 5 || covered[ec].count(m->version)) continue;
      auto png = matrix_to_png(*m, RenderOptions{.ec = ec});
      ASSERT_TRUE(png.ok());
      auto texts = scan_image_bytes(*png);
      ASSERT_TRUE(texts.ok()) << "version " << m->version;
      EXPECT_EQ((*texts)[0], s);
      covered[ec].insert(m->version);
    }
    for (int v = 1; v <= 5; ++v)
      EXPECT_TRUE(covered[ec].count(v)) << "EC " << name(ec) << " v" << v;
  }
}

TEST(ImageRoundTrip, ZbarimgReadsOurPngsAndSvgsRasterised) {
  testing::TempDir dir;
  const auto payloads = growing_payloads();
  int checked = 0;
  for (std::size_t i = 0; i < payloads.size(); i += 8) {
    for (EcLevel ec : {EcLevel::M, EcLevel::Q}) {
      const std::string path = dir.file("code.png");
      ASSERT_TRUE(write_file(path, *render_png(payloads[i], RenderOptions{.ec = ec})).ok());
      const auto r = testing::run("zbarimg --raw -q '" + path + "'", /*stdout_only=*/true);
      ASSERT_EQ(r.exit_code, 0) << r.output;
      EXPECT_EQ(r.output, payloads[i] + "\n");
      ++checked;
    }
  }
  EXPECT_GE(checked, 10);
  // SVG: rasterised by librsvg (another renderer we did not write), then read by ZXing.
  const std::string svg = dir.file("code.svg"), png = dir.file("svg.png");
  ASSERT_TRUE(write_file(svg, *render_svg(payloads[3], RenderOptions{})).ok());
  const auto r = testing::run("rsvg-convert -o '" + png + "' '" + svg + "'");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  auto texts = scan_image_file(png);
  ASSERT_TRUE(texts.ok()) << texts.error().message();
  EXPECT_EQ((*texts)[0], payloads[3]);
}

}  // namespace
}  // namespace cho4::qr
