#include <charconv>

#include "adapters/internal.h"
#include "adapters/limits.h"

namespace cho4::adapters::internal {

namespace {
constexpr std::string_view kTokenVersion = "cho4t1";

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    std::size_t pos = s.find(sep, start);
    parts.push_back(s.substr(start, pos == std::string_view::npos ? pos : pos - start));
    if (pos == std::string_view::npos) break;
    start = pos + 1;
  }
  return parts;
}

std::optional<std::int64_t> to_int(std::string_view s) {
  std::int64_t v = 0;
  auto res = std::from_chars(s.data(), s.data() + s.size(), v);
  if (res.ec != std::errc{} || res.ptr != s.data() + s.size()) return std::nullopt;
  return v;
}
}  // namespace

std::optional<std::string_view> credentials_after_scheme(std::string_view header,
                                                         std::string_view scheme) {
  if (header.size() <= scheme.size() + 1) return std::nullopt;
  if (!iequals(header.substr(0, scheme.size()), scheme) || header[scheme.size()] != ' ') {
    return std::nullopt;
  }
  std::string_view rest = header.substr(scheme.size() + 1);
  while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
  while (!rest.empty() && rest.back() == ' ') rest.remove_suffix(1);
  if (rest.empty()) return std::nullopt;
  return rest;
}

std::optional<std::int64_t> parse_timestamp_digits(std::string_view text) {
  if (text.empty() || text.size() > 15) return std::nullopt;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  return to_int(text);
}

std::optional<AuthError> check_window(std::int64_t signed_at_ms, UnixMs now,
                                      std::int64_t tolerance_ms, std::string_view header) {
  std::int64_t drift = now - signed_at_ms;
  if (drift < 0) drift = -drift;
  if (drift > tolerance_ms) {
    return AuthError{AuthErrorKind::stale_timestamp,
                     std::string(header) + " is " + std::to_string(drift / 1000) +
                         " s away from now; tolerance " + std::to_string(tolerance_ms / 1000) +
                         " s"};
  }
  return std::nullopt;
}

std::optional<std::pair<std::string, std::string>> decode_basic(std::string_view b64) {
  std::optional<std::string> raw = base64_decode(b64);
  if (!raw) return std::nullopt;
  std::size_t colon = raw->find(':');
  if (colon == std::string::npos) return std::nullopt;
  return std::make_pair(raw->substr(0, colon), raw->substr(colon + 1));
}

TokenIssuer::TokenIssuer(std::string instance, std::string_view key, std::int64_t ttl_s)
    : instance_(std::move(instance)), key_(HashAlg::sha256, std::string(key)), ttl_s_(ttl_s) {}

std::string TokenIssuer::issue(std::string_view subject, UnixMs now) const {
  std::string payload(kTokenVersion);
  payload.append("|").append(instance_).append("|").append(subject);
  payload.append("|").append(std::to_string(now));
  payload.append("|").append(std::to_string(now + ttl_s_ * 1000));
  Digest mac = key_.compute(payload);
  return base64url_encode(payload) + "." + base64url_encode(mac.view());
}

Result<std::string, AuthError> TokenIssuer::verify(std::string_view token, UnixMs now) const {
  auto bad = [](std::string m) { return Err(AuthError{AuthErrorKind::bad_token, std::move(m)}); };
  if (token.size() > kCredentialBytesMax) return bad("token too long");
  std::size_t dot = token.find('.');
  if (dot == std::string_view::npos) return bad("token is not one this instance issued");
  std::optional<std::string> payload = base64url_decode(token.substr(0, dot));
  std::optional<std::string> mac = base64url_decode(token.substr(dot + 1));
  if (!payload || !mac) return bad("token is not one this instance issued");
  Digest expected = key_.compute(*payload);
  if (!constant_time_equal(expected.view(), *mac)) {
    return bad("token signature does not verify");
  }
  // Genuine from here on: the fields were written by issue().
  std::vector<std::string_view> f = split(*payload, '|');
  if (f.size() != 5 || f[0] != kTokenVersion) return bad("token of an unknown version");
  if (f[1] != instance_) return bad("token issued for another instance");
  std::optional<std::int64_t> expires = to_int(f[4]);
  if (!expires) return bad("token without an expiry");
  if (now >= *expires) {
    return Err(AuthError{AuthErrorKind::expired_token,
                         "token expired " + std::to_string((now - *expires) / 1000) + " s ago"});
  }
  return std::string(f[2]);
}

HttpReply TokenIssuer::reply(std::string_view token) const {
  std::string body = "{\"access_token\":\"";
  body.append(token);  // base64url and '.': nothing to escape
  body.append("\",\"token_type\":\"Bearer\",\"expires_in\":");
  body.append(std::to_string(ttl_s_));
  body.append("}");
  return HttpReply{200, "application/json", std::move(body)};
}

Result<std::string> token_key(const ConfigReader& config, std::string_view instance,
                              std::string_view client_secret) {
  CHO4_ASSIGN_OR_RETURN(std::optional<std::string> key, config.optional_secret("token_key"));
  if (key) return *std::move(key);
  // Derived: tokens then survive restarts as long as the client secret does, and rotating the
  // client secret revokes every outstanding token.
  std::string material = "cho4 token key v1";
  material.push_back('\0');
  material.append(instance);
  material.push_back('\0');
  material.append(client_secret);
  return std::string(sha256(material).view());
}

std::optional<AuthError> verify_bearer(const HttpRequest& request, const TokenIssuer& issuer,
                                       UnixMs now) {
  std::optional<std::string_view> auth = request.headers.get("Authorization");
  if (!auth) return AuthError{AuthErrorKind::missing_credentials, "no Authorization header"};
  std::optional<std::string_view> token = credentials_after_scheme(*auth, "Bearer");
  if (!token) {
    return AuthError{AuthErrorKind::malformed_header, "Authorization is not a Bearer token"};
  }
  Result<std::string, AuthError> r = issuer.verify(*token, now);
  if (!r.ok()) return r.error();
  return std::nullopt;
}

HttpReply json_reply(int status, std::string body) {
  return HttpReply{status, "application/json", std::move(body)};
}

}  // namespace cho4::adapters::internal
