#include "switch/auth_limiter.h"

#include "switch/logger.h"

namespace cho4::server {
namespace {

// "127.0.0.1:50312" → "127.0.0.1", "[::1]:50312" → "[::1]": failures count per address, not per
// connection.
std::string address_of(const std::string& remote) {
  const auto colon = remote.rfind(':');
  if (colon == std::string::npos || remote.find(']', colon) != std::string::npos) return remote;
  return remote.substr(0, colon);
}

}  // namespace

AuthFailureLimiter::Verdict AuthFailureLimiter::record_failure(const std::string& remote) {
  const std::string address = address_of(remote);
  const UnixMs now = clock_.now_ms();
  std::uint32_t failures = 0;
  {
    std::lock_guard lock(mu_);
    if (windows_.size() >= kAuthLimiterAddressesMax && !windows_.count(address)) {
      std::erase_if(windows_, [&](const auto& kv) {
        return now - kv.second.start_ms >= kAuthFailureWindowMs;
      });
      // Still full of live windows (a distributed flood): forget them rather than grow.
      if (windows_.size() >= kAuthLimiterAddressesMax) windows_.clear();
    }
    Window& w = windows_[address];
    if (now - w.start_ms >= kAuthFailureWindowMs) w = Window{now, 0};
    failures = ++w.failures;
  }
  Verdict v;
  v.limited = failures > kAuthFailuresBeforeLimit;
  v.log = failures <= kAuthFailuresLoggedMax;
  if (failures == kAuthFailuresLoggedMax + 1) {
    // One line per address and window instead of one per failure.
    log_.warn("auth_failures_rate_limited", {{"address", address},
                                             {"failures_before_limit", kAuthFailuresBeforeLimit},
                                             {"window_ms", kAuthFailureWindowMs}});
  }
  return v;
}

}  // namespace cho4::server
