// FaultFs: a RocksDB FileSystem wrapper for tests that simulates power loss and a full disk.
//
// It remembers, for every file written through it, how many bytes were synced (Sync/Fsync). On
// crash() the "machine loses power": from then on every write and sync is silently discarded
// (so closing the engine cannot make anything more durable), and drop_unsynced() truncates every
// file back to what was synced before the crash. revive() lets the next incarnation write again.
// set_no_space(true) makes every append fail with NoSpace (a full disk).
//
// Thread-safe (RocksDB calls it from its background threads).
#pragma once

#include <rocksdb/file_system.h>

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace cho4::ledger::testing {

class FaultFs final : public rocksdb::FileSystemWrapper {
 public:
  FaultFs();
  static std::shared_ptr<FaultFs> make() { return std::make_shared<FaultFs>(); }
  const char* Name() const override { return "cho4FaultFs"; }

  void crash() { dead_.store(true); }
  // Truncates every tracked file to its synced length (call after crash() and after the engine
  // is destroyed). Returns how many bytes were thrown away.
  std::uint64_t drop_unsynced();
  void revive() { dead_.store(false); }
  void set_no_space(bool on) { no_space_.store(on); }
  bool dead() const { return dead_.load(); }
  bool no_space() const { return no_space_.load(); }

  // Bookkeeping used by the file wrapper.
  void appended(const std::string& path, std::uint64_t n);
  void synced(const std::string& path);

  rocksdb::IOStatus NewWritableFile(const std::string& fname, const rocksdb::FileOptions& opts,
                                    std::unique_ptr<rocksdb::FSWritableFile>* result,
                                    rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus ReopenWritableFile(const std::string& fname, const rocksdb::FileOptions& opts,
                                       std::unique_ptr<rocksdb::FSWritableFile>* result,
                                       rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus ReuseWritableFile(const std::string& fname, const std::string& old_fname,
                                      const rocksdb::FileOptions& opts,
                                      std::unique_ptr<rocksdb::FSWritableFile>* result,
                                      rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus RenameFile(const std::string& src, const std::string& target,
                               const rocksdb::IOOptions& opts,
                               rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus DeleteFile(const std::string& fname, const rocksdb::IOOptions& opts,
                               rocksdb::IODebugContext* dbg) override;

 private:
  struct FileState {
    std::uint64_t size = 0;
    std::uint64_t synced = 0;
  };
  rocksdb::IOStatus wrap(const std::string& fname, rocksdb::IOStatus s,
                         std::unique_ptr<rocksdb::FSWritableFile>* result, std::uint64_t start);
  std::mutex mu_;
  std::map<std::string, FileState> files_;
  std::atomic<bool> dead_{false};
  std::atomic<bool> no_space_{false};
};

}  // namespace cho4::ledger::testing
