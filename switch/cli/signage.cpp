// `cho4 signage`: print a market's stall signs (PDF), single signs (PNG/SVG/PDF), and check codes.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "qr/signage/batch.h"
#include "qr/signage/check_code.h"
#include "qr/signage/sign.h"
#include "switch/cli/command.h"

namespace cho4::cli {
namespace {

using namespace cho4::signage;

constexpr const char* kUsage =
    "usage:\n"
    "  cho4 signage --stalls FILE --layout a6x4|a6|a5 --out FILE.pdf\n"
    "               (--secret-env VAR | --no-check-code) [--market NAME] [--format csv|json]\n"
    "               [--skip-bad-rows] [--no-progress]\n"
    "      prints every stall of FILE (CSV or JSON; see docs/signage.md) to one PDF. A bad row is\n"
    "      reported with its line and field and nothing is written, unless --skip-bad-rows.\n"
    "  cho4 signage sign --layout qr_only|compact|info|print|a6|a5 --out FILE.png|.svg|.pdf\n"
    "               (--secret-env VAR | --no-check-code) --market NAME --stall-number N\n"
    "               --stall-name NAME --holder NAME --bank BANK --account NUMBER\n"
    "               [--service account|card] [--amount DONG [--item TEXT]] [--code TEXT]\n"
    "      one sign (a price tag when --amount is given).\n"
    "  cho4 signage verify --secret-env VAR --payload PAYLOAD --code CODE\n"
    "      exit 0 and 'match' when CODE is PAYLOAD's check code under the market's secret,\n"
    "      exit 1 and 'mismatch' otherwise.\n"
    "  cho4 signage code --secret-env VAR --payload PAYLOAD\n"
    "      prints PAYLOAD's check code.\n"
    "The market secret is read from the environment variable VAR (at least 16 bytes; e.g.\n"
    "`export CHO4_MARKET_SECRET=$(openssl rand -hex 32)`), never from the command line.\n";

int usage_error(const std::string& message) {
  std::fprintf(stderr, "cho4 signage: %s\n\n%s", message.c_str(), kUsage);
  return kExitUsage;
}

// Flags of all signage commands: --name VALUE, or boolean --name.
struct Flags {
  std::map<std::string, std::string, std::less<>> values;
  std::map<std::string, bool, std::less<>> switches;
};

Result<Flags> parse_flags(Args args, std::initializer_list<std::string_view> with_value,
                          std::initializer_list<std::string_view> booleans) {
  Flags f;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string_view a = args[i];
    auto is = [&](std::initializer_list<std::string_view> names) {
      for (auto n : names)
        if (a == n) return true;
      return false;
    };
    if (is(with_value)) {
      if (i + 1 >= args.size()) return invalid_argument(std::string(a) + " needs a value");
      if (f.values.contains(a)) return invalid_argument(std::string(a) + " given twice");
      f.values[std::string(a)] = std::string(args[++i]);
    } else if (is(booleans)) {
      f.switches[std::string(a)] = true;
    } else {
      return invalid_argument("unknown argument '" + std::string(a) + "'");
    }
  }
  return f;
}

std::string value(const Flags& f, std::string_view name) {
  auto it = f.values.find(name);
  return it == f.values.end() ? std::string() : it->second;
}

// The market's key from --secret-env, or none with --no-check-code. nullopt + message on error.
struct KeyChoice {
  std::optional<CheckCodeKey> key;
  int exit_code = kExitOk;
};
KeyChoice key_from_flags(const Flags& f, bool optional_allowed) {
  const std::string var = value(f, "--secret-env");
  if (var.empty()) {
    if (optional_allowed && f.switches.contains("--no-check-code")) return {};
    return {std::nullopt, usage_error(optional_allowed ? "give --secret-env VAR or --no-check-code"
                                                       : "--secret-env VAR is required")};
  }
  const char* secret = std::getenv(var.c_str());
  if (secret == nullptr || *secret == '\0') {
    std::fprintf(stderr, "cho4 signage: environment variable %s is not set\n", var.c_str());
    return {std::nullopt, kExitInvalidInput};
  }
  auto key = CheckCodeKey::from_secret(secret);
  if (!key.ok()) {
    std::fprintf(stderr, "cho4 signage: %s (from %s)\n", key.error().message().c_str(),
                 var.c_str());
    return {std::nullopt, kExitInvalidInput};
  }
  return {std::move(key).value(), kExitOk};
}

// A progress bar on a terminal: redrawn in place on stderr, at most once per percent.
class ProgressBar {
 public:
  explicit ProgressBar(bool enabled) : enabled_(enabled && isatty(STDERR_FILENO) == 1) {}
  void update(std::size_t done, std::size_t total) {
    if (!enabled_ || total == 0) return;
    const std::size_t percent = done * 100 / total;
    if (percent == last_percent_ && done != total) return;
    last_percent_ = percent;
    constexpr std::size_t kWidth = 30;
    const std::size_t filled = done * kWidth / total;
    std::string bar(filled, '#');
    bar.append(kWidth - filled, '.');
    std::fprintf(stderr, "\r[%s] %3zu%%  %zu/%zu cards", bar.c_str(), percent, done, total);
    if (done == total) std::fputc('\n', stderr);
    std::fflush(stderr);
  }

