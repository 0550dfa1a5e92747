// VietQR helpers for a build without cho4::qr (the qr module is optional at configure time):
// banks are named by their 6-digit BIN, no payloads or images are produced, and the QR routes are
// not registered (api.cpp asks qr_available()).
#include "switch/handlers/handlers.h"

namespace cho4::server::handlers {

bool qr_available() {
  return false;
}

std::string static_payload(Services&, const ledger::Stall&) {
  return {};
}
std::string order_payload(Services&, const ledger::Stall&, const ledger::Order&) {
  return {};
}

std::optional<BankInfo> find_bank(std::string_view text) {
  if (text.size() != 6) return std::nullopt;
  for (char c : text)
    if (c < '0' || c > '9') return std::nullopt;
  return BankInfo{std::string(text), "", ""};
}

BankInfo describe_bank(std::string_view bin) {
  return BankInfo{std::string(bin), "", ""};
}

Result<ScannedAccount> account_from_qr(std::string_view) {
  return Status(StatusCode::unimplemented, "this build has no QR decoder");
}

#define CHO4_NO_QR(name)                                                  \
  CHO4_HANDLER(name) {                                                    \
    (void)m, (void)s, (void)reply, (void)exec;                            \
    return problem(Problem::not_found, "no QR support in this build", r); \
  }
CHO4_NO_QR(stall_qr_png)
CHO4_NO_QR(stall_qr_svg)
CHO4_NO_QR(order_qr_png)
CHO4_NO_QR(order_qr_svg)
CHO4_NO_QR(qr_decode)
CHO4_NO_QR(qr_lint)
CHO4_NO_QR(sign_check)

}  // namespace cho4::server::handlers
