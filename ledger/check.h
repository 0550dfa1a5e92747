// Offline verification of a ledger data directory (`cho4 ledger check`): every invariant the
// engine relies on, read straight from the stored records, independent of the engine's in-memory
// state. Thread-safety: opens its own read-only RocksDB handle; do not run on a live store.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"

namespace cho4::ledger {

struct CheckReport {
  std::uint64_t credits = 0;
  std::uint64_t postings = 0;
  std::uint64_t accounts = 0;
  std::uint64_t orders = 0;
  std::uint64_t stalls = 0;
  std::uint64_t events = 0;
  std::vector<std::string> violations;  // empty when everything holds
  bool ok() const { return violations.empty(); }
};

// Checks: every journal record decodes and its postings balance; stored balances equal the sum of
// all postings and sum to zero; every credit has exactly one outcome and its dedupe key points
// back to it; per-stall outbox sequences run 1..last with no gap or duplicate; every order's
// stored total equals the sum of its credits; daily totals match the journal; counters exceed
// every used id. Fails (not a violation) only when the store cannot be opened.
Result<CheckReport> check_store(const std::string& path);

}  // namespace cho4::ledger
