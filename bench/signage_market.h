// A deterministic synthetic market for the signage benchmarks: Vietnamese stall names, ten banks,
// every fifth stall a price tag. Header-only; used by signage_bench.cpp and
// signage_batch_bench.cpp.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <random>
#include <string>

namespace cho4::bench {

inline std::string synthetic_market_csv(std::size_t stalls, std::uint64_t seed = 2026) {
  static const char* const kNames[] = {"Phở Bà Tư",         "Bún chả Hà Nội",     "Cơm tấm Sài Gòn",
                                       "Trái cây tươi",     "Cá kho làng Vũ Đại", "Bánh mì Hội An",
                                       "Chè bưởi",          "Gạo Nàng Hương",     "Rau sạch Đà Lạt",
                                       "Thịt heo quê",      "Hải sản Vũng Tàu",   "Bánh cuốn nóng",
                                       "Nem chua Thanh Hoá"};
  static const char* const kHolders[] = {"NGUYEN THI TU", "TRAN VAN BINH", "LE THI HONG",
                                         "PHAM MINH DUC", "HOANG THI YEN", "VU DINH KHOA",
                                         "DANG THI NGOC", "BUI QUANG HUY"};
  static const char* const kBanks[] = {"VCB", "MB",  "ACB", "TCB", "BIDV",
                                       "ICB", "VPB", "TPB", "STB", "970405"};
  std::mt19937_64 rng(seed);
  std::string csv = "market,stall_number,stall_name,account_holder,bank,account,amount,item\n";
  for (std::size_t i = 0; i < stalls; ++i) {
    std::string account;
    const std::size_t len = 9 + rng() % 6;
    for (std::size_t k = 0; k < len; ++k) account.push_back(static_cast<char>('0' + rng() % 10));
    std::string amount, item;
    if (i % 5 == 4) {
      amount = std::to_string((10 + rng() % 90) * 1000);
      item = "Đĩa số " + std::to_string(i % 100);
    }
    csv += "Chợ Bến Thành,";
    csv += static_cast<char>('A' + (i / 100) % 26);
    csv += std::to_string(i % 100 + 1) + ",\"" + kNames[i % std::size(kNames)] + "\"," +
           kHolders[(i * 3) % std::size(kHolders)] + "," + kBanks[i % std::size(kBanks)] + "," +
           account + "," + amount + "," + item + "\n";
  }
  return csv;
}

}  // namespace cho4::bench
