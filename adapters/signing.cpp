#include "adapters/signing.h"

#include "adapters/canonical_json.h"
#include "adapters/internal.h"

namespace cho4::adapters {

std::optional<HttpRequest> Signer::token_request(UnixMs) const {
  return std::nullopt;
}

Result<std::string> bearer_from_token_reply(std::string_view reply_body) {
  Result<boost::json::value, ParseError> v = parse_json_strict(reply_body);
  if (!v.ok() || !v->is_object()) {
    return invalid_argument("token reply is not a JSON object");
  }
  const boost::json::value* token = v->get_object().if_contains("access_token");
  if (token == nullptr || !token->is_string() || token->get_string().empty()) {
    return invalid_argument("token reply has no access_token");
  }
  return std::string(token->get_string());
}

std::string webhook_path(std::string_view instance) {
  return "/v1/webhooks/" + std::string(instance);
}
std::string sepay_token_path(std::string_view instance) {
  return webhook_path(instance) + "/oauth/token";
}
std::string vietqr_token_path(std::string_view instance) {
  return webhook_path(instance) + "/token_generate";
}

}  // namespace cho4::adapters
