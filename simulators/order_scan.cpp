#include "simulators/order_scan.h"

#include "qr/scan.h"

namespace cho4::sim {

Result<std::string> decode_order_png(std::string_view png_bytes) {
  // The same path a phone takes: decode the image, find the code with ZXing.
  CHO4_ASSIGN_OR_RETURN(auto codes, qr::scan_image_bytes(png_bytes));
  if (codes.size() != 1)
    return invalid_argument("expected one QR code in the order image, found " +
                            std::to_string(codes.size()));
  return std::move(codes.front());
}

}  // namespace cho4::sim
