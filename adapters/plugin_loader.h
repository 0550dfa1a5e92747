// LoadedPlugin: one adapter plugin loaded from a shared object (dlopen) through the versioned C
// ABI in plugin_abi.h. The dlopen handle is shared by the LoadedPlugin and every Adapter and
// Signer it made: the library is closed when the last of them is destroyed.
//
// Thread-safety: load() once at start-up; afterwards make_adapter/make_signer are safe to call,
// and the adapters they make follow Adapter's thread-safety (the plugin promises the same).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include <boost/json/fwd.hpp>

#include "adapters/adapter.h"
#include "adapters/plugin_abi.h"
#include "adapters/signing.h"
#include "core/status.h"

namespace cho4::adapters {

class LoadedPlugin {
 public:
  // Opens the shared object and checks the ABI. Fails (nothing stays loaded) with:
  // io_error when dlopen fails (dlerror's text), failed_precondition naming the missing symbol or
  // giving both versions on an ABI mismatch, invalid_argument on a malformed function table.
  static Result<std::unique_ptr<LoadedPlugin>> load(const std::string& path);
  ~LoadedPlugin();
  LoadedPlugin(const LoadedPlugin&) = delete;
  LoadedPlugin& operator=(const LoadedPlugin&) = delete;

  const std::string& kind() const { return kind_; }
  const std::string& path() const { return path_; }

  // An instance of the plugin's kind from its configuration object (secrets already resolved:
  // `x_env` keys are replaced by `x`). The instance name is config["name"].
  Result<std::unique_ptr<Adapter>> make_adapter(const boost::json::object& config) const;
  // The plugin's signing side; unimplemented when the plugin has none.
  Result<std::unique_ptr<Signer>> make_signer(const boost::json::object& config) const;

 private:
  LoadedPlugin(std::shared_ptr<void> handle, const cho4_plugin_v1* table, std::string path);
  std::shared_ptr<void> handle_;
  const cho4_plugin_v1* table_;
  std::string path_;
  std::string kind_;
};

}  // namespace cho4::adapters
