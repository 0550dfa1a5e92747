#include "simulators/webhook.h"

#include <boost/json/value.hpp>

namespace cho4::sim {
namespace {

// The forger's secret: same shape as the real one, different bytes.
std::string wrong_secret(const AdapterInstance& inst) {
  std::string s = inst.secret;
  for (std::size_t i = s.size() > 8 ? s.size() - 8 : 0; i < s.size(); ++i)
    s[i] = s[i] == 'a' ? 'b' : 'a';
  return s;
}

}  // namespace

bool txn_id_is_bank_reference(ProviderKind kind) {
  return kind == ProviderKind::payos || kind == ProviderKind::vietqr;
}

boost::json::object instance_config(const AdapterInstance& inst) {
  boost::json::object o;
  o["kind"] = std::string(to_string(inst.kind));
  o["name"] = inst.name;
  switch (inst.kind) {
    case ProviderKind::sepay:
      o["auth"] = "hmac";
      o["secret_env"] = inst.secret_env;
      break;
    case ProviderKind::payos:
      o["checksum_key_env"] = inst.secret_env;
      break;
    case ProviderKind::casso:
      o["version"] = 2;
      o["secret_env"] = inst.secret_env;
      break;
    case ProviderKind::vietqr:
      o["username"] = inst.name;
      o["password_env"] = inst.secret_env;
      break;
    case ProviderKind::standard_webhooks:
      o["secret_env"] = inst.secret_env;
      break;
  }
  return o;
}

boost::json::array adapters_config(const World& world) {
  boost::json::array a;
  for (const auto& inst : world.instances) a.push_back(instance_config(inst));
  return a;
}

std::vector<std::pair<std::string, std::string>> secret_environment(const World& world) {
  std::vector<std::pair<std::string, std::string>> env;
  for (const auto& inst : world.instances) env.emplace_back(inst.secret_env, inst.secret);
  return env;
}

Result<WebhookFactory> WebhookFactory::create(const World& world) {
  WebhookFactory f;
  for (const auto& inst : world.instances) {
    const auto config = instance_config(inst);
    const std::string good = inst.secret, bad = wrong_secret(inst);
    auto lookup = [&](const std::string& value) {
      return [value, env = inst.secret_env](std::string_view name) -> std::optional<std::string> {
        if (name == env) return value;
        return std::nullopt;
      };
    };
    auto signer = adapters::make_builtin_signer(config, lookup(good));
    if (!signer.ok())
      return invalid_argument("signer for " + inst.name + ": " + signer.error().message());
    auto forger = adapters::make_builtin_signer(config, lookup(bad));
    if (!forger.ok())
      return invalid_argument("forger for " + inst.name + ": " + forger.error().message());
    f.signers_.push_back(std::move(*signer));
    f.forgers_.push_back(std::move(*forger));
  }
  return f;
}

Result<adapters::HttpRequest> WebhookFactory::build(std::uint32_t instance,
                                                    const BankCredit& credit, UnixMs now,
                                                    bool forged, std::string_view bearer) const {
  if (instance >= signers_.size()) return invalid_argument("no such instance");
  const auto& signer = forged ? *forgers_[instance] : *signers_[instance];
  // Token modes authenticate with the bearer, not a body signature: a forgery carries a token
  // the server never issued.
  const std::string forged_bearer = "sim-forged-" + credit.provider_txn_id;
  return signer.sign(std::span<const BankCredit>(&credit, 1), now,
                     forged && !bearer.empty() ? std::string_view(forged_bearer) : bearer);
}

std::optional<adapters::HttpRequest> WebhookFactory::token_request(std::uint32_t instance,
                                                                   UnixMs now) const {
  if (instance >= signers_.size()) return std::nullopt;
  return signers_[instance]->token_request(now);
}

}  // namespace cho4::sim
