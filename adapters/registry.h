// Registry: every configured adapter instance, built once at start-up from configuration, and
// the plugin kinds loaded from shared objects. Owns the adapters and the loaded plugins.
//
// Configuration is a Boost.JSON value, either an array of instance objects or
//   {"plugins": ["/path/libcho4_fictobank.so", …], "instances": [ {…}, … ]}
// where each instance is e.g.
//   {"kind":"sepay","name":"sepay-main","auth":"hmac","secret_env":"CHO4_SEPAY_SECRET","tolerance_s":300}
// (docs/adapters.md lists the keys of every kind). A secret `x` may instead be named by
// `x_env`, the environment variable that holds it, so that config files carry no secrets.
//
// Thread-safety: configure first (single-threaded); afterwards find() and the adapters are safe
// to use concurrently. Not copyable; movable.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/fwd.hpp>

#include "adapters/adapter.h"
#include "adapters/signing.h"
#include "core/status.h"

namespace cho4::adapters {

class LoadedPlugin;  // adapters/plugin_loader.h

// Where `*_env` secrets come from: the process environment in production, a map in tests.
using SecretSource = SecretLookup;
SecretSource environment_secrets();

// Builds one built-in adapter instance from its configuration object (no plugins). Fails with
// invalid_argument naming the key (never the secret's value) on an unknown kind, a bad name
// (core's is_valid_instance_name), a missing or unusable secret, or an unknown auth mode.
Result<std::unique_ptr<Adapter>> make_builtin_adapter(const boost::json::object& config,
                                                      const SecretSource& secrets);

class Registry {
 public:
  explicit Registry(SecretSource secrets = environment_secrets());
  ~Registry();
  Registry(Registry&&) noexcept;
  Registry& operator=(Registry&&) noexcept;
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  // Loads a plugin (dlopen) and registers its kind. A wrong ABI version, a missing symbol or a
  // kind that already exists fails with a clear Status; the registry stays usable.
  Status load_plugin(const std::string& path);

  // Builds one instance (built-in or plugin kind) and registers it under its name. Fails on a
  // duplicate name and on everything make_builtin_adapter() refuses.
  Status add_instance(const boost::json::object& config);
  // Registers an adapter built elsewhere (tests, embedders).
  Status add(std::unique_ptr<Adapter> adapter);

  // Applies a whole configuration (see above): every plugin, then every instance. Returns one
  // Status per failure (empty when all succeeded); what did succeed stays registered, so one
  // broken plugin does not take the other adapters down. The caller decides what is fatal.
  std::vector<Status> configure(const boost::json::value& config);

  // The instance of this name, or nullptr. The pointer lives as long as the registry.
  const Adapter* find(std::string_view instance) const;
  std::vector<std::string> instance_names() const;
  // Every kind an instance may name: the built-ins, then loaded plugins.
  std::vector<std::string> kinds() const;

  // The signing side for an instance configuration (built-in or plugin kind).
  Result<std::unique_ptr<Signer>> make_signer(const boost::json::object& config) const;

 private:
  SecretSource secrets_;
  std::vector<std::unique_ptr<LoadedPlugin>> plugins_;
  std::map<std::string, std::unique_ptr<Adapter>, std::less<>> adapters_;
};

}  // namespace cho4::adapters
