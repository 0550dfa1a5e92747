// The registry of NAPAS member banks: BIN, short code, name and aliases (old names, tickers). Data,
// not code: qr/banks.tsv is compiled in. Immutable after first use; thread-safe.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace cho4::qr {

struct Bank {
  std::string bin;                   // NAPAS acquirer BIN, "970436"
  std::string code;                  // common short code, "VCB"
  std::string name;                  // "Vietcombank"
  std::vector<std::string> aliases;  // other names people use: "CTG", "VietinBank", "Ngoại thương"
};

// Finds a bank by BIN, code, name or alias (case-, space- and diacritic-insensitive);
// nullptr when unknown.
const Bank* find_bank(std::string_view bin_code_or_name);
std::span<const Bank> all_banks();

}  // namespace cho4::qr
