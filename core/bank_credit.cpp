#include "core/bank_credit.h"

namespace cho4 {

std::string_view to_string(Direction d) {
  return d == Direction::out ? "out" : "in";
}

std::string_view to_string(VerifiedScheme s) {
  switch (s) {
    case VerifiedScheme::none:
      return "none";
    case VerifiedScheme::api_key:
      return "api_key";
    case VerifiedScheme::hmac_sha256:
      return "hmac_sha256";
    case VerifiedScheme::oauth2_bearer:
      return "oauth2_bearer";
    case VerifiedScheme::payos_signature:
      return "payos_signature";
    case VerifiedScheme::casso_hmac_sha512:
      return "casso_hmac_sha512";
    case VerifiedScheme::vietqr_bearer:
      return "vietqr_bearer";
    case VerifiedScheme::standard_webhooks:
      return "standard_webhooks";
    case VerifiedScheme::plugin:
      return "plugin";
  }
  return "unknown";
}

}  // namespace cho4
