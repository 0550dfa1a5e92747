// Profiles: display details the API carries that the ledger does not keep — a market's city, a
// stall's number on the market map ("A12") and the account holder's name as printed on its sign.
// Kept in `<data>/profiles.json`, rewritten atomically (temp file + rename) on each change;
// money never depends on them. Thread-safe (one mutex).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "core/status.h"

namespace cho4::server {

struct MarketProfile {
  std::string city;
};
struct StallProfile {
  std::string number;       // "A12"
  std::string holder_name;  // "NGUYEN THI LAN"
};

class Profiles {
 public:
  // Loads `path` if it exists (an empty set otherwise). An empty path keeps everything in memory.
  static Result<std::unique_ptr<Profiles>> open(std::string path);

  MarketProfile market(std::uint64_t id) const;
  StallProfile stall(std::uint64_t id) const;
  Status set_market(std::uint64_t id, MarketProfile p);
  Status set_stall(std::uint64_t id, StallProfile p);

 private:
  explicit Profiles(std::string path) : path_(std::move(path)) {}
  Status save_locked() const;

  std::string path_;
  mutable std::mutex mu_;
  std::map<std::uint64_t, MarketProfile> markets_;
  std::map<std::uint64_t, StallProfile> stalls_;
};

}  // namespace cho4::server
