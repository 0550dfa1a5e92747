// Integration: a whole market printed to PDF, rasterised with poppler, and every QR decoded with
// ZXing (qr::scan_image_file) and zbar (zbarimg), in stall order; the text layer read back with
// pdftotext; the printed module measured on the raster. Also single PNG/SVG signs.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "core/vn_text.h"
#include "qr/scan.h"
#include "qr/signage/batch.h"
#include "qr/signage/sign.h"

namespace cho4::signage {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kSecret = "cho-ben-thanh-secret-2026";
constexpr std::string_view kMarket = "Chợ Bến Thành";

// Runs a shell command; returns its stdout, or nullopt when it exits non-zero.
std::optional<std::string> run(const std::string& command) {
  FILE* p = popen(command.c_str(), "r");
  if (p == nullptr) return std::nullopt;
  std::string out;
  char buf[4096];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  const int rc = pclose(p);
  if (rc != 0) return std::nullopt;
  return out;
}

std::string quote(const std::string& s) {
  return "'" + s + "'";
}

std::vector<std::string> zbar_decode(const std::string& image) {
  auto out =
      run("zbarimg --quiet --raw -Sdisable -Sqrcode.enable " + quote(image) + " 2>/dev/null");
  std::vector<std::string> codes;
  if (!out) return codes;
  std::istringstream in(*out);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) codes.push_back(line);
  return codes;
}

std::vector<std::string> zxing_decode(const std::string& image) {
  auto r = qr::scan_image_file(image);
  return r.ok() ? *r : std::vector<std::string>{};
}

std::vector<std::string> sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

// A grey-scale raster (binary PGM, as `pdftoppm -gray` writes it).
struct Gray {
  int width = 0, height = 0;
  std::vector<unsigned char> pixels;
  unsigned char at(int x, int y) const { return pixels[static_cast<std::size_t>(y) * width + x]; }
};
Gray read_pgm(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::string magic;
  int maxval = 0;
  Gray g;
  in >> magic >> g.width >> g.height >> maxval;
  in.get();
  g.pixels.resize(static_cast<std::size_t>(g.width) * g.height);
  in.read(reinterpret_cast<char*>(g.pixels.data()), static_cast<std::streamsize>(g.pixels.size()));
  EXPECT_EQ(magic, "P5");
  return g;
}

struct Stall50 {
  std::string csv;
  std::vector<std::string> stall_names, holders;
};

// A deterministic 50-stall market: Vietnamese names, ten banks, every fifth stall a price tag.
Stall50 make_market(std::size_t count) {
  const char* names[] = {"Phở Bà Tư",         "Bún chả Hà Nội",     "Cơm tấm Sài Gòn",
                         "Trái cây tươi",     "Cá kho làng Vũ Đại", "Bánh mì Hội An",
                         "Chè bưởi",          "Gạo Nàng Hương",     "Rau sạch Đà Lạt",
                         "Thịt heo quê",      "Hải sản Vũng Tàu",   "Bánh cuốn nóng",
                         "Nem chua Thanh Hoá"};
  const char* holders[] = {"NGUYEN THI TU", "TRAN VAN BINH", "LE THI HONG",   "PHAM MINH DUC",
                           "HOANG THI YEN", "VU DINH KHOA",  "DANG THI NGOC", "BUI QUANG HUY"};
  const char* banks[] = {"VCB",        "MB",     "ACB", "TCB", "BIDV",
                         "VietinBank", "VPBank", "TPB", "STB", "970405"};
  std::mt19937_64 rng(2026);
  Stall50 m;
  m.csv =
      "# Chợ Bến Thành, test "
      "market\nstall_number,stall_name,account_holder,bank,account,amount,item\n";
  for (std::size_t i = 0; i < count; ++i) {
    const std::string number =
        std::string(1, static_cast<char>('A' + i / 20)) + std::to_string(i % 20 + 1);
    const std::string name = names[i % std::size(names)];
    const std::string holder = holders[(i * 3) % std::size(holders)];
    std::string account;
    const std::size_t len = 9 + rng() % 6;
    for (std::size_t k = 0; k < len; ++k) account.push_back(static_cast<char>('0' + rng() % 10));
    std::string amount, item;
    if (i % 5 == 4) {
      amount = std::to_string((10 + rng() % 90) * 1000);
      item = "Đĩa " + std::to_string(i);
    }
    m.csv += number + ",\"" + name + "\"," + holder + "," + banks[i % std::size(banks)] + "," +
             account + "," + amount + "," + item + "\n";
    m.stall_names.push_back(name);
    m.holders.push_back(holder);
  }
  return m;
}

class PrintTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("cho4-signage-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override {
    if (!HasFailure()) fs::remove_all(dir_);
  }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  std::string write(const std::string& name, const std::string& text) {
    std::ofstream(path(name), std::ios::binary) << text;
    return path(name);
  }
  BatchOptions options(const std::string& stalls, Layout layout, const std::string& out) {
    BatchOptions o;
    o.stalls_path = stalls;
    o.layout = layout;
    o.out_path = out;
    o.market = std::string(kMarket);
    o.check_key = CheckCodeKey::from_secret(kSecret).value();
    return o;
  }
  fs::path dir_;
};

struct Printed {
  std::string payload, check_code;
  CardPlacement placement;
};

// Renders a region (mm) of one page to an image: PNG, or PGM when gray.
std::string render_region(const std::string& pdf, std::size_t page, const Rect& mm, int dpi,
                          const std::string& out_prefix, bool gray) {
  const double px_per_mm = dpi / kMmPerInch;
  const int x = static_cast<int>(std::floor(mm.x * px_per_mm)),
            y = static_cast<int>(std::floor(mm.y * px_per_mm));
  const int w = static_cast<int>(std::ceil(mm.w * px_per_mm)),
            h = static_cast<int>(std::ceil(mm.h * px_per_mm));
  const std::string p = std::to_string(page + 1);
  const std::string cmd =
      "pdftoppm -r " + std::to_string(dpi) + " -f " + p + " -l " + p + " -x " + std::to_string(x) +
      " -y " + std::to_string(y) + " -W " + std::to_string(w) + " -H " + std::to_string(h) +
      (gray ? " -gray" : " -png") + " -singlefile " + quote(pdf) + " " + quote(out_prefix);
  EXPECT_TRUE(run(cmd).has_value()) << cmd;
  return out_prefix + (gray ? ".pgm" : ".png");
}

