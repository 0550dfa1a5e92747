#include "ledger/store_internal.h"

#include <rocksdb/cache.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/rate_limiter.h>
#include <rocksdb/slice_transform.h>
#include <rocksdb/sst_file_manager.h>
#include <rocksdb/table.h>

#include "ledger/schema_internal.h"

namespace cho4::ledger {
namespace {

class BackgroundErrorListener final : public rocksdb::EventListener {
 public:
  explicit BackgroundErrorListener(std::function<void(const std::string&)> f) : f_(std::move(f)) {}
  void OnBackgroundError(rocksdb::BackgroundErrorReason, rocksdb::Status* error) override {
    if (error != nullptr && !error->ok() && f_) f_(error->ToString());
  }

 private:
  std::function<void(const std::string&)> f_;
};

std::shared_ptr<rocksdb::Cache> shared_block_cache() {
  static constexpr std::size_t kBlockCacheBytes = 128u << 20;
  static std::shared_ptr<rocksdb::Cache> cache = rocksdb::NewLRUCache(kBlockCacheBytes);
  return cache;
}

// Memtable insert hints. A skip-list insert whose key is not next to the previous insert searches
// from the top of the list (about ten cache misses in a full memtable); with a hint per key prefix
// RocksDB repairs that prefix's last position instead. The writer puts the same few keys again in
// every batch (each touched stall's sequence and daily totals, each account's balance) and each
// stall's outbox chunks in ascending order, so one hint per stall or account turns those
// searches into a few steps near the previous version. The dedupe keys (random transaction ids)
// have no such locality and get no hints.
class StateInsertHintPrefix final : public rocksdb::SliceTransform {
 public:
  const char* Name() const override { return "cho4.StateInsertHintPrefix"; }
  rocksdb::Slice Transform(const rocksdb::Slice& key) const override {
    return rocksdb::Slice(key.data(), prefix_size(key));
  }
  bool InDomain(const rocksdb::Slice& key) const override { return prefix_size(key) > 0; }

 private:
  // 'Q', 'D' and 'S' keys: the tag and the stall; 'A' (balances): the whole key; 'O' (orders,
  // created in ascending id order): the tag. 0: no hint.
  static std::size_t prefix_size(const rocksdb::Slice& key) {
    if (key.empty()) return 0;
    switch (key[0]) {
      case 'A':
        return key.size();
      case 'O':
        return 1;
      case 'Q':
      case 'D':
      case 'S':
        return key.size() >= 9 ? 9 : 0;
      default:
        return 0;
    }
  }
};

enum class InsertHints { none, state, outbox };

rocksdb::ColumnFamilyOptions cf_options(bool point_lookups, std::size_t write_buffer_bytes,
                                        InsertHints hints = InsertHints::none) {
  rocksdb::ColumnFamilyOptions o;
  o.write_buffer_size = write_buffer_bytes;
  if (hints == InsertHints::state) {
    o.memtable_insert_with_hint_prefix_extractor = std::make_shared<StateInsertHintPrefix>();
    // The writer overwrites the same few hundred keys in every batch (each touched stall's
    // sequence and daily totals, each account's balance). In place, a value no larger than
    // the one in the memtable replaces it there instead of adding a version: the memtable
    // stays a few hundred entries, cache-resident, and is rarely flushed (it grew by half a
    // million versions every 16 s at 8,000 credits/s). Readers lose point-in-time iteration of
    // this family, which nothing needs while serving: it is iterated only at open and by
    // `ledger check`, each on a store with no writer.
    o.inplace_update_support = true;
  } else if (hints == InsertHints::outbox) {  // BE64(stall)
    o.memtable_insert_with_hint_prefix_extractor.reset(rocksdb::NewFixedPrefixTransform(8));
  }
  o.max_write_buffer_number = 4;
  o.level_compaction_dynamic_level_bytes = true;
  o.compression = rocksdb::kLZ4Compression;
  rocksdb::BlockBasedTableOptions t;
  if (point_lookups) {
    // Dedupe keys are mostly misses: a Bloom filter answers them without reading blocks.
    t.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10, false));
    t.whole_key_filtering = true;
    // Partitioned: a full filter of a 64 MB file is ~1.5 MB, which thrashes in a cache shard and
    // was re-read and checksummed on every miss (half the writer's time after a minute of
    // ingest). Partitions are 4 KB blocks; only the small top level stays pinned.
    t.partition_filters = true;
    t.index_type = rocksdb::BlockBasedTableOptions::kTwoLevelIndexSearch;
    t.metadata_block_size = 4096;
    t.pin_top_level_index_and_filter = true;
    t.cache_index_and_filter_blocks_with_high_priority = true;
    // The same for the memtables, which hold the last minutes of keys: without it every miss
    // walks a skip list of a million entries (two lookups per credit on the writer thread).
    o.memtable_prefix_bloom_size_ratio = 0.05;
    o.memtable_whole_key_filtering = true;
  }
  // Index and filter blocks go through the block cache instead of being read for every file at
  // open: with millions of credits, open time stays flat (level-0 ones stay pinned).
  t.cache_index_and_filter_blocks = true;
  t.pin_l0_filter_and_index_blocks_in_cache = true;
  t.block_cache = shared_block_cache();
  o.table_factory.reset(rocksdb::NewBlockBasedTableFactory(t));
  return o;
}

}  // namespace

