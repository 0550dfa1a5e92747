// CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF, no reflection, xorout 0), the checksum EMVCo QR
// codes end with. Check value: crc16_ccitt_false("123456789") == 0x29B1. Pure; thread-safe.
#pragma once

#include <cstdint>
#include <string_view>

namespace cho4::qr {

std::uint16_t crc16_ccitt_false(std::string_view bytes);

// Writes the CRC as 4 upper-case, zero-padded hex digits (what field 63 carries).
void format_crc(std::uint16_t crc, char out[4]);

}  // namespace cho4::qr
