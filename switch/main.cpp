// `cho4`: the payment switch's single binary. Each subcommand lives in switch/cli/<name>.cpp.
#include <cstdio>
#include <string_view>
#include <vector>

#include "switch/cli/command.h"

namespace cho4::cli {
int run_qr(Args args);
int run_demo(Args args);
int run_serve(Args args);
int run_signage(Args args);
int run_ledger(Args args);
int run_backup(Args args);
int run_restore(Args args);
}  // namespace cho4::cli

namespace {

using cho4::cli::Subcommand;

// The table of subcommands; each module's issue adds its own line.
constexpr Subcommand kSubcommands[] = {
    {"qr", "encode, decode, lint, render and scan VietQR codes", cho4::cli::run_qr},
    {"serve", "run the payment switch: webhooks, ledger, device notifications, API",
     cho4::cli::run_serve},
    {"demo", "show a demo stall's VietQR code in the terminal and write its PNG and SVG",
     cho4::cli::run_demo},
    {"ledger", "check a stopped ledger store, end-of-day report, bank statement reconciliation",
     cho4::cli::run_ledger},
    {"backup", "checkpoint a stopped ledger store into a backup directory", cho4::cli::run_backup},
    {"restore", "restore a ledger backup into an empty data directory", cho4::cli::run_restore},
#ifdef CHO4_HAVE_SIGNAGE
    {"signage", "print a market's stall signs (PDF, PNG, SVG) and check their check codes",
     cho4::cli::run_signage},
#endif
};

void print_usage(std::FILE* out) {
  std::fprintf(out, "usage: cho4 <command> [options]\n\ncommands:\n");
  for (const auto& c : kSubcommands)
    std::fprintf(out, "  %-10.*s %.*s\n", int(c.name.size()), c.name.data(), int(c.summary.size()),
                 c.summary.data());
  std::fprintf(out, "\n`cho4 <command> --help` describes a command.\n");
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string_view> args(argv + 1, argv + argc);
  if (args.empty()) {
    print_usage(stderr);
    return cho4::cli::kExitUsage;
  }
  if (args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    print_usage(stdout);
    return cho4::cli::kExitOk;
  }
  for (const auto& c : kSubcommands) {
    if (c.name == args[0]) return c.run(cho4::cli::Args(args).subspan(1));
  }
  std::fprintf(stderr, "cho4: unknown command '%.*s'\n\n", int(args[0].size()), args[0].data());
  print_usage(stderr);
  return cho4::cli::kExitUsage;
}
