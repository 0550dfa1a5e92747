// Statement reconciliation: compare a bank statement (CSV exported by the bank or aggregator) with
// the ledger's credits for one receiving account and date range. Lists the statement lines the
// ledger lacks (missed webhooks) and the ledger's credits the statement lacks.
//
// CSV columns (header row required, names case-insensitive, any order, extra columns ignored):
//   date          "YYYY-MM-DD HH:MM:SS" or "YYYY-MM-DD" (Vietnam time)
//   amount        integer đồng; negative = money out (or use `direction`)
//   reference     the bank's reference of the transaction (may be empty)
//   description   transfer description (may be empty)
//   account       receiving account number (optional: defaults to the stall's account)
//   direction     optional "in"/"out" (or "C"/"D")
// Fields may be double-quoted with "" escapes (RFC 4180). Thread-safe: pure over a snapshot.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "ledger/types.h"

namespace cho4::ledger {

class Engine;

struct StatementLine {
  std::size_t line_number = 0;  // 1-based line in the CSV (header is line 1)
  UnixMs occurred_at_ms = 0;
  bool date_only = false;
  Money amount;  // positive
  Direction direction = Direction::in;
  std::string reference;
  std::string description;
  std::string account;
};

// Parses the CSV; invalid_argument names the line and column at fault.
Result<std::vector<StatementLine>> parse_statement_csv(std::string_view csv);

struct StatementReport {
  std::size_t statement_lines = 0;
  std::size_t ledger_credits = 0;
  std::size_t matched = 0;
  std::vector<StatementLine> missing_in_ledger;    // missed webhooks
  std::vector<CreditRecord> missing_in_statement;  // credits the bank does not show
};

// Matches by bank reference when both sides have one, else by (amount, direction, same day,
// nearest time). `account` limits the ledger side to credits received on that account; the
// range is [from, to] inclusive Vietnamese dates.
Result<StatementReport> reconcile_statement(const Engine& engine, std::string_view account,
                                            CivilDate from, CivilDate to,
                                            std::span<const StatementLine> lines);

}  // namespace cho4::ledger