TEST_F(PrintTest, AFiftyStallMarketPrintsAndEveryCodeDecodesInStallOrder) {
  const Stall50 market = make_market(50);
  const std::string csv = write("market.csv", market.csv);
  const std::string pdf = path("market.pdf");
  std::vector<Printed> printed;
  std::size_t last_done = 0;
  auto report = print_batch(
      options(csv, Layout::a6x4, pdf),
      [&](std::size_t done, std::size_t total) {
        EXPECT_EQ(done, last_done + 1);
        EXPECT_EQ(total, 50u);
        last_done = done;
      },
      [&](const SignInput& in, const CardPlacement& p) {
        printed.push_back({in.payload, in.check_code, p});
      });
  ASSERT_TRUE(report.ok()) << report.error().status.message();
  EXPECT_EQ(report->cards, 50u);
  EXPECT_EQ(report->pages, 13u);
  ASSERT_EQ(printed.size(), 50u);
  EXPECT_FALSE(fs::exists(pdf + ".partial"));

  auto info = run("pdfinfo " + quote(pdf));
  ASSERT_TRUE(info);
  const auto pages_at = info->find("Pages:");
  ASSERT_NE(pages_at, std::string::npos);
  EXPECT_EQ(std::stoi(info->substr(pages_at + 6)), 13) << *info;
  EXPECT_NE(info->find("595.276 x 841.89 pts (A4)"), std::string::npos) << *info;
  EXPECT_NE(info->find("Chợ Bến Thành"), std::string::npos) << "title metadata";

  // Price tags carry POI 12 and their amount; the others are static.
  for (std::size_t i = 0; i < printed.size(); ++i)
    EXPECT_EQ(printed[i].payload.substr(0, 12), i % 5 == 4 ? "000201010212" : "000201010211");

  // Whole pages: both decoders find exactly the page's codes.
  for (std::size_t page = 0; page < 13; ++page) {
    const std::string prefix = path("page-" + std::to_string(page + 1));
    const std::string p = std::to_string(page + 1);
    ASSERT_TRUE(run("pdftoppm -r 150 -png -singlefile -f " + p + " -l " + p + " " + quote(pdf) +
                    " " + quote(prefix)));
    std::vector<std::string> expected;
    for (const auto& c : printed)
      if (c.placement.page == page) expected.push_back(c.payload);
    EXPECT_EQ(sorted(zbar_decode(prefix + ".png")), sorted(expected)) << "zbar, page " << p;
    EXPECT_EQ(sorted(zxing_decode(prefix + ".png")), sorted(expected)) << "ZXing, page " << p;
  }

  // Card by card, in stall order: each card holds exactly its stall's code.
  for (std::size_t i = 0; i < printed.size(); ++i) {
    const Printed& c = printed[i];
    EXPECT_EQ(c.placement.page, i / 4);
    const std::string img = render_region(pdf, c.placement.page, c.placement.card_mm, 150,
                                          path("card-" + std::to_string(i)), false);
    EXPECT_EQ(zbar_decode(img), std::vector<std::string>{c.payload}) << "zbar, stall " << i;
    EXPECT_EQ(zxing_decode(img), std::vector<std::string>{c.payload}) << "ZXing, stall " << i;
  }

  // The module measured on a 300 dpi raster of the QR: the dark modules' bounding box spans
  // exactly `modules` modules (finder patterns sit in three corners).
  for (std::size_t i = 0; i < printed.size(); ++i) {
    const CardPlacement& p = printed[i].placement;
    EXPECT_GE(p.module_mm, kPaperModuleMinMm);
    const int dpi = 300;
    const std::string pgm =
        render_region(pdf, p.page, p.qr_mm, dpi, path("qr-" + std::to_string(i)), true);
    const Gray g = read_pgm(pgm);
    int x0 = g.width, y0 = g.height, x1 = -1, y1 = -1;
    for (int y = 0; y < g.height; ++y)
      for (int x = 0; x < g.width; ++x)
        if (g.at(x, y) < 128) {
          x0 = std::min(x0, x);
          x1 = std::max(x1, x);
          y0 = std::min(y0, y);
          y1 = std::max(y1, y);
        }
    ASSERT_GT(x1, x0);
    const double px_per_mm = dpi / kMmPerInch;
    const double module_x = (x1 - x0 + 1) / px_per_mm / p.modules;
    const double module_y = (y1 - y0 + 1) / px_per_mm / p.modules;
    EXPECT_NEAR(module_x, p.module_mm, 0.02) << "stall " << i;
    EXPECT_NEAR(module_y, p.module_mm, 0.02) << "stall " << i;
    EXPECT_GE(module_x, kPaperModuleMinMm - 0.01);
    // The quiet zone: nothing dark within 4 modules of the code.
    const double quiet_px = kQuietZoneModules * p.module_mm * px_per_mm;
    EXPECT_GE(x0, quiet_px - 2);
    EXPECT_GE(y0, quiet_px - 2);
    EXPECT_LE(x1, g.width - quiet_px + 2);
    EXPECT_LE(y1, g.height - quiet_px + 2);
  }

  // The text layer: Vietnamese with its diacritics, every stall's name and holder, check codes.
  auto text = run("pdftotext -enc UTF-8 " + quote(pdf) + " -");
  ASSERT_TRUE(text);
  auto count = [&](std::string_view needle) {
    std::size_t n = 0;
    for (auto pos = text->find(needle); pos != std::string::npos; pos = text->find(needle, pos + 1))
      ++n;
    return n;
  };
  EXPECT_EQ(count("Quét mã để thanh toán"), 50u);
  EXPECT_EQ(count("Chợ Bến Thành"), 50u);
  for (std::size_t i = 0; i < printed.size(); ++i) {
    EXPECT_NE(text->find(market.stall_names[i]), std::string::npos) << market.stall_names[i];
    EXPECT_NE(text->find(market.holders[i]), std::string::npos);
    EXPECT_NE(text->find("Mã kiểm tra " + printed[i].check_code), std::string::npos);
    // And the printed code verifies for that payload only.
    const auto key = CheckCodeKey::from_secret(kSecret).value();
    EXPECT_EQ(key.verify(printed[i].payload, printed[i].check_code).value(), CheckVerdict::match);
    EXPECT_EQ(key.verify(printed[(i + 1) % 50].payload, printed[i].check_code).value(),
              CheckVerdict::mismatch);
  }
  EXPECT_NE(text->find("Đĩa 4: "), std::string::npos);
  EXPECT_NE(text->find("Sạp A1 · Phở Bà Tư"), std::string::npos);
}

