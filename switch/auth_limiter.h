// AuthFailureLimiter: counts failed bearer-token authentications per client address in a short
// window. Past the limit the address's failures are answered 429 (with Retry-After) instead of
// 401, and are no longer access-logged one by one: one summary line per address and window says
// how many were refused. A valid token from the same address still works (on loopback, or behind
// one NAT, a legitimate client shares the attacker's address).
//
// Thread-safe (one mutex; touched only on failures and their checks). Bounded: at most
// kAuthLimiterAddressesMax addresses are tracked; the oldest windows are dropped first.
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

#include "core/clock.h"
#include "switch/limits.h"

namespace cho4::server {

class Logger;

class AuthFailureLimiter {
 public:
  AuthFailureLimiter(const Clock& clock, Logger& log) : clock_(clock), log_(log) {}
  AuthFailureLimiter(const AuthFailureLimiter&) = delete;
  AuthFailureLimiter& operator=(const AuthFailureLimiter&) = delete;

  struct Verdict {
    bool limited = false;  // answer 429, not 401
    bool log = true;       // access-log this failure (false once the address is summarised)
  };
  // Records one failed authentication from `remote` ("host:port"; the port is ignored).
  Verdict record_failure(const std::string& remote);

 private:
  struct Window {
    UnixMs start_ms = 0;
    std::uint32_t failures = 0;
  };
  const Clock& clock_;
  Logger& log_;
  std::mutex mu_;
  std::unordered_map<std::string, Window> windows_;
};

}  // namespace cho4::server
