// `cho4 backup` and `cho4 restore`: RocksDB checkpoints of a stopped ledger store.
//   cho4 backup --data DIR --to BACKUP_DIR
//   cho4 restore --from BACKUP_DIR --data DIR      (also: cho4 backup --restore --from … --data …)
// A running server holds the store's lock; back it up through the server's admin endpoint instead.
#include <cstdio>
#include <string>

#include "ledger/backup.h"
#include "ledger/check.h"
#include "switch/cli/command.h"
#include "switch/cli/data_dir.h"

namespace cho4::cli {
namespace {

void usage(std::FILE* out) {
  std::fprintf(out,
               "usage:\n"
               "  cho4 backup --data DIR --to BACKUP_DIR     checkpoint a stopped store\n"
               "  cho4 restore --from BACKUP_DIR --data DIR  restore into an empty directory\n"
               "  cho4 backup --restore --from BACKUP_DIR --data DIR\n");
}

int restore(const std::string& from, const std::string& data) {
  Status s = ledger::restore_store(from, data);
  if (!s.ok()) {
    std::fprintf(stderr, "cho4 restore: %s\n", s.to_string().c_str());
    return s.code() == StatusCode::already_exists || s.code() == StatusCode::not_found
               ? kExitInvalidInput
               : kExitInternal;
  }
  auto report = ledger::check_store(data);
  if (!report.ok() || !report->ok()) {
    std::fprintf(stderr, "cho4 restore: the restored store fails `cho4 ledger check`\n");
    return kExitInternal;
  }
  std::printf("restored %s into %s (%llu credits, check ok)\n", from.c_str(), data.c_str(),
              (unsigned long long)report->credits);
  return kExitOk;
}

struct Flags {
  std::string data, to, from;
  bool restore = false;
  bool help = false;
};

bool parse(Args args, Flags& f) {
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string_view a = args[i];
    auto value = [&](std::string& out) {
      if (i + 1 >= args.size()) return false;
      out = std::string(args[++i]);
      return true;
    };
    bool ok = true;
    if (a == "--help" || a == "-h")
      f.help = true;
    else if (a == "--data")
      ok = value(f.data);
    else if (a == "--to")
      ok = value(f.to);
    else if (a == "--from")
      ok = value(f.from);
    else if (a == "--restore")
      f.restore = true;
    else
      ok = false;
    if (!ok) {
      std::fprintf(stderr, "cho4: bad argument '%.*s'\n", int(a.size()), a.data());
      return false;
    }
  }
  return true;
}

}  // namespace

int run_backup(Args args) {
  Flags f;
  if (!parse(args, f)) {
    usage(stderr);
    return kExitUsage;
  }
  if (f.help) {
    usage(stdout);
    return kExitOk;
  }
  if (f.restore) {
    if (f.from.empty() || f.data.empty()) {
      usage(stderr);
      return kExitUsage;
    }
    return restore(f.from, f.data);
  }
  if (f.data.empty() || f.to.empty()) {
    usage(stderr);
    return kExitUsage;
  }
  Status s = ledger::backup_store(ledger_store_dir(f.data), f.to);
  if (!s.ok()) {
    std::fprintf(stderr, "cho4 backup: %s\n", s.to_string().c_str());
    return s.code() == StatusCode::unavailable || s.code() == StatusCode::internal
               ? kExitInternal
               : kExitInvalidInput;
  }
  std::printf("backed up %s to %s\n", f.data.c_str(), f.to.c_str());
  return kExitOk;
}

int run_restore(Args args) {
  Flags f;
  if (!parse(args, f) || (!f.help && (f.from.empty() || f.data.empty()))) {
    usage(stderr);
    return kExitUsage;
  }
  if (f.help) {
    usage(stdout);
    return kExitOk;
  }
  return restore(f.from, f.data);
}

}  // namespace cho4::cli