TEST_F(PrintTest, A5AndA6CardsDecode) {
  const std::string csv = write("m.csv", make_market(3).csv);
  for (Layout layout : {Layout::a6, Layout::a5}) {
    const std::string pdf = path(std::string(to_string(layout)) + ".pdf");
    std::vector<std::string> payloads;
    auto report = print_batch(options(csv, layout, pdf), {},
                              [&](const SignInput& in, const CardPlacement& p) {
                                payloads.push_back(in.payload);
                                EXPECT_EQ(p.page, payloads.size() - 1);
                                EXPECT_GE(p.module_mm, kPaperModuleMinMm);
                              });
    ASSERT_TRUE(report.ok()) << report.error().status.message();
    EXPECT_EQ(report->pages, 3u);
    for (std::size_t page = 0; page < 3; ++page) {
      const std::string prefix = path(std::string(to_string(layout)) + "-" + std::to_string(page));
      const std::string p = std::to_string(page + 1);
      ASSERT_TRUE(run("pdftoppm -r 100 -png -singlefile -f " + p + " -l " + p + " " + quote(pdf) +
                      " " + quote(prefix)));
      EXPECT_EQ(zbar_decode(prefix + ".png"), std::vector<std::string>{payloads[page]});
      EXPECT_EQ(zxing_decode(prefix + ".png"), std::vector<std::string>{payloads[page]});
    }
  }
}

TEST_F(PrintTest, BadRowsStopTheBatchAndNothingIsWritten) {
  const std::string csv =
      write("bad.csv",
            "stall_number,stall_name,account_holder,bank,account\n"
            "A1,Phở Bà Tư,NGUYEN THI TU,VCB,0123456789\n"
            "A2,Bún chả,TRAN VAN BINH,VCB,\n"
            "A3,Cơm tấm,LE THI HONG,Ngân hàng Mặt Trăng,0123456789\n"
            "A4,Ch\xE1\xBB,PHAM MINH DUC,MB,0987654321\n"
            "A5,WWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWW,HOANG THI YEN,ACB,257678859\n"
            "A6,Chè bưởi,VU DINH KHOA,TCB,19030413601018\n");
  const std::string pdf = path("out.pdf");
  auto report = print_batch(options(csv, Layout::a6x4, pdf));
  ASSERT_FALSE(report.ok());
  const BatchError& e = report.error();
  EXPECT_EQ(e.bad_row_count, 4u);
  ASSERT_EQ(e.bad_rows.size(), 4u);
  const std::pair<std::size_t, std::string_view> expected[] = {
      {3, "account"}, {4, "bank"}, {5, "stall_name"}, {6, "stall_name"}};
  for (std::size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(e.bad_rows[i].line, expected[i].first);
    EXPECT_EQ(e.bad_rows[i].field, expected[i].second);
  }
  EXPECT_NE(e.bad_rows[2].message.find("UTF-8"), std::string::npos);
  EXPECT_NE(e.bad_rows[3].message.find("too long for the a6x4 layout"), std::string::npos);
  EXPECT_NE(e.bad_rows[0].to_string(csv).find("bad.csv:3: account: missing"), std::string::npos);
  EXPECT_FALSE(fs::exists(pdf));
  EXPECT_FALSE(fs::exists(pdf + ".partial"));

  // Asked to skip them, the good rows print.
  BatchOptions o = options(csv, Layout::a6x4, pdf);
  o.skip_bad_rows = true;
  auto skipped = print_batch(o);
  ASSERT_TRUE(skipped.ok());
  EXPECT_EQ(skipped->cards, 2u);
  EXPECT_EQ(skipped->skipped, 4u);
  EXPECT_EQ(skipped->pages, 1u);
  EXPECT_TRUE(fs::exists(pdf));
}

