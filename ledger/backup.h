// Backups of a stopped store (`cho4 backup`): a RocksDB checkpoint (hard links where possible)
// into a new directory, verified by opening it; and restore, which copies a backup into an empty
// data directory. A running server uses Engine::checkpoint_to instead (a second process cannot
// open the live store).
#pragma once

#include <string>

#include "core/status.h"

namespace cho4::ledger {

// `to` must not exist. Fails with unavailable if the store is locked by a running process.
Status backup_store(const std::string& data_dir, const std::string& to);
// `data_dir` must not exist or be empty; `from` must be a backup (opens and checks it first).
Status restore_store(const std::string& from, const std::string& data_dir);

}  // namespace cho4::ledger
