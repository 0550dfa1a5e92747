#include "qr/crc16.h"

#include <array>

namespace cho4::qr {
namespace {

constexpr std::array<std::uint16_t, 256> make_table() {
  std::array<std::uint16_t, 256> t{};
  for (unsigned i = 0; i < 256; ++i) {
    std::uint16_t c = static_cast<std::uint16_t>(i << 8);
    for (int b = 0; b < 8; ++b)
      c = static_cast<std::uint16_t>((c & 0x8000) ? (c << 1) ^ 0x1021 : c << 1);
    t[i] = c;
  }
  return t;
}

constexpr auto kTable = make_table();

// Two bytes per step. CRC tables are linear (T[a ^ b] == T[a] ^ T[b]), so two byte steps
// collapse to crc' = T2[x >> 8] ^ T[x & 0xFF] with x = crc ^ (b0 << 8 | b1) and
// T2[h] = (T[h] << 8) ^ T[T[h] >> 8] (16-bit): half the serial dependency chain of byte steps.
constexpr std::array<std::uint16_t, 256> make_pair_table() {
  std::array<std::uint16_t, 256> t{};
  for (unsigned h = 0; h < 256; ++h)
    t[h] = static_cast<std::uint16_t>((kTable[h] << 8) ^ kTable[kTable[h] >> 8]);
  return t;
}

constexpr auto kPairTable = make_pair_table();

}  // namespace

std::uint16_t crc16_ccitt_false(std::string_view bytes) {
  std::uint16_t crc = 0xFFFF;
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  std::size_t n = bytes.size();
  for (; n >= 2; p += 2, n -= 2) {
    const unsigned x = crc ^ ((unsigned{p[0]} << 8) | p[1]);
    crc = static_cast<std::uint16_t>(kPairTable[x >> 8] ^ kTable[x & 0xFF]);
  }
  if (n == 1) crc = static_cast<std::uint16_t>((crc << 8) ^ kTable[((crc >> 8) ^ p[0]) & 0xFF]);
  return crc;
}

void format_crc(std::uint16_t crc, char out[4]) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  out[0] = kHex[(crc >> 12) & 0xF];
  out[1] = kHex[(crc >> 8) & 0xF];
  out[2] = kHex[(crc >> 4) & 0xF];
  out[3] = kHex[crc & 0xF];
}

}  // namespace cho4::qr