TEST_F(PrintTest, JsonMarketsPrintLikeCsv) {
  const std::string json =
      write("m.json",
            "{\"market\": \"Chợ Đà Lạt\", \"stalls\": [\n"
            " {\"stall_number\": \"B7\", \"stall_name\": \"Dâu tây Đà Lạt\",\n"
            "  \"account_holder\": \"NGUYEN VAN AN\", \"bank\": \"MBBank\", \"account\": "
            "\"0987654321\"},\n"
            " {\"stall_number\": \"B8\", \"stall_name\": \"Atisô\",\n"
            "  \"account_holder\": \"LE THI BA\", \"bank\": \"ACB\", \"account\": \"\"}\n"
            "]}\n");
  BatchOptions o = options(json, Layout::a6x4, path("j.pdf"));
  o.market.clear();
  auto bad = print_batch(o);
  ASSERT_FALSE(bad.ok());
  ASSERT_EQ(bad.error().bad_rows.size(), 1u);
  EXPECT_EQ(bad.error().bad_rows[0].line, 4u);
  EXPECT_EQ(bad.error().bad_rows[0].field, "account");
  o.skip_bad_rows = true;
  ASSERT_TRUE(print_batch(o).ok());
  auto text = run("pdftotext -enc UTF-8 " + quote(path("j.pdf")) + " -");
  ASSERT_TRUE(text);
  EXPECT_NE(text->find("Chợ Đà Lạt"), std::string::npos);
  EXPECT_NE(text->find("Dâu tây Đà Lạt"), std::string::npos);
}

TEST_F(PrintTest, SinglePngAndSvgSignsDecode) {
  auto key = CheckCodeKey::from_secret(kSecret).value();
  RawFields fields{{"market", std::string(kMarket)}, {"stall_number", "A12"},
                   {"stall_name", "Phở Bà Tư"},      {"account_holder", "NGUYEN THI TU"},
                   {"bank", "Vietcombank"},          {"account", "0123456789"}};
  for (bool price_tag : {false, true}) {
    if (price_tag) {
      fields["amount"] = "45000";
      fields["item"] = "Phở bò";
    }
    auto in = sign_input_from_fields(fields, 0, {}, &key);
    ASSERT_TRUE(in.ok());
    for (Layout layout : {Layout::qr_only, Layout::compact, Layout::info, Layout::print}) {
      const std::string base = path(std::string(to_string(layout)) + (price_tag ? "-tag" : ""));
      auto laid = lay_out_sign(*in, layout);
      ASSERT_TRUE(laid.ok()) << laid.error().to_string("t");
      ASSERT_TRUE(write_sign_png(*laid, base + ".png").ok());
      ASSERT_TRUE(write_sign_svg(*laid, base + ".svg").ok());
      auto size = run("identify -format '%w %h' " + quote(base + ".png"));
      ASSERT_TRUE(size);
      EXPECT_EQ(*size, std::to_string(int(laid->design.width)) + " " +
                           std::to_string(int(laid->design.height)));
      EXPECT_EQ(zbar_decode(base + ".png"), std::vector<std::string>{in->payload}) << base;
      EXPECT_EQ(zxing_decode(base + ".png"), std::vector<std::string>{in->payload}) << base;
      // SVG: rasterised by ImageMagick (through rsvg-convert), then decoded the same way.
      ASSERT_TRUE(run("convert -background white -flatten " + quote(base + ".svg") + " " +
                      quote(base + "-svg.png")));
      EXPECT_EQ(zbar_decode(base + "-svg.png"), std::vector<std::string>{in->payload}) << base;
      EXPECT_EQ(zxing_decode(base + "-svg.png"), std::vector<std::string>{in->payload}) << base;
    }
  }
}

}  // namespace
}  // namespace cho4::signage
