// qr benchmarks. The reference point is libqrencode's own QRcode_encodeString on the same
// dynamic order payload, measured in the same run: PNG rendering (matrix + 1-bit PNG, 4 px
// modules, 4-module quiet zone, default zlib level) should stay within 1.5x of it.
#include <benchmark/benchmark.h>
#include <qrencode.h>

#include <string>

#include "qr/crc16.h"
#include "qr/render.h"
#include "qr/scan.h"
#include "qr/vietqr.h"

namespace {

using namespace cho4;

// A dynamic order code as a stall's order screen shows it: amount, order reference in the memo.
qr::Payload order_payload() {
  qr::Payload p;
  p.bank_bin = "970436";
  p.account = "0123456789";
  p.amount = Money::vnd(60'000);
  p.purpose = "CHO4 K7M2Q9X4 rau cai";
  p.merchant_name = "CO LAN RAU SACH";
  p.merchant_city = "HA NOI";
  return p;
}

const std::string& order_text() {
  static const std::string text = *qr::encode(order_payload());
  return text;
}

void BM_Crc16(benchmark::State& state) {
  const std::string& text = order_text();
  const std::string_view body(text.data(), text.size() - 4);
  for (auto _ : state) benchmark::DoNotOptimize(qr::crc16_ccitt_false(body));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * body.size()));
}
BENCHMARK(BM_Crc16);

// encode_into reuses one buffer, as the order path does.
void BM_EncodeWithCrc(benchmark::State& state) {
  const qr::Payload p = order_payload();
  std::string out;
  out.reserve(256);
  for (auto _ : state) {
    auto n = qr::encode_into(p, out);
    benchmark::DoNotOptimize(n);
    benchmark::DoNotOptimize(out.data());
  }
}
BENCHMARK(BM_EncodeWithCrc);

void BM_EncodeNewString(benchmark::State& state) {
  const qr::Payload p = order_payload();
  for (auto _ : state) benchmark::DoNotOptimize(qr::encode(p));
}
BENCHMARK(BM_EncodeNewString);

void BM_Decode(benchmark::State& state) {
  const std::string& text = order_text();
  for (auto _ : state) benchmark::DoNotOptimize(qr::decode(text));
}
BENCHMARK(BM_Decode);

void BM_LibqrencodeEncodeString8bit(benchmark::State& state) {
  const std::string& text = order_text();
  for (auto _ : state) {
    QRcode* code = QRcode_encodeString8bit(text.c_str(), 0, QR_ECLEVEL_M);
    benchmark::DoNotOptimize(code);
    QRcode_free(code);
  }
}
BENCHMARK(BM_LibqrencodeEncodeString8bit);

void BM_LibqrencodeEncodeString(benchmark::State& state) {
  const std::string& text = order_text();
  for (auto _ : state) {
    QRcode* code = QRcode_encodeString(text.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    benchmark::DoNotOptimize(code);
    QRcode_free(code);
  }
}
BENCHMARK(BM_LibqrencodeEncodeString);

void BM_MakeMatrix(benchmark::State& state) {
  const std::string& text = order_text();
  for (auto _ : state) benchmark::DoNotOptimize(qr::make_matrix(text, qr::EcLevel::M));
}
BENCHMARK(BM_MakeMatrix);

void BM_RenderPng(benchmark::State& state) {
  const std::string& text = order_text();
  const qr::RenderOptions o;  // EC M, 4 px modules, 4-module quiet zone
  std::size_t bytes = 0;
  for (auto _ : state) {
    auto png = qr::render_png(text, o);
    bytes = png->size();
    benchmark::DoNotOptimize(png);
  }
  state.counters["png_bytes"] = static_cast<double>(bytes);
}
BENCHMARK(BM_RenderPng);

// The PNG half of BM_RenderPng alone (matrix made once).
void BM_MatrixToPng(benchmark::State& state) {
  const qr::QrMatrix m = *qr::make_matrix(order_text(), qr::EcLevel::M);
  const qr::RenderOptions o;
  for (auto _ : state) benchmark::DoNotOptimize(qr::matrix_to_png(m, o));
}
BENCHMARK(BM_MatrixToPng);

void BM_RenderSvg(benchmark::State& state) {
  const std::string& text = order_text();
  const qr::RenderOptions o;
  for (auto _ : state) benchmark::DoNotOptimize(qr::render_svg(text, o));
}
BENCHMARK(BM_RenderSvg);

void BM_ScanPng(benchmark::State& state) {
  const std::string png = *qr::render_png(order_text(), qr::RenderOptions{});
  for (auto _ : state) {
    auto texts = qr::scan_image_bytes(png);
    if (!texts.ok() || texts->empty() || (*texts)[0] != order_text()) {
      state.SkipWithError("scan did not return the payload");
      break;
    }
  }
}
BENCHMARK(BM_ScanPng)->Unit(benchmark::kMicrosecond);

}  // namespace
