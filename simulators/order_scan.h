// What a customer's banking app does with a dynamic order's code: decode the PNG the server
// serves and read the QR in it with ZXing (through qr/scan.h), yielding the VietQR payload text.
// Pure function; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace cho4::sim {

// The payload of the single QR code in a PNG image; invalid_argument when the bytes are not a
// PNG or no QR code is found.
Result<std::string> decode_order_png(std::string_view png_bytes);

}  // namespace cho4::sim
