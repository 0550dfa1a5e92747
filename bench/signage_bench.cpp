// Micro benchmarks of sign production, per card: the QR matrix alone (the reference), laying out a
// card (QR + text fitting with the real font), drawing it into a streamed A4 PDF, and a PNG.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "qr/render.h"
#include "qr/signage/batch.h"
#include "qr/signage/sign.h"

namespace {

using namespace cho4::signage;

SignInput bench_input() {
  static const CheckCodeKey key = CheckCodeKey::from_secret("benchmark-market-secret-0123").value();
  RawFields f{
      {"market", "Chợ Bến Thành"},         {"stall_number", "A12"}, {"stall_name", "Phở Bà Tư"},
      {"account_holder", "NGUYEN THI TU"}, {"bank", "VCB"},         {"account", "0123456789"}};
  return sign_input_from_fields(f, 0, {}, &key).value();
}

std::string temp_path(const char* name) {
  return (std::filesystem::temp_directory_path() /
          ("cho4-signage-bench-" + std::to_string(getpid()) + "-" + name))
      .string();
}

void BM_SignageQrMatrixReference(benchmark::State& state) {
  const SignInput in = bench_input();
  for (auto _ : state)
    benchmark::DoNotOptimize(cho4::qr::make_matrix(in.payload, cho4::qr::EcLevel::Q));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SignageQrMatrixReference);

void BM_SignageLayOutCard(benchmark::State& state) {
  const SignInput in = bench_input();
  for (auto _ : state) benchmark::DoNotOptimize(lay_out_sign(in, Layout::a6x4));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SignageLayOutCard);

void BM_SignagePdfCard(benchmark::State& state) {
  const SignLayout card = lay_out_sign(bench_input(), Layout::a6x4).value();
  const std::string path = temp_path("cards.pdf");
  auto pdf = SignPdf::create(path, Layout::a6x4, "bench").value();
  for (auto _ : state) benchmark::DoNotOptimize(pdf->add(card));
  if (!pdf->finish().ok()) state.SkipWithError("PDF not written");
  std::filesystem::remove(path);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SignagePdfCard);

void BM_SignagePngPrint(benchmark::State& state) {
  const SignLayout card = lay_out_sign(bench_input(), Layout::print).value();
  const std::string path = temp_path("sign.png");
  for (auto _ : state) benchmark::DoNotOptimize(write_sign_png(card, path));
  std::filesystem::remove(path);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SignagePngPrint);

}  // namespace
