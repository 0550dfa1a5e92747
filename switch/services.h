// Services: the object graph handlers work with, built once by `cho4 serve` (switch/cli/serve.cpp)
// and passed by reference (no globals). Every member is thread-safe for the uses handlers make.
#pragma once

#include <atomic>
#include <cstddef>
#include <functional>
#include <string>

#include "core/clock.h"
#include "switch/config.h"

namespace cho4::ledger {
class Engine;
}
namespace cho4::adapters {
class Registry;
}

namespace cho4::server {

class AuthFailureLimiter;

class Auth;
class NotifyHub;
class Metrics;
class Profiles;
class Logger;
class StaticFiles;

struct Services {
  const ServerConfig& config;
  const Clock& clock;
  ledger::Engine& engine;
  adapters::Registry& adapters;
  Auth& auth;
  NotifyHub& hub;
  Metrics& metrics;
  Profiles& profiles;
  Logger& log;
  std::string openapi_json;  // switch/openapi.json, served at /openapi.json
  std::function<std::size_t()> connections = [] { return std::size_t{0}; };
  std::atomic<bool> draining{false};
  const StaticFiles* web = nullptr;  // the screens (web/), answered for paths no route matches
  AuthFailureLimiter* auth_limiter = nullptr;  // null: failures are never rate-limited (tests)
  // The secret behind signs' check codes (config signage_secret_env); "": signs carry none.
  std::string signage_secret;
};

}  // namespace cho4::server
