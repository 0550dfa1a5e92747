#include "adapters/adapter.h"

#include "adapters/canonical_json.h"
#include "adapters/internal.h"

namespace cho4::adapters {

HttpReply Adapter::failure_response(const AuthError& error) const {
  std::string body = "{\"error\":";
  js_quote_append(body, to_string(error.kind));
  body += "}";
  return internal::json_reply(http_status(error.kind), std::move(body));
}

Result<HttpReply, AuthError> Adapter::handle_token_request(const HttpRequest&, UnixMs) const {
  return Err(AuthError{AuthErrorKind::unsupported,
                       "adapter instance " + std::string(instance()) + " has no token endpoint"});
}

}  // namespace cho4::adapters