 private:
  bool enabled_;
  std::size_t last_percent_ = static_cast<std::size_t>(-1);
};

int run_batch(Args args) {
  auto flags =
      parse_flags(args, {"--stalls", "--layout", "--out", "--market", "--format", "--secret-env"},
                  {"--skip-bad-rows", "--no-progress", "--no-check-code"});
  if (!flags.ok()) return usage_error(flags.error().message());
  BatchOptions o;
  o.stalls_path = value(*flags, "--stalls");
  o.out_path = value(*flags, "--out");
  if (o.stalls_path.empty() || o.out_path.empty())
    return usage_error("--stalls and --out are required");
  auto layout =
      parse_layout(value(*flags, "--layout").empty() ? "a6x4" : value(*flags, "--layout"));
  if (!layout.ok()) return usage_error(layout.error().message());
  o.layout = *layout;
  const std::string format = value(*flags, "--format");
  if (format == "csv")
    o.format = StallFileFormat::csv;
  else if (format == "json")
    o.format = StallFileFormat::json;
  else if (!format.empty())
    return usage_error("--format is csv or json");
  o.market = value(*flags, "--market");
  o.skip_bad_rows = flags->switches.contains("--skip-bad-rows");
  KeyChoice key = key_from_flags(*flags, true);
  if (key.exit_code != kExitOk) return key.exit_code;
  o.check_key = std::move(key.key);

  ProgressBar bar(!flags->switches.contains("--no-progress"));
  auto report =
      print_batch(o, [&](std::size_t done, std::size_t total) { bar.update(done, total); });
  if (!report.ok()) {
    const BatchError& e = report.error();
    for (const RowError& row : e.bad_rows)
      std::fprintf(stderr, "%s\n", row.to_string(o.stalls_path).c_str());
    if (e.bad_row_count > e.bad_rows.size())
      std::fprintf(stderr, "… and %zu more bad rows\n", e.bad_row_count - e.bad_rows.size());
    std::fprintf(stderr, "cho4 signage: %s\n", e.status.message().c_str());
    return e.status.code() == StatusCode::io_error || e.status.code() == StatusCode::internal
               ? kExitInternal
               : kExitInvalidInput;
  }
  for (const RowError& row : report->bad_rows)
    std::fprintf(stderr, "skipped: %s\n", row.to_string(o.stalls_path).c_str());
  std::printf("%s: %zu cards on %zu pages (%s)%s\n", o.out_path.c_str(), report->cards,
              report->pages, std::string(to_string(o.layout)).c_str(),
              report->skipped > 0
                  ? (", " + std::to_string(report->skipped) + " bad rows skipped").c_str()
                  : "");
  return kExitOk;
}

int run_sign(Args args) {
  auto flags = parse_flags(
      args,
      {"--layout", "--out", "--secret-env", "--market", "--stall-number", "--stall-name",
       "--holder", "--bank", "--account", "--service", "--amount", "--item", "--code"},
      {"--no-check-code"});
  if (!flags.ok()) return usage_error(flags.error().message());
  const std::string out = value(*flags, "--out");
  if (out.empty()) return usage_error("--out is required");
  auto layout =
      parse_layout(value(*flags, "--layout").empty() ? "print" : value(*flags, "--layout"));
  if (!layout.ok()) return usage_error(layout.error().message());
  KeyChoice key = key_from_flags(*flags, true);
  if (key.exit_code != kExitOk) return key.exit_code;

  RawFields fields;
  const std::pair<std::string_view, std::string_view> map[] = {
      {"--market", field::market},
      {"--stall-number", field::stall_number},
      {"--stall-name", field::stall_name},
      {"--holder", field::account_holder},
      {"--bank", field::bank},
      {"--account", field::account},
      {"--service", field::service},
      {"--amount", field::amount},
      {"--item", field::item},
      {"--code", field::code}};
  for (const auto& [flag, name] : map) fields[std::string(name)] = value(*flags, flag);
  auto input = sign_input_from_fields(fields, 0, {}, key.key ? &*key.key : nullptr);
  if (!input.ok()) {
    std::fprintf(stderr, "cho4 signage: %s\n", input.error().to_string("sign").c_str());
    return kExitInvalidInput;
  }
  auto laid = lay_out_sign(*input, *layout);
  if (!laid.ok()) {
    std::fprintf(stderr, "cho4 signage: %s\n", laid.error().to_string("sign").c_str());
    return kExitInvalidInput;
  }
  const std::string ext = std::filesystem::path(out).extension().string();
  Status st;
  if (is_paper(*layout)) {
    if (ext != ".pdf")
      return usage_error("layout " + std::string(to_string(*layout)) + " writes a .pdf");
    auto pdf = SignPdf::create(out, *layout, input->stall.market);
    if (!pdf.ok()) {
      st = pdf.error();
    } else if (auto placed = (**pdf).add(*laid); !placed.ok()) {
      st = placed.error();
    } else {
      st = (**pdf).finish();
    }
  } else if (ext == ".png") {
    st = write_sign_png(*laid, out);
  } else if (ext == ".svg") {
    st = write_sign_svg(*laid, out);
  } else {
    return usage_error("layout " + std::string(to_string(*layout)) + " writes a .png or .svg");
  }
  if (!st.ok()) {
    std::fprintf(stderr, "cho4 signage: %s\n", st.message().c_str());
    return kExitInternal;
  }
  std::printf("%s\n%s\n", out.c_str(), input->payload.c_str());
  if (!input->check_code.empty()) std::printf("check code %s\n", input->check_code.c_str());
  return kExitOk;
}

int run_verify(Args args, bool print_code_only) {
  auto flags = parse_flags(args, {"--secret-env", "--payload", "--code"}, {});
  if (!flags.ok()) return usage_error(flags.error().message());
  const std::string payload = value(*flags, "--payload");
  if (payload.empty()) return usage_error("--payload is required");
  KeyChoice key = key_from_flags(*flags, false);
  if (key.exit_code != kExitOk) return key.exit_code;
  if (print_code_only) {
    std::printf("%s\n", format_check_code(key.key->code_for(payload)).c_str());
    return kExitOk;
  }
  const std::string code = value(*flags, "--code");
  if (code.empty()) return usage_error("--code is required");
  auto verdict = key.key->verify(payload, code);
  if (!verdict.ok()) {
    std::fprintf(stderr, "cho4 signage: %s\n", verdict.error().message().c_str());
    return kExitInvalidInput;
  }
  if (*verdict == CheckVerdict::match) {
    std::printf("match\n");
    return kExitOk;
  }
  std::printf("mismatch: this check code does not belong to this payload in this market\n");
  return kExitInvalidInput;
}

}  // namespace

int run_signage(Args args) {
  if (args.empty()) return usage_error("missing arguments");
  if (args[0] == "--help" || args[0] == "-h") {
    std::fputs(kUsage, stdout);
    return kExitOk;
  }
  if (args[0] == "verify") return run_verify(args.subspan(1), false);
  if (args[0] == "code") return run_verify(args.subspan(1), true);
  if (args[0] == "sign") return run_sign(args.subspan(1));
  return run_batch(args);
}

}  // namespace cho4::cli
