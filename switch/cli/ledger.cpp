// `cho4 ledger`: offline tools on a stopped ledger data directory.
//   cho4 ledger check --data DIR                     verify every invariant (exit 1 on violation)
//   cho4 ledger report --data DIR --market ID [--day YYYY-MM-DD]   end-of-day report
//   cho4 ledger statement --data DIR --account ACCT --from DATE --to DATE FILE.csv
//                                                    missed webhooks / credits the bank lacks
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "core/vn_text.h"
#include "ledger/check.h"
#include "ledger/engine.h"
#include "ledger/statement.h"
#include "switch/cli/command.h"
#include "switch/cli/data_dir.h"

namespace cho4::cli {
namespace {

constexpr std::size_t kStatementBytesMax = 256u << 20;

void usage(std::FILE* out) {
  std::fprintf(out,
               "usage:\n"
               "  cho4 ledger check --data DIR\n"
               "  cho4 ledger report --data DIR --market ID [--day YYYY-MM-DD]\n"
               "  cho4 ledger statement --data DIR --account ACCOUNT --from YYYY-MM-DD "
               "--to YYYY-MM-DD FILE.csv\n"
               "The store must not be in use by a running server (see docs/ledger.md).\n");
}

struct Flags {
  std::string data, market, day, account, from, to, file;
  bool help = false;
};

// Parses --name VALUE pairs and one positional FILE; false on an unknown flag.
bool parse_flags(Args args, Flags& f) {
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
    else if (a == "--market")
      ok = value(f.market);
    else if (a == "--day")
      ok = value(f.day);
    else if (a == "--account")
      ok = value(f.account);
    else if (a == "--from")
      ok = value(f.from);
    else if (a == "--to")
      ok = value(f.to);
    else if (!a.starts_with("-") && f.file.empty())
      f.file = std::string(a);
    else
      ok = false;
    if (!ok) {
      std::fprintf(stderr, "cho4 ledger: bad argument '%.*s'\n", int(a.size()), a.data());
      return false;
    }
  }
  return true;
}

Result<std::unique_ptr<ledger::Engine>> open_read_only(const std::string& dir, Clock& clock) {
  ledger::Options o;
  o.path = ledger_store_dir(dir);
  o.clock = &clock;
  o.read_only = true;
  o.create_if_missing = false;
  return ledger::Engine::open(o);
}

int run_check(const Flags& f) {
  auto report = ledger::check_store(f.data);
  if (!report.ok()) {
    std::fprintf(stderr, "cho4 ledger check: %s\n", report.error().to_string().c_str());
    return kExitInternal;
  }
  const auto& r = *report;
  std::printf("credits %llu, postings %llu, accounts %llu, orders %llu, stalls %llu, events %llu\n",
              (unsigned long long)r.credits, (unsigned long long)r.postings,
              (unsigned long long)r.accounts, (unsigned long long)r.orders,
              (unsigned long long)r.stalls, (unsigned long long)r.events);
  if (r.ok()) {
    std::printf(
        "ok: balances sum to zero, every credit has one outcome, outbox sequences are "
        "gap-free, order totals match their credits\n");
    return kExitOk;
  }
  for (const auto& v : r.violations) std::printf("VIOLATION: %s\n", v.c_str());
  return kExitInvalidInput;
}

void print_totals(const char* who, const ledger::DailyTotals& t) {
  std::printf("%-28s received %15s  excess %12s  paid out %12s  credits %u\n", who,
              format_amount(t.received, CurrencyMark::d).c_str(),
              format_amount(t.excess, CurrencyMark::d).c_str(),
              format_amount(t.paid_out, CurrencyMark::d).c_str(), t.credits);
}

int run_report(const Flags& f) {
  auto market = parse_id(f.market);
  if (!market.ok()) {
    std::fprintf(stderr, "cho4 ledger report: --market needs a market id\n");
    return kExitUsage;
  }
  SystemClock clock;
  CivilDate day = vn_date(clock.now_ms());
  if (!f.day.empty()) {
    auto d = parse_date(f.day);
    if (!d.ok()) {
      std::fprintf(stderr, "cho4 ledger report: bad --day\n");
      return kExitInvalidInput;
    }
    day = *d;
  }
  auto engine = open_read_only(f.data, clock);
  if (!engine.ok()) {
    std::fprintf(stderr, "cho4 ledger report: %s\n", engine.error().to_string().c_str());
    return kExitInternal;
  }
  auto r = (*engine)->end_of_day(MarketId{*market}, day);
  if (!r.ok()) {
    std::fprintf(stderr, "cho4 ledger report: %s\n", r.error().to_string().c_str());
    return kExitInvalidInput;
  }
  std::printf("end of day %s, market %s\n", format_date(day).c_str(), f.market.c_str());
  print_totals("market", r->market_totals);
  for (const auto& [stall, totals] : r->stalls) print_totals(stall.name.c_str(), totals);
  std::printf("outcomes:");
  for (std::uint32_t o = 1; o < std::size(r->market_totals.by_outcome); ++o)
    if (r->market_totals.by_outcome[o] != 0)
      std::printf(" %s=%u", std::string(ledger::to_string(static_cast<ledger::Outcome>(o))).c_str(),
                  r->market_totals.by_outcome[o]);
  std::printf("\nsuspense (%zu):\n", r->suspense.size());
  for (const auto& c : r->suspense)
    std::printf("  credit %llu  %s  account %s  \"%s\"\n", (unsigned long long)c.id.value,
                format_amount(c.credit.amount, CurrencyMark::d).c_str(), c.credit.account.c_str(),
                c.credit.description.c_str());
  std::printf("held (%zu):\n", r->held.size());
  for (const auto& c : r->held)
    std::printf("  credit %llu  %s  %s of credit %llu\n", (unsigned long long)c.id.value,
                format_amount(c.credit.amount, CurrencyMark::d).c_str(),
                std::string(ledger::to_string(c.outcome)).c_str(),
                (unsigned long long)c.related.value);
  return kExitOk;
}

int run_statement(const Flags& f) {
  auto from = parse_date(f.from), to = parse_date(f.to);
  if (f.account.empty() || !from.ok() || !to.ok() || f.file.empty()) {
    usage(stderr);
    return kExitUsage;
  }
  std::ifstream in(f.file, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "cho4 ledger statement: cannot read %s\n", f.file.c_str());
    return kExitInvalidInput;
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  if (ss.str().size() > kStatementBytesMax) {
    std::fprintf(stderr, "cho4 ledger statement: file too large\n");
    return kExitInvalidInput;
  }
  auto lines = ledger::parse_statement_csv(ss.str());
  if (!lines.ok()) {
    std::fprintf(stderr, "cho4 ledger statement: %s\n", lines.error().message().c_str());
    return kExitInvalidInput;
  }
  SystemClock clock;
  auto engine = open_read_only(f.data, clock);
  if (!engine.ok()) {
    std::fprintf(stderr, "cho4 ledger statement: %s\n", engine.error().to_string().c_str());
    return kExitInternal;
  }
  auto r = ledger::reconcile_statement(**engine, f.account, *from, *to, *lines);
  if (!r.ok()) {
    std::fprintf(stderr, "cho4 ledger statement: %s\n", r.error().to_string().c_str());
    return kExitInvalidInput;
  }
  std::printf("statement lines %zu, ledger credits %zu, matched %zu\n", r->statement_lines,
              r->ledger_credits, r->matched);
  std::printf("missing in the ledger (missed webhooks): %zu\n", r->missing_in_ledger.size());
  for (const auto& l : r->missing_in_ledger)
    std::printf("  line %zu  %s  %s %s  ref %s  \"%s\"\n", l.line_number,
                format_vn_datetime(l.occurred_at_ms).c_str(),
                l.direction == Direction::in ? "+" : "-",
                format_amount(l.amount, CurrencyMark::d).c_str(), l.reference.c_str(),
                l.description.c_str());
  std::printf("missing in the statement: %zu\n", r->missing_in_statement.size());
  for (const auto& c : r->missing_in_statement)
    std::printf("  credit %llu  %s  %s  ref %s  via %s\n", (unsigned long long)c.id.value,
                format_vn_datetime(c.credit.occurred_at_ms).c_str(),
                format_amount(c.credit.amount, CurrencyMark::d).c_str(),
                c.credit.bank_reference.c_str(), c.credit.adapter_instance.c_str());
  return r->missing_in_ledger.empty() && r->missing_in_statement.empty() ? kExitOk
                                                                         : kExitInvalidInput;
}

}  // namespace

int run_ledger(Args args) {
  if (args.empty()) {
    usage(stderr);
    return kExitUsage;
  }
  std::string_view sub = args[0];
  if (sub == "--help" || sub == "-h" || sub == "help") {
    usage(stdout);
    return kExitOk;
  }
  Flags f;
  if (!parse_flags(args.subspan(1), f)) return kExitUsage;
  if (f.help) {
    usage(stdout);
    return kExitOk;
  }
  if (f.data.empty()) {
    std::fprintf(stderr, "cho4 ledger %.*s: --data DIR is required\n", int(sub.size()), sub.data());
    return kExitUsage;
  }
  if (sub == "check") return run_check(f);
  if (sub == "report") return run_report(f);
  if (sub == "statement") return run_statement(f);
  std::fprintf(stderr, "cho4 ledger: unknown subcommand '%.*s'\n", int(sub.size()), sub.data());
  usage(stderr);
  return kExitUsage;
}

}  // namespace cho4::cli
