#include "ledger/backup.h"

#include <rocksdb/utilities/checkpoint.h>

#include <filesystem>
#include <system_error>

#include "ledger/store_internal.h"

namespace cho4::ledger {

namespace fs = std::filesystem;

Status backup_store(const std::string& data_dir, const std::string& to) {
  std::error_code ec;
  if (fs::exists(to, ec)) return already_exists("backup target exists: " + to);
  if (!fs::exists(fs::path(data_dir) / "CURRENT", ec))
    return not_found("no ledger store in " + data_dir);
  StoreOptions so;
  so.path = data_dir;
  so.create_if_missing = false;
  // Opening read-write takes RocksDB's lock, so a running server is detected (it holds it).
  auto store = Store::open(so);
  if (!store.ok())
    return unavailable("cannot open " + data_dir +
                       " (is a server running?): " + store.error().message());
  rocksdb::Checkpoint* cp = nullptr;
  auto s = rocksdb::Checkpoint::Create((*store)->db(), &cp);
  if (!s.ok()) return from_rocksdb(s, "checkpoint");
  std::unique_ptr<rocksdb::Checkpoint> owned(cp);
  s = owned->CreateCheckpoint(to, 0);
  if (!s.ok()) return from_rocksdb(s, "checkpoint to " + to);
  // A backup holds the same personal data as the store: owner-only, like the data folder.
  std::error_code perm_ec;
  std::filesystem::permissions(to, std::filesystem::perms::owner_all, perm_ec);
  if (perm_ec) return io_error("cannot restrict " + to + ": " + perm_ec.message());
  store->reset();
  // Verify: the backup opens.
  StoreOptions vo;
  vo.path = to;
  vo.create_if_missing = false;
  vo.read_only = true;
  auto verify = Store::open(vo);
  if (!verify.ok()) return data_loss("backup does not open: " + verify.error().message());
  return Status();
}

Status restore_store(const std::string& from, const std::string& data_dir) {
  std::error_code ec;
  if (!fs::exists(fs::path(from) / "CURRENT", ec)) return not_found("no backup in " + from);
  if (fs::exists(data_dir, ec) && !fs::is_empty(data_dir, ec))
    return already_exists("restore target is not empty: " + data_dir);
  {
    StoreOptions vo;
    vo.path = from;
    vo.create_if_missing = false;
    vo.read_only = true;
    auto verify = Store::open(vo);
    if (!verify.ok()) return data_loss("backup does not open: " + verify.error().message());
  }
  // Copy into a sibling temp dir, then rename: a half-copied store never looks like a store.
  fs::path tmp = fs::path(data_dir).string() + ".restoring";
  fs::remove_all(tmp, ec);
  fs::create_directories(tmp, ec);
  if (ec) return io_error("create " + tmp.string() + ": " + ec.message());
  fs::copy(from, tmp, fs::copy_options::recursive, ec);
  if (ec) return io_error("copy backup: " + ec.message());
  fs::remove(data_dir, ec);  // empty (checked above) or absent
  fs::rename(tmp, data_dir, ec);
  if (ec) return io_error("rename into " + data_dir + ": " + ec.message());
  StoreOptions so;
  so.path = data_dir;
  so.create_if_missing = false;
  auto opened = Store::open(so);
  if (!opened.ok()) return data_loss("restored store does not open: " + opened.error().message());
  return Status();
}

}  // namespace cho4::ledger
