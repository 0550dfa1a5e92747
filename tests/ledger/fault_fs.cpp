#include "tests/ledger/fault_fs.h"

#include <sys/stat.h>
#include <unistd.h>

namespace cho4::ledger::testing {
namespace {

using rocksdb::IODebugContext;
using rocksdb::IOOptions;
using rocksdb::IOStatus;
using rocksdb::Slice;

class FaultFile final : public rocksdb::FSWritableFileOwnerWrapper {
 public:
  FaultFile(std::unique_ptr<rocksdb::FSWritableFile> f, FaultFs* fs, std::string path)
      : FSWritableFileOwnerWrapper(std::move(f)), fs_(fs), path_(std::move(path)) {}

  IOStatus Append(const Slice& data, const IOOptions& o, IODebugContext* dbg) override {
    if (fs_->dead()) return IOStatus::OK();  // the power is off: nothing reaches the disk
    if (fs_->no_space()) return IOStatus::NoSpace("FaultFs: disk full");
    IOStatus s = target()->Append(data, o, dbg);
    if (s.ok()) fs_->appended(path_, data.size());
    return s;
  }
  IOStatus Append(const Slice& data, const IOOptions& o, const rocksdb::DataVerificationInfo&,
                  IODebugContext* dbg) override {
    return Append(data, o, dbg);
  }
  IOStatus PositionedAppend(const Slice&, uint64_t, const IOOptions&, IODebugContext*) override {
    return IOStatus::NotSupported("FaultFs: PositionedAppend");
  }
  IOStatus PositionedAppend(const Slice&, uint64_t, const IOOptions&,
                            const rocksdb::DataVerificationInfo&, IODebugContext*) override {
    return IOStatus::NotSupported("FaultFs: PositionedAppend");
  }
  IOStatus Flush(const IOOptions& o, IODebugContext* dbg) override {
    if (fs_->dead()) return IOStatus::OK();
    return target()->Flush(o, dbg);
  }
  IOStatus Sync(const IOOptions& o, IODebugContext* dbg) override {
    if (fs_->dead()) return IOStatus::OK();
    IOStatus s = target()->Sync(o, dbg);
    if (s.ok()) fs_->synced(path_);
    return s;
  }
  IOStatus Fsync(const IOOptions& o, IODebugContext* dbg) override {
    if (fs_->dead()) return IOStatus::OK();
    IOStatus s = target()->Fsync(o, dbg);
    if (s.ok()) fs_->synced(path_);
    return s;
  }
  IOStatus RangeSync(uint64_t, uint64_t, const IOOptions&, IODebugContext*) override {
    // sync_file_range is not a durability point: treat it as a no-op.
    return IOStatus::OK();
  }
  IOStatus Close(const IOOptions& o, IODebugContext* dbg) override {
    if (fs_->dead()) return IOStatus::OK();
    return target()->Close(o, dbg);
  }
  bool IsSyncThreadSafe() const override { return false; }

 private:
  FaultFs* fs_;
  std::string path_;
};

}  // namespace

FaultFs::FaultFs() : FileSystemWrapper(rocksdb::FileSystem::Default()) {}

void FaultFs::appended(const std::string& path, std::uint64_t n) {
  std::lock_guard lock(mu_);
  files_[path].size += n;
}
void FaultFs::synced(const std::string& path) {
  std::lock_guard lock(mu_);
  auto& f = files_[path];
  f.synced = f.size;
}

IOStatus FaultFs::wrap(const std::string& fname, IOStatus s,
                       std::unique_ptr<rocksdb::FSWritableFile>* result, std::uint64_t start) {
  if (!s.ok()) return s;
  {
    std::lock_guard lock(mu_);
    files_[fname] = FileState{start, start};
  }
  *result = std::make_unique<FaultFile>(std::move(*result), this, fname);
  return s;
}

IOStatus FaultFs::NewWritableFile(const std::string& fname, const rocksdb::FileOptions& opts,
                                  std::unique_ptr<rocksdb::FSWritableFile>* result,
                                  IODebugContext* dbg) {
  if (dead()) return IOStatus::IOError("FaultFs: power is off");
  return wrap(fname, target()->NewWritableFile(fname, opts, result, dbg), result, 0);
}

IOStatus FaultFs::ReopenWritableFile(const std::string& fname, const rocksdb::FileOptions& opts,
                                     std::unique_ptr<rocksdb::FSWritableFile>* result,
                                     IODebugContext* dbg) {
  if (dead()) return IOStatus::IOError("FaultFs: power is off");
  struct stat st {};
  std::uint64_t start =
      ::stat(fname.c_str(), &st) == 0 ? static_cast<std::uint64_t>(st.st_size) : 0;
  return wrap(fname, target()->ReopenWritableFile(fname, opts, result, dbg), result, start);
}

IOStatus FaultFs::ReuseWritableFile(const std::string& fname, const std::string& old_fname,
                                    const rocksdb::FileOptions& opts,
                                    std::unique_ptr<rocksdb::FSWritableFile>* result,
                                    IODebugContext* dbg) {
  if (dead()) return IOStatus::IOError("FaultFs: power is off");
  return wrap(fname, target()->ReuseWritableFile(fname, old_fname, opts, result, dbg), result, 0);
}

IOStatus FaultFs::RenameFile(const std::string& src, const std::string& dst, const IOOptions& o,
                             IODebugContext* dbg) {
  if (dead()) return IOStatus::OK();
  IOStatus s = target()->RenameFile(src, dst, o, dbg);
  if (s.ok()) {
    std::lock_guard lock(mu_);
    auto it = files_.find(src);
    if (it != files_.end()) {
      files_[dst] = it->second;
      files_.erase(src);
    } else {
      files_.erase(dst);
    }
  }
  return s;
}

IOStatus FaultFs::DeleteFile(const std::string& fname, const IOOptions& o, IODebugContext* dbg) {
  if (dead()) return IOStatus::OK();
  IOStatus s = target()->DeleteFile(fname, o, dbg);
  if (s.ok()) {
    std::lock_guard lock(mu_);
    files_.erase(fname);
  }
  return s;
}

std::uint64_t FaultFs::drop_unsynced() {
  std::lock_guard lock(mu_);
  std::uint64_t dropped = 0;
  for (auto& [path, f] : files_) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) continue;
    auto size = static_cast<std::uint64_t>(st.st_size);
    if (size > f.synced) {
      dropped += size - f.synced;
      if (::truncate(path.c_str(), static_cast<off_t>(f.synced)) != 0) continue;
    }
    f.size = f.synced;
  }
  return dropped;
}

}  // namespace cho4::ledger::testing
