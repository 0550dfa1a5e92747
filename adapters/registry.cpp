#include "adapters/registry.h"

#include <boost/json.hpp>

#include "adapters/internal.h"
#include "adapters/plugin_loader.h"
#include "core/ids.h"

namespace cho4::adapters {

namespace json = boost::json;

namespace {
// CHO4_ASSIGN_OR_RETURN for functions that return a plain Status.
#define CHO4_ADAPTERS_ASSIGN_OR_STATUS(lhs, expr) \
  CHO4_ADAPTERS_ASSIGN_OR_STATUS_IMPL_(CHO4_CONCAT_(_cho4_st_result_, __LINE__), lhs, expr)
#define CHO4_ADAPTERS_ASSIGN_OR_STATUS_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                         \
  if (!tmp.ok()) return std::move(tmp).error();              \
  lhs = std::move(tmp).value()
}  // namespace

Registry::Registry(SecretSource secrets) : secrets_(std::move(secrets)) {}
Registry::~Registry() {
  // Adapters first: plugin adapters keep their library loaded anyway, but destroying them before
  // the LoadedPlugins keeps the order obvious.
  adapters_.clear();
  plugins_.clear();
}
Registry::Registry(Registry&&) noexcept = default;
Registry& Registry::operator=(Registry&&) noexcept = default;

Status Registry::load_plugin(const std::string& path) {
  CHO4_ADAPTERS_ASSIGN_OR_STATUS(std::unique_ptr<LoadedPlugin> plugin, LoadedPlugin::load(path));
  for (std::string_view k : kBuiltinKinds) {
    if (plugin->kind() == k) {
      return already_exists("plugin " + path + ": kind \"" + plugin->kind() +
                            "\" is a built-in kind");
    }
  }
  for (const auto& p : plugins_) {
    if (p->kind() == plugin->kind()) {
      return already_exists("plugin " + path + ": kind \"" + plugin->kind() +
                            "\" already loaded from " + p->path());
    }
  }
  plugins_.push_back(std::move(plugin));
  return Status();
}

Status Registry::add(std::unique_ptr<Adapter> adapter) {
  if (adapter == nullptr) return invalid_argument("null adapter");
  std::string name(adapter->instance());
  if (!is_valid_instance_name(name)) {
    return invalid_argument("adapter instance name \"" + name + "\" is not [a-z0-9-_]{1,64}");
  }
  if (adapters_.contains(name)) {
    return already_exists("adapter instance \"" + name + "\" is configured twice");
  }
  adapters_.emplace(std::move(name), std::move(adapter));
  return Status();
}

Status Registry::add_instance(const json::object& config) {
  internal::ConfigReader reader(config, secrets_);
  CHO4_ADAPTERS_ASSIGN_OR_STATUS(std::string kind, reader.kind());
  CHO4_ADAPTERS_ASSIGN_OR_STATUS(std::string name, reader.name());
  if (adapters_.contains(name)) {
    return already_exists("adapter instance \"" + name + "\" is configured twice");
  }
  for (const auto& p : plugins_) {
    if (p->kind() == kind) {
      CHO4_ADAPTERS_ASSIGN_OR_STATUS(json::object resolved,
                                     internal::resolve_secrets(config, secrets_));
      CHO4_ADAPTERS_ASSIGN_OR_STATUS(std::unique_ptr<Adapter> a, p->make_adapter(resolved));
      return add(std::move(a));
    }
  }
  CHO4_ADAPTERS_ASSIGN_OR_STATUS(std::unique_ptr<Adapter> a,
                                 make_builtin_adapter(config, secrets_));
  return add(std::move(a));
}

std::vector<Status> Registry::configure(const json::value& config) {
  std::vector<Status> problems;
  const json::array* instances = nullptr;
  if (config.is_array()) {
    instances = &config.get_array();
  } else if (config.is_object()) {
    const json::object& o = config.get_object();
    if (const json::value* plugins = o.if_contains("plugins")) {
      if (!plugins->is_array()) {
        problems.push_back(invalid_argument("adapters config: \"plugins\" must be an array"));
      } else {
        for (const json::value& p : plugins->get_array()) {
          if (!p.is_string()) {
            problems.push_back(invalid_argument("adapters config: plugin paths are strings"));
            continue;
          }
          Status st = load_plugin(std::string(p.get_string()));
          if (!st.ok()) problems.push_back(std::move(st));
        }
      }
    }
    if (const json::value* i = o.if_contains("instances")) {
      if (i->is_array()) {
        instances = &i->get_array();
      } else {
        problems.push_back(invalid_argument("adapters config: \"instances\" must be an array"));
      }
    }
  } else {
    problems.push_back(invalid_argument("adapters config must be an array or an object"));
  }
  if (instances != nullptr) {
    for (std::size_t i = 0; i < instances->size(); ++i) {
      const json::value& v = (*instances)[i];
      if (!v.is_object()) {
        problems.push_back(invalid_argument("adapters config: instance " + std::to_string(i) +
                                            " is not an object"));
        continue;
      }
      Status st = add_instance(v.get_object());
      if (!st.ok()) {
        problems.push_back(
            Status(st.code(), "instance " + std::to_string(i) + ": " + st.message()));
      }
    }
  }
  return problems;
}

const Adapter* Registry::find(std::string_view instance) const {
  auto it = adapters_.find(instance);
  return it == adapters_.end() ? nullptr : it->second.get();
}

std::vector<std::string> Registry::instance_names() const {
  std::vector<std::string> out;
  for (const auto& [name, a] : adapters_) out.push_back(name);
  return out;
}

std::vector<std::string> Registry::kinds() const {
  std::vector<std::string> out(std::begin(kBuiltinKinds), std::end(kBuiltinKinds));
  for (const auto& p : plugins_) out.push_back(p->kind());
  return out;
}

Result<std::unique_ptr<Signer>> Registry::make_signer(const json::object& config) const {
  internal::ConfigReader reader(config, secrets_);
  CHO4_ASSIGN_OR_RETURN(std::string kind, reader.kind());
  for (const auto& p : plugins_) {
    if (p->kind() == kind) {
      CHO4_ASSIGN_OR_RETURN(json::object resolved, internal::resolve_secrets(config, secrets_));
      return p->make_signer(resolved);
    }
  }
  return make_builtin_signer(config, secrets_);
}

}  // namespace cho4::adapters
