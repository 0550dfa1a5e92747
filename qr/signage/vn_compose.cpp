#include "qr/signage/vn_compose.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "core/vn_text.h"

namespace cho4::signage {
namespace {

struct Composition {
  char32_t base, mark1, mark2, composed;
};

constexpr Composition kCompositions[] = {
#include "qr/signage/vn_compose_table.inc"
};

constexpr bool key_less(const Composition& a, const Composition& b) {
  if (a.base != b.base) return a.base < b.base;
  if (a.mark1 != b.mark1) return a.mark1 < b.mark1;
  return a.mark2 < b.mark2;
}
static_assert(std::is_sorted(std::begin(kCompositions), std::end(kCompositions), key_less),
              "vn_compose_table.inc must be sorted");

bool is_combining_mark(char32_t cp) {
  return cp >= 0x0300 && cp <= 0x036F;
}

// Canonical combining classes of the marks Latin letters use (UnicodeData.txt).
int combining_class(char32_t m) {
  if (m == 0x031B) return 216;                 // horn (ơ, ư)
  if (m == 0x0327 || m == 0x0328) return 202;  // cedilla, ogonek
  if ((m >= 0x0316 && m <= 0x0319) ||
      (m >= 0x031C && m <= 0x0333 && m != 0x0321 && m != 0x0322 && m != 0x0327 && m != 0x0328))
    return 220;  // below
  return 230;    // above
}

// The precomposed letter for base + marks (in canonical order), if Unicode has one.
std::optional<char32_t> lookup(char32_t base, char32_t m1, char32_t m2) {
  const Composition key{base, m1, m2, 0};
  const auto it =
      std::lower_bound(std::begin(kCompositions), std::end(kCompositions), key, key_less);
  if (it != std::end(kCompositions) && it->base == base && it->mark1 == m1 && it->mark2 == m2)
    return it->composed;
  return std::nullopt;
}

// A precomposed letter back to its base and marks (linear: only called for letters followed by
// combining marks, which is rare).
std::optional<Composition> decomposition(char32_t cp) {
  for (const Composition& c : kCompositions)
    if (c.composed == cp) return c;
  return std::nullopt;
}

}  // namespace

std::string compose_vietnamese(std::string_view text) {
  std::vector<char32_t> cps;
  for (std::size_t pos = 0; pos < text.size();) {
    auto cp = next_code_point(text, pos);
    if (!cp) return std::string(text);  // not UTF-8: leave it to the caller's validation
    cps.push_back(*cp);
  }
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < cps.size();) {
    const char32_t starter = cps[i];
    std::size_t j = i + 1;
    while (j < cps.size() && is_combining_mark(cps[j])) ++j;
    if (j == i + 1 || is_combining_mark(starter)) {
      append_utf8(out, starter);
      ++i;
      continue;
    }
    // Base letter and every mark, the starter's own marks included, in canonical order.
    char32_t base = starter;
    std::vector<char32_t> marks;
    if (auto d = decomposition(starter)) {
      base = d->base;
      marks.push_back(d->mark1);
      if (d->mark2 != 0) marks.push_back(d->mark2);
    }
    marks.insert(marks.end(), cps.begin() + static_cast<std::ptrdiff_t>(i) + 1,
                 cps.begin() + static_cast<std::ptrdiff_t>(j));
    std::stable_sort(marks.begin(), marks.end(), [](char32_t a, char32_t b) {
      return combining_class(a) < combining_class(b);
    });
    std::optional<char32_t> composed;
    if (marks.size() == 1) composed = lookup(base, marks[0], 0);
    if (marks.size() == 2) composed = lookup(base, marks[0], marks[1]);
    if (composed) {
      append_utf8(out, *composed);
    } else {
      for (std::size_t k = i; k < j; ++k) append_utf8(out, cps[k]);
    }
    i = j;
  }
  return out;
}

}  // namespace cho4::signage