Status from_rocksdb(const rocksdb::Status& s, std::string_view what) {
  std::string m(what);
  m += ": " + s.ToString();
  if (s.IsNoSpace() || s.IsIOError()) return unavailable(std::move(m));
  if (s.IsCorruption()) return data_loss(std::move(m));
  if (s.IsNotFound()) return not_found(std::move(m));
  if (s.IsBusy() || s.IsTryAgain()) return unavailable(std::move(m));
  return internal_error(std::move(m));
}

Result<std::unique_ptr<Store>> Store::open(const StoreOptions& options) {
  std::unique_ptr<Store> store(new Store());
  rocksdb::DBOptions db;
  db.create_if_missing = options.create_if_missing;
  db.create_missing_column_families = options.create_if_missing;
  db.max_background_jobs = 2;
  // One thread writes (the committer), and in-place updates of the state family need it.
  db.allow_concurrent_memtable_write = false;
  db.bytes_per_sync = 1 << 20;
  db.strict_bytes_per_sync = true;
  // Flushes and compactions write in paced steps instead of bursts: a burst of background
  // writeback queues ahead of the WAL's fsync and shows up as a commit-latency tail.
  db.rate_limiter.reset(rocksdb::NewGenericRateLimiter(
      128ll << 20, /*refill_period_us=*/20'000, /*fairness=*/10,
      rocksdb::RateLimiter::Mode::kWritesOnly, /*auto_tuned=*/false));
  db.keep_log_file_num = 4;
  db.max_total_wal_size = 256ull << 20;
  // Open reads no per-file statistics or sizes: reopen time does not grow with the store.
  db.skip_stats_update_on_db_open = true;
  db.skip_checking_sst_file_sizes_on_db_open = true;
  if (options.env != nullptr) {
    db.env = options.env;
  } else if (options.file_system) {
    store->owned_env_ = rocksdb::NewCompositeEnv(options.file_system);
    db.env = store->owned_env_.get();
  }
  if (!options.read_only) {
    // Obsolete WAL and table files are renamed to trash and truncated 1 MB at a time in the
    // background instead of unlinked at once. Unlinking a 150 MB WAL frees all its blocks at
    // once (on a disk mounted with online discard, one long TRIM) and the WAL fsyncs queue behind
    // it: 40-50 ms commit stalls each time RocksDB retired a WAL (p99.9 34 ms at 20,000
    // credits/s; 8 ms paced). Trash is bounded: beyond four times the size of the live table
    // files (only a young store gets there), deletion is immediate again. Trash left by a crash
    // is deleted at the next open.
    constexpr std::int64_t kDeleteBytesPerSecond = 64ll << 20;
    constexpr std::uint64_t kDeleteChunkBytes = 1u << 20;
    constexpr double kMaxTrashToLiveRatio = 4.0;
    rocksdb::Status sfm_status;
    db.sst_file_manager.reset(rocksdb::NewSstFileManager(
        db.env, /*info_log=*/nullptr, /*trash_dir=*/"", kDeleteBytesPerSecond,
        /*delete_existing_trash=*/true, &sfm_status, kMaxTrashToLiveRatio, kDeleteChunkBytes));
    if (!sfm_status.ok()) return from_rocksdb(sfm_status, "file manager for " + options.path);
  }
  if (options.statistics) {
    store->statistics_ = rocksdb::CreateDBStatistics();
    store->statistics_->set_stats_level(rocksdb::StatsLevel::kExceptTimers);
    db.statistics = store->statistics_;
  }
  if (options.on_background_error)
    db.listeners.push_back(std::make_shared<BackgroundErrorListener>(options.on_background_error));

  std::vector<rocksdb::ColumnFamilyDescriptor> cfs = {
      {rocksdb::kDefaultColumnFamilyName, cf_options(false, 4 << 20)},
      {schema::kJournalCf, cf_options(false, 128 << 20)},
      {schema::kDedupeCf, cf_options(true, 64 << 20)},
      {schema::kOutboxCf, cf_options(false, 16 << 20, InsertHints::outbox)},
      {schema::kStateCf, cf_options(true, 32 << 20, InsertHints::state)},
      {schema::kDeadCf, cf_options(false, 4 << 20)},
  };
  if (options.background_low_priority && !options.read_only) {
    // Lowers the threads that exist and those the pools start later. Not supported on every
    // platform: the store works without it.
    for (auto pool : {rocksdb::Env::Priority::LOW, rocksdb::Env::Priority::HIGH})
      db.env->LowerThreadPoolCPUPriority(pool, rocksdb::CpuPriority::kLow).PermitUncheckedError();
  }
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s =
      options.read_only
          ? rocksdb::DB::OpenForReadOnly(db, options.path, cfs, &store->handles_, &raw)
          : rocksdb::DB::Open(db, options.path, cfs, &store->handles_, &raw);
  if (!s.ok()) return from_rocksdb(s, "open " + options.path);
  store->db_.reset(raw);
  return store;
}

Store::~Store() {
  if (db_) {
    for (auto* h : handles_) db_->DestroyColumnFamilyHandle(h).PermitUncheckedError();
    db_->Close().PermitUncheckedError();
    db_.reset();
  }
}

}  // namespace cho4::ledger
