#include <cstdlib>

#include "adapters/internal.h"
#include "adapters/limits.h"
#include "adapters/registry.h"
#include "core/ids.h"

namespace cho4::adapters {

namespace internal {

namespace {
std::string env_key(std::string_view key) {
  return std::string(key) + "_env";
}
}  // namespace

Result<std::string> ConfigReader::kind() const {
  return string("kind", std::nullopt);
}

Result<std::string> ConfigReader::name() const {
  CHO4_ASSIGN_OR_RETURN(std::string n, string("name", std::nullopt));
  if (!is_valid_instance_name(n)) {
    return invalid_argument("adapter config: \"name\" must be 1..64 of [a-z0-9-_], got \"" + n +
                            "\"");
  }
  return n;
}

Result<std::string> ConfigReader::string(std::string_view key,
                                         std::optional<std::string> fallback) const {
  const json::value* v = config_.if_contains(key);
  if (v == nullptr || v->is_null()) {
    if (fallback) return *std::move(fallback);
    return invalid_argument("adapter config: \"" + std::string(key) + "\" is required");
  }
  if (!v->is_string()) {
    return invalid_argument("adapter config: \"" + std::string(key) + "\" must be a string");
  }
  return std::string(v->get_string());
}

Result<std::optional<std::string>> ConfigReader::optional_secret(std::string_view key) const {
  const json::value* inline_value = config_.if_contains(key);
  const std::string env_name_key = env_key(key);
  const json::value* env_value = config_.if_contains(env_name_key);
  if (inline_value != nullptr && !inline_value->is_null() && env_value != nullptr &&
      !env_value->is_null()) {
    return invalid_argument("adapter config: give either \"" + std::string(key) + "\" or \"" +
                            env_name_key + "\", not both");
  }
  if (inline_value != nullptr && !inline_value->is_null()) {
    if (!inline_value->is_string() || inline_value->get_string().empty()) {
      return invalid_argument("adapter config: \"" + std::string(key) +
                              "\" must be a non-empty string");
    }
    return std::optional<std::string>(std::string(inline_value->get_string()));
  }
  if (env_value != nullptr && !env_value->is_null()) {
    if (!env_value->is_string() || env_value->get_string().empty()) {
      return invalid_argument("adapter config: \"" + env_name_key +
                              "\" must name an environment variable");
    }
    std::string var(env_value->get_string());
    std::optional<std::string> secret = secrets_ ? secrets_(var) : std::nullopt;
    if (!secret || secret->empty()) {
      return invalid_argument("adapter config: environment variable " + var + " (\"" +
                              env_name_key + "\") is unset or empty");
    }
    return std::optional<std::string>(std::move(*secret));
  }
  return std::optional<std::string>();
}

Result<std::string> ConfigReader::secret(std::string_view key) const {
  CHO4_ASSIGN_OR_RETURN(std::optional<std::string> s, optional_secret(key));
  if (!s) {
    return invalid_argument("adapter config: \"" + std::string(key) + "\" or \"" + env_key(key) +
                            "\" is required");
  }
  return *std::move(s);
}

Result<std::int64_t> ConfigReader::integer(std::string_view key, std::int64_t fallback,
                                           std::int64_t min, std::int64_t max) const {
  const json::value* v = config_.if_contains(key);
  if (v == nullptr || v->is_null()) return fallback;
  std::int64_t n = 0;
  if (v->is_int64()) {
    n = v->get_int64();
  } else if (v->is_uint64() && v->get_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) {
    n = static_cast<std::int64_t>(v->get_uint64());
  } else {
    return invalid_argument("adapter config: \"" + std::string(key) + "\" must be an integer");
  }
  if (n < min || n > max) {
    return out_of_range("adapter config: \"" + std::string(key) + "\" must be in [" +
                        std::to_string(min) + ", " + std::to_string(max) + "]");
  }
  return n;
}

Result<json::object> resolve_secrets(const json::object& config, const SecretLookup& secrets) {
  json::object out;
  ConfigReader reader(config, secrets);
  for (const auto& kv : config) {
    std::string_view key = kv.key();
    if (key.size() > 4 && key.substr(key.size() - 4) == "_env") {
      std::string_view base = key.substr(0, key.size() - 4);
      CHO4_ASSIGN_OR_RETURN(std::string value, reader.secret(base));
      out[base] = value;
    } else if (!out.contains(key)) {
      out[key] = kv.value();
    }
  }
  return out;
}

}  // namespace internal

SecretLookup environment_secrets() {
  return [](std::string_view name) -> std::optional<std::string> {
    // getenv is safe here: configuration is read once at start-up, before threads start.
    const char* v = std::getenv(std::string(name).c_str());
    if (v == nullptr) return std::nullopt;
    return std::string(v);
  };
}

Result<std::unique_ptr<Adapter>> make_builtin_adapter(const boost::json::object& config,
                                                      const SecretSource& secrets) {
  internal::ConfigReader reader(config, secrets);
  CHO4_ASSIGN_OR_RETURN(std::string kind, reader.kind());
  CHO4_ASSIGN_OR_RETURN(std::string name, reader.name());
  (void)name;
  if (kind == "sepay") return internal::make_sepay(reader);
  if (kind == "payos") return internal::make_payos(reader);
  if (kind == "casso") return internal::make_casso(reader);
  if (kind == "vietqr") return internal::make_vietqr(reader);
  if (kind == "standard_webhooks") return internal::make_standard_webhooks(reader);
  return invalid_argument("adapter config: unknown kind \"" + kind + "\"");
}

Result<std::unique_ptr<Signer>> make_builtin_signer(const boost::json::object& config,
                                                    const SecretLookup& secrets) {
  internal::ConfigReader reader(config, secrets);
  CHO4_ASSIGN_OR_RETURN(std::string kind, reader.kind());
  CHO4_ASSIGN_OR_RETURN(std::string name, reader.name());
  (void)name;
  if (kind == "sepay") return internal::make_sepay_signer(reader);
  if (kind == "payos") return internal::make_payos_signer(reader);
  if (kind == "casso") return internal::make_casso_signer(reader);
  if (kind == "vietqr") return internal::make_vietqr_signer(reader);
  if (kind == "standard_webhooks") return internal::make_standard_webhooks_signer(reader);
  return invalid_argument("adapter config: unknown kind \"" + kind + "\"");
}

}  // namespace cho4::adapters
