#include "qr/banks.h"

#include <algorithm>
#include <mutex>

#include "core/vn_text.h"

// qr/banks.tsv, compiled in by CMake (banks_data.cpp).
extern "C" const char kCho4BanksTsv[];

namespace cho4::qr {
namespace {

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == sep) {
      out.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  return out;
}

// Matching key: folded to ASCII, upper-cased, spaces, dashes and dots removed ("Co-op Bank" →
// "COOPBANK", "Ngân hàng Á Châu" → "NGANHANGACHAU").
std::string key_of(std::string_view name) {
  std::string out;
  for (char c : fold_for_matching(name))
    if (c != ' ') out += c;
  return out;
}

struct Registry {
  std::vector<Bank> banks;
  std::vector<std::pair<std::string, std::size_t>> index;  // key → bank, sorted by key
};

const Registry& registry() {
  static const Registry r = [] {
    Registry reg;
    for (std::string_view line : split(kCho4BanksTsv, '\n')) {
      if (line.empty() || line.front() == '#') continue;
      const auto cols = split(line, '\t');
      if (cols.size() < 3) continue;
      Bank b{std::string(cols[0]), std::string(cols[1]), std::string(cols[2]), {}};
      if (cols.size() > 3)
        for (std::string_view a : split(cols[3], '|'))
          if (!a.empty()) b.aliases.emplace_back(a);
      reg.banks.push_back(std::move(b));
    }
    for (std::size_t i = 0; i < reg.banks.size(); ++i) {
      const Bank& b = reg.banks[i];
      reg.index.emplace_back(b.bin, i);
      reg.index.emplace_back(key_of(b.code), i);
      reg.index.emplace_back(key_of(b.name), i);
      for (const auto& a : b.aliases) reg.index.emplace_back(key_of(a), i);
    }
    std::stable_sort(reg.index.begin(), reg.index.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    return reg;
  }();
  return r;
}

}  // namespace

const Bank* find_bank(std::string_view bin_code_or_name) {
  const Registry& r = registry();
  const std::string key = key_of(bin_code_or_name);
  if (key.empty()) return nullptr;
  const auto it = std::lower_bound(r.index.begin(), r.index.end(), key,
                                   [](const auto& e, const std::string& k) { return e.first < k; });
  if (it == r.index.end() || it->first != key) return nullptr;
  return &r.banks[it->second];
}

std::span<const Bank> all_banks() {
  return registry().banks;
}

}  // namespace cho4::qr
