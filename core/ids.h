// Identifiers of cho4's domain objects. Numeric ids are assigned by the ledger (monotonic, never
// reused); a strong type per kind stops a StallId from being passed where an OrderId is meant.
// Adapter instances are named by configuration ("sepay-main"), so theirs is a string.
#pragma once

#include <compare>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "core/status.h"

namespace cho4 {

template <class Tag>
struct Id {
  std::uint64_t value = 0;

  constexpr bool valid() const { return value != 0; }  // 0 is never assigned
  constexpr auto operator<=>(const Id&) const = default;
};

using MarketId = Id<struct MarketTag>;
using StallId = Id<struct StallTag>;
using OrderId = Id<struct OrderTag>;
using CreditId = Id<struct CreditTag>;  // the ledger's id of a recorded bank credit

// Decimal text of an id ("42") and back; parse fails on anything but 1..2^64-1 in plain digits.
std::string to_string_id(std::uint64_t value);
Result<std::uint64_t> parse_id(std::string_view text);

// A configured adapter instance ("sepay-main", "casso-v2"): [a-z0-9-_], 1..64 characters.
bool is_valid_instance_name(std::string_view name);

}  // namespace cho4

template <class Tag>
struct std::hash<cho4::Id<Tag>> {
  std::size_t operator()(const cho4::Id<Tag>& id) const noexcept {
    return std::hash<std::uint64_t>{}(id.value);
  }
};
