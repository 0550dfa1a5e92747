#include "simulators/verdict.h"

#include <algorithm>
#include <set>
#include <unordered_map>

namespace cho4::sim {
namespace {

// Listing every discrepancy of a badly broken run helps nobody: each category keeps this many
// details (the counts stay exact).
constexpr std::size_t kDetailsPerCategoryMax = 25;

struct Lister {
  Verdict& v;
  void add(const std::string& category, std::string detail) {
    auto& n = v.counts_by_category[category];
    ++n;
    if (n <= kDetailsPerCategoryMax)
      v.discrepancies.push_back({category, std::move(detail)});
    else if (n == kDetailsPerCategoryMax + 1)
      v.discrepancies.push_back({category, "… more of this kind (see the counts)"});
  }
};

std::string key(const std::string& a, const std::string& b) {
  return a + '\x1f' + b;
}

std::string describe(const ExpectedCredit& e) {
  return "payment #" + std::to_string(e.payment) + " " + e.instance + "/" + e.provider_txn_id +
         " (" + e.bank_reference + ", " + std::to_string(e.amount_vnd) + " đ, expected " +
         e.outcome + ")";
}

}  // namespace

bool is_posted_to_stall(const std::string& o) {
  return o == "static" || o == "paid" || o == "underpaid" || o == "overpaid" || o == "paid_again" ||
         o == "late";
}

Verdict judge(const VerdictInput& in) {
  Verdict v;
  Lister list{v};

  // Index the observed credits by both keys an adapter may carry the transfer's identity in.
  std::unordered_map<std::string, std::vector<const ObservedCredit*>> by_txn, by_ref;
  for (const auto& o : in.observed) {
    if (o.outcome == "duplicate") {
      ++v.duplicate_records;
      continue;
    }
    by_txn[key(o.instance, o.provider_txn_id)].push_back(&o);
    if (!o.bank_reference.empty()) by_ref[key(o.instance, o.bank_reference)].push_back(&o);
  }

  std::set<const ObservedCredit*> claimed;
  std::unordered_map<std::string, const ExpectedCredit*> credit_to_expected;
  std::map<std::string, std::int64_t> expected_totals;
  for (const auto& e : in.expected) {
    const auto* found = &by_txn[key(e.instance, e.provider_txn_id)];
    if (found->empty() && !e.bank_reference.empty())
      found = &by_ref[key(e.instance, e.bank_reference)];
    if (!e.acknowledged) {
      // Never acknowledged: the bank would keep retrying; storing it at most once is correct.
      ++v.unacknowledged;
      if (found->size() > 1)
        list.add("duplicated", describe(e) + ": stored " + std::to_string(found->size()) + "×");
      for (const auto* o : *found) {
        claimed.insert(o);
        credit_to_expected[o->id] = &e;
      }
      continue;
    }
    ++v.acknowledged;
    if (found->empty()) {
      list.add("missing", describe(e) + ": acknowledged but not in the ledger");
      continue;
    }
    if (found->size() > 1) {
      list.add("duplicated", describe(e) + ": stored " + std::to_string(found->size()) + "×");
    }
    const ObservedCredit& o = *found->front();
    for (const auto* c : *found) {
      claimed.insert(c);
      credit_to_expected[c->id] = &e;
    }
    bool ok = true;
    if (o.outcome != e.outcome) {
      list.add("wrong-outcome", describe(e) + ": recorded as " + o.outcome);
      ok = false;
    }
    if (o.amount_vnd != e.amount_vnd) {
      list.add("wrong-amount", describe(e) + ": recorded " + std::to_string(o.amount_vnd) + " đ");
      ok = false;
    }
    if (!e.stall_id.empty() && o.stall_id != e.stall_id && is_posted_to_stall(e.outcome)) {
      list.add("wrong-stall", describe(e) + ": listed under stall '" + o.stall_id +
                                  "', expected '" + e.stall_id + "'");
      ok = false;
    }
    if (ok) ++v.matched;
    if (is_posted_to_stall(e.outcome) && !e.stall_id.empty())
      expected_totals[e.stall_id] += e.amount_vnd;
  }
  for (const auto& o : in.observed) {
    if (o.outcome == "duplicate" || claimed.count(&o)) continue;
    list.add("unexpected", "credit " + o.id + " " + o.instance + "/" + o.provider_txn_id + " (" +
                               std::to_string(o.amount_vnd) + " đ, " + o.outcome +
                               ") was never sent by the simulator");
  }
  for (const auto& [instance, txn] : in.forged) {
    if (by_txn.count(key(instance, txn)) && !by_txn[key(instance, txn)].empty())
      list.add("forged-stored",
               instance + "/" + txn + ": a delivery with a bad signature was stored");
  }

  // Per-stall totals: the model's sum of money into each stall against the server's totals.
  for (const auto& [stall, want] : expected_totals) {
    auto it = in.totals.find(stall);
    const std::int64_t got = it == in.totals.end() ? 0 : it->second.total_in_vnd;
    if (got != want)
      list.add("stall-total", "stall " + stall + ": server total " + std::to_string(got) +
                                  " đ, model " + std::to_string(want) + " đ");
  }
  for (const auto& [stall, t] : in.totals)
    if (!expected_totals.count(stall) && t.total_in_vnd != 0)
      list.add("stall-total", "stall " + stall + ": server total " +
                                  std::to_string(t.total_in_vnd) + " đ, model 0 đ");

  // Events: the catch-up read must be gap-free (1..N) and cover every credit posted to a stall;
  // every device must hold exactly that set after dedupe.
  std::map<std::string, std::set<std::string>> posted_credits;
  for (const auto& o : in.observed)
    if (is_posted_to_stall(o.outcome) && !o.stall_id.empty())
      posted_credits[o.stall_id].insert(o.id);
  std::map<std::string, std::set<std::uint64_t>> truth;
  for (const auto& [stall, events] : in.catch_up) {
    auto& seqs = truth[stall];
    std::set<std::string> credits;
    for (const auto& ev : events) {
      seqs.insert(ev.seq);
      credits.insert(ev.credit_id);
    }
    if (!seqs.empty() && (*seqs.begin() != 1 || *seqs.rbegin() != seqs.size()))
      list.add("event-sequence", "stall " + stall + ": the server's events are not 1.." +
                                     std::to_string(seqs.size()) + " (max " +
                                     std::to_string(*seqs.rbegin()) + ")");
    for (const auto& id : posted_credits[stall])
      if (!credits.count(id))
        list.add("event-missing", "stall " + stall + ": credit " + id + " has no event");
  }
  for (const auto& [stall, ids] : posted_credits)
    if (!in.catch_up.count(stall) && !ids.empty())
      list.add("event-missing", "stall " + stall + ": no events read back for " +
                                    std::to_string(ids.size()) + " credits");

  for (const auto& d : in.devices) {
    ++v.devices_checked;
    std::set<std::uint64_t> got;
    std::set<std::uint64_t> seen_live;
    for (const auto& ev : d.events) {
      ++v.device_events;
      const bool first = got.insert(ev.seq).second;
      if (first && !ev.replayed && seen_live.insert(ev.seq).second) {
        auto it = credit_to_expected.find(ev.credit_id);
        if (it != credit_to_expected.end() && ev.received_us >= it->second->first_send_us)
          v.send_to_device_us.record(std::uint64_t(ev.received_us - it->second->first_send_us));
      }
    }
    const auto& want = truth[d.stall_id];
    std::vector<std::uint64_t> missing;
    std::set_difference(want.begin(), want.end(), got.begin(), got.end(),
                        std::back_inserter(missing));
    if (!missing.empty()) {
      std::string seqs;
      for (std::size_t i = 0; i < missing.size() && i < 10; ++i)
        seqs += (i ? "," : "") + std::to_string(missing[i]);
      if (missing.size() > 10) seqs += ",…";
      list.add("device-gap", "device " + d.label + " of stall " + d.stall_id + " missed " +
                                 std::to_string(missing.size()) + " of " +
                                 std::to_string(want.size()) + " events (seq " + seqs + ")");
    }
    for (auto s : got)
      if (!want.count(s))
        list.add("device-extra", "device " + d.label + " of stall " + d.stall_id +
                                     " received seq " + std::to_string(s) +
                                     " that the server does not list");
  }

  if (in.ledger_check_ran && !in.ledger_check_ok)
    list.add("ledger-check", "cho4 ledger check failed: " + in.ledger_check_output);
  return v;
}

}  // namespace cho4::sim
