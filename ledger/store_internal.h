// The narrow seam between the ledger and RocksDB (internal to ledger/): opening a data directory
// with the ledger's column families and tuned options, and closing it. Engine, check and backup
// all open stores through here. A Store owns its DB and column family handles; not copyable; the
// DB itself is thread-safe.
#pragma once

#include <rocksdb/db.h>
#include <rocksdb/env.h>
#include <rocksdb/file_system.h>
#include <rocksdb/listener.h>
#include <rocksdb/statistics.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/status.h"

namespace cho4::ledger {

struct StoreOptions {
  std::string path;
  bool create_if_missing = true;
  bool read_only = false;
  std::shared_ptr<rocksdb::FileSystem> file_system;  // wraps the default file system when set
  rocksdb::Env* env = nullptr;
  bool statistics = false;
  // Run RocksDB's flush and compaction threads at the lowest CPU priority (nice 19). They are
  // the process's bulk work; at normal priority a compaction slice delays the I/O and ledger
  // threads sharing its core by whole scheduler periods, the commit-latency tail. The pools are
  // the process's (Env::Default()'s), so this applies to every store the process opens.
  bool background_low_priority = false;
  // Called from RocksDB's background threads when a flush or compaction fails (disk full).
  std::function<void(const std::string&)> on_background_error;
};

class Store {
 public:
  static Result<std::unique_ptr<Store>> open(const StoreOptions& options);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  rocksdb::DB* db() const { return db_.get(); }
  rocksdb::ColumnFamilyHandle* meta() const { return handles_[0]; }
  rocksdb::ColumnFamilyHandle* journal() const { return handles_[1]; }
  rocksdb::ColumnFamilyHandle* dedupe() const { return handles_[2]; }
  rocksdb::ColumnFamilyHandle* outbox() const { return handles_[3]; }
  rocksdb::ColumnFamilyHandle* state() const { return handles_[4]; }
  rocksdb::ColumnFamilyHandle* dead() const { return handles_[5]; }
  rocksdb::Statistics* statistics() const { return statistics_.get(); }

 private:
  Store() = default;
  std::unique_ptr<rocksdb::Env> owned_env_;
  std::shared_ptr<rocksdb::Statistics> statistics_;
  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
};

// A RocksDB status as a cho4 Status (NoSpace / IOError → unavailable or io_error, Corruption →
// data_loss, the rest internal), prefixed with what was being done.
Status from_rocksdb(const rocksdb::Status& s, std::string_view what);

}  // namespace cho4::ledger
