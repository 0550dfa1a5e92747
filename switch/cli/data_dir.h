// Where the ledger store lives for a `--data DIR` given on the command line: `cho4 serve` keeps its
// store in DIR/ledger beside admin.token and demo.json, so offline commands accept either the
// server's data folder or the store folder itself.
#pragma once

#include <filesystem>
#include <string>

namespace cho4::cli {

inline std::string ledger_store_dir(const std::string& data_dir) {
  const std::filesystem::path nested = std::filesystem::path(data_dir) / "ledger";
  std::error_code ec;
  return std::filesystem::is_directory(nested, ec) ? nested.string() : data_dir;
}

}  // namespace cho4::cli
