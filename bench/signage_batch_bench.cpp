// The signage acceptance benchmark: a whole market (1,000 stalls by default) printed four cards per
// A4 sheet, timed, with the process's peak RSS, against the targets (≤ 10 s, ≤ 200 MB). The
// reference in the same run is laying out every card without drawing (fonts, QR matrices, text
// fitting), so the ratio shows what drawing and writing the PDF cost on top.
//
//   cho4-signage-batch-bench [STALLS] [LAYOUT]        run and report (exit 1 over a target)
//   cho4-signage-batch-bench --write-csv FILE STALLS  only write the synthetic market's CSV
// bench/signage_batch.sh runs it under /usr/bin/time -v and times the `cho4 signage` command too.
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "bench/signage_market.h"
#include "qr/signage/batch.h"

namespace {

using namespace cho4::signage;
using Clock = std::chrono::steady_clock;

constexpr double kTargetSeconds = 10.0;
constexpr double kTargetPeakRssMb = 200.0;

double peak_rss_mb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;  // Linux reports KiB
}

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 4 && std::string(argv[1]) == "--write-csv") {
    std::ofstream(argv[2], std::ios::binary)
        << cho4::bench::synthetic_market_csv(std::strtoul(argv[3], nullptr, 10));
    return 0;
  }
  const std::size_t stalls = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 1000;
  auto layout = parse_layout(argc > 2 ? argv[2] : "a6x4");
  if (stalls == 0 || !layout.ok() || !is_paper(*layout)) {
    std::fprintf(stderr, "usage: %s [STALLS] [a6x4|a6|a5]\n", argv[0]);
    return 2;
  }
  const auto dir =
      std::filesystem::temp_directory_path() / ("cho4-signage-bench-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  const std::string csv = (dir / "market.csv").string();
  const std::string pdf = (dir / "market.pdf").string();
  std::ofstream(csv, std::ios::binary) << cho4::bench::synthetic_market_csv(stalls);

  BatchOptions o;
  o.stalls_path = csv;
  o.out_path = pdf;
  o.layout = *layout;
  o.check_key = CheckCodeKey::from_secret("benchmark-market-secret-0123456789").value();

  // Reference: every row read, checked and laid out, nothing drawn.
  const auto ref_start = Clock::now();
  std::size_t laid_out = 0;
  {
    auto file = StallFile::open(csv);
    if (!file.ok()) return 3;
    while (true) {
      auto row = (**file).next();
      if (!row.ok() || !*row) break;
      auto in = sign_input_from_fields((*row)->fields, (*row)->line, {}, &*o.check_key);
      if (in.ok() && lay_out_sign(*in, o.layout).ok()) ++laid_out;
    }
  }
  const double ref_s = seconds_since(ref_start);

  const auto start = Clock::now();
  auto report = print_batch(o);
  const double s = seconds_since(start);
  if (!report.ok()) {
    std::fprintf(stderr, "batch failed: %s\n", report.error().status.message().c_str());
    return 3;
  }
  const auto bytes = std::filesystem::file_size(pdf);
  const double rss = peak_rss_mb();
  std::filesystem::remove_all(dir);

  std::printf("signage batch: %zu stalls, layout %s\n", stalls,
              std::string(to_string(o.layout)).c_str());
  std::printf("  %-34s %10.3f s   (%.0f cards/s)\n", "reference: lay out only", ref_s,
              laid_out / ref_s);
  std::printf("  %-34s %10.3f s   (%.0f cards/s; %.2f x reference)\n", "print_batch (check + draw)",
              s, report->cards / s, s / ref_s);
  std::printf("  %-34s %10zu cards on %zu pages, %.1f MB\n", "output", report->cards, report->pages,
              bytes / 1e6);
  std::printf("  %-34s %10.1f MB\n", "peak RSS", rss);
  std::printf("  target: <= %.0f s (%.2f of it used), peak RSS <= %.0f MB (%.2f of it used)\n",
              kTargetSeconds, s / kTargetSeconds, kTargetPeakRssMb, rss / kTargetPeakRssMb);
  const bool ok = s <= kTargetSeconds && rss <= kTargetPeakRssMb;
  std::printf("  %s\n", ok ? "within target" : "OVER TARGET");
  return ok ? 0 : 1;
}
