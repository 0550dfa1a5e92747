#include "ledger/statement.h"

#include <algorithm>
#include <cctype>
#include <map>

#include "ledger/engine.h"

namespace cho4::ledger {
namespace {

constexpr std::size_t kStatementLinesMax = 1'000'000;
// A statement line without a bank reference matches a credit of the same amount and direction
// booked within this much time of it (statements and webhooks disagree by seconds to minutes).
constexpr std::int64_t kTimeMatchWindowMs = 30 * 60 * 1000;

std::string lower(std::string_view s) {
  std::string r(s);
  for (auto& c : r) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return r;
}
std::string trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return std::string(s);
}

// RFC 4180 records: fields, quotes with "" escapes, quoted line breaks.
Result<std::vector<std::vector<std::string>>> parse_csv(std::string_view in) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string field;
  bool quoted = false, field_started = false;
  std::size_t line = 1;
  for (std::size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < in.size() && in[i + 1] == '"') {
          field.push_back('"');
          ++i;
        } else {
          quoted = false;
        }
      } else {
        if (c == '\n') ++line;
        field.push_back(c);
      }
      continue;
    }
    if (c == '"' && !field_started) {
      quoted = true;
      field_started = true;
    } else if (c == ',') {
      row.push_back(std::move(field));
      field.clear();
      field_started = false;
    } else if (c == '\n') {
      row.push_back(std::move(field));
      field.clear();
      field_started = false;
      rows.push_back(std::move(row));
      row.clear();
      ++line;
      if (rows.size() > kStatementLinesMax) return invalid_argument("statement has too many lines");
    } else if (c != '\r') {
      field.push_back(c);
      field_started = true;
    }
  }
  if (quoted) return invalid_argument("line " + std::to_string(line) + ": unterminated quote");
  if (field_started || !row.empty()) {
    row.push_back(std::move(field));
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace

Result<std::vector<StatementLine>> parse_statement_csv(std::string_view csv) {
  if (csv.starts_with("\xEF\xBB\xBF")) csv.remove_prefix(3);  // a UTF-8 BOM from spreadsheets
  CHO4_ASSIGN_OR_RETURN(auto rows, parse_csv(csv));
  if (rows.empty()) return invalid_argument("statement is empty (a header row is required)");
  std::map<std::string, std::size_t> col;
  for (std::size_t i = 0; i < rows[0].size(); ++i) col[lower(trim(rows[0][i]))] = i;
  for (const char* required : {"date", "amount"})
    if (!col.count(required))
      return invalid_argument(std::string("statement lacks the '") + required + "' column");
  auto get = [&](const std::vector<std::string>& r, const char* name) -> std::string {
    auto it = col.find(name);
    if (it == col.end() || it->second >= r.size()) return {};
    return trim(r[it->second]);
  };
  std::vector<StatementLine> lines;
  for (std::size_t n = 1; n < rows.size(); ++n) {
    const auto& r = rows[n];
    if (r.size() == 1 && trim(r[0]).empty()) continue;  // blank line
    std::string where = "line " + std::to_string(n + 1) + ": ";
    StatementLine l;
    l.line_number = n + 1;
    std::string date = get(r, "date");
    if (date.size() == 10) {
      auto d = parse_date(date);
      if (!d.ok()) return invalid_argument(where + "bad date '" + date + "'");
      l.occurred_at_ms = vn_day_start_ms(*d);
      l.date_only = true;
    } else {
      auto t = parse_vn_datetime(date);
      if (!t.ok()) return invalid_argument(where + "bad date '" + date + "'");
      l.occurred_at_ms = *t;
    }
    std::string amount = get(r, "amount");
    auto m = parse_money(amount, true);
    if (!m.ok() || m->vnd() == 0) return invalid_argument(where + "bad amount '" + amount + "'");
    l.direction = m->vnd() < 0 ? Direction::out : Direction::in;
    l.amount = m->vnd() < 0 ? -*m : *m;
    std::string dir = lower(get(r, "direction"));
    if (dir == "out" || dir == "d" || dir == "debit") {
      l.direction = Direction::out;
    } else if (dir == "in" || dir == "c" || dir == "credit") {
      l.direction = Direction::in;
    } else if (!dir.empty()) {
      return invalid_argument(where + "bad direction '" + dir + "'");
    }
    l.reference = get(r, "reference");
    l.description = get(r, "description");
    l.account = get(r, "account");
    lines.push_back(std::move(l));
  }
  return lines;
}

Result<StatementReport> reconcile_statement(const Engine& engine, std::string_view account,
                                            CivilDate from, CivilDate to,
                                            std::span<const StatementLine> lines) {
  if (to < from) return invalid_argument("statement range ends before it starts");
  UnixMs from_ms = vn_day_start_ms(from);
  UnixMs to_ms = vn_day_start_ms(civil_from_days(days_from_civil(to) + 1));
  std::vector<CreditRecord> credits = engine.credits_between(account, from_ms, to_ms);
  StatementReport report;
  report.ledger_credits = credits.size();
  std::vector<bool> used(credits.size(), false);
  std::map<std::string, std::vector<std::size_t>> by_ref;
  for (std::size_t i = 0; i < credits.size(); ++i)
    if (!credits[i].credit.bank_reference.empty())
      by_ref[credits[i].credit.bank_reference].push_back(i);

  std::vector<const StatementLine*> unmatched;
  for (const auto& l : lines) {
    if (!l.account.empty() && l.account != account) continue;
    if (l.occurred_at_ms < from_ms || l.occurred_at_ms >= to_ms) continue;
    report.statement_lines++;
    bool matched = false;
    if (!l.reference.empty()) {
      auto it = by_ref.find(l.reference);
      if (it != by_ref.end()) {
        for (auto i : it->second) {
          if (used[i] || credits[i].credit.amount != l.amount ||
              credits[i].credit.direction != l.direction)
            continue;
          used[i] = matched = true;
          break;
        }
      }
    }
    if (!matched)
      unmatched.push_back(&l);
    else
      report.matched++;
  }
  // Second pass without references: same amount and direction, nearest time (same day when the
  // statement gives only a date).
  for (const StatementLine* l : unmatched) {
    std::size_t best = credits.size();
    std::int64_t best_gap = 0;
    for (std::size_t i = 0; i < credits.size(); ++i) {
      const auto& c = credits[i].credit;
      if (used[i] || c.amount != l->amount || c.direction != l->direction) continue;
      std::int64_t gap = std::llabs(c.occurred_at_ms - l->occurred_at_ms);
      bool ok = l->date_only ? vn_day_number(c.occurred_at_ms) == vn_day_number(l->occurred_at_ms)
                             : gap <= kTimeMatchWindowMs;
      if (ok && (best == credits.size() || gap < best_gap)) {
        best = i;
        best_gap = gap;
      }
    }
    if (best < credits.size()) {
      used[best] = true;
      report.matched++;
    } else {
      report.missing_in_ledger.push_back(*l);
    }
  }
  for (std::size_t i = 0; i < credits.size(); ++i)
    if (!used[i]) report.missing_in_statement.push_back(credits[i]);
  return report;
}

}  // namespace cho4::ledger
