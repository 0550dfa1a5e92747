// The `cho4` command line: one subcommand per file in switch/cli/, dispatched from main.cpp.
//
// Exit codes, for every subcommand: 0 success; 1 invalid input (a message names the problem);
// 2 usage errors (unknown flag, missing argument); 3 or more internal or I/O errors.
#pragma once

#include <span>
#include <string_view>

namespace cho4::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitInvalidInput = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitInternal = 3;

using Args = std::span<const std::string_view>;

struct Subcommand {
  std::string_view name;     // "qr"
  std::string_view summary;  // one line for `cho4 --help`
  int (*run)(Args args);     // args after the subcommand's name
};

}  // namespace cho4::cli
