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

}  // namespace

std::uint16_t crc16_ccitt_false(std::string_view bytes) {
  std::uint16_t crc = 0xFFFF;
  for (unsigned char b : bytes)
    crc = static_cast<std::uint16_t>((crc << 8) ^ kTable[((crc >> 8) ^ b) & 0xFF]);
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
