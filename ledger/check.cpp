#include "ledger/check.h"

#include <map>
#include <memory>
#include <unordered_map>

#include "ledger/schema_internal.h"
#include "ledger/store_internal.h"

namespace cho4::ledger {
namespace {

constexpr std::size_t kViolationsMax = 100;  // keeps the report readable on a badly broken store

struct Checker {
  CheckReport report;
  void violation(std::string what) {
    if (report.violations.size() < kViolationsMax) report.violations.push_back(std::move(what));
  }
};

std::string_view sv(const rocksdb::Slice& s) {
  return {s.data(), s.size()};
}

}  // namespace

Result<CheckReport> check_store(const std::string& path) {
  StoreOptions so;
  so.path = path;
  so.create_if_missing = false;
  so.read_only = true;
  CHO4_ASSIGN_OR_RETURN(auto store, Store::open(so));
  rocksdb::ReadOptions ro;
  const rocksdb::Snapshot* snap = store->db()->GetSnapshot();
  ro.snapshot = snap;
  Checker c;

  schema::Counters counters;
  {
    std::string v;
    auto s = store->db()->Get(ro, store->meta(), schema::kCountersKey, &v);
    if (s.ok()) {
      auto dc = schema::decode_counters(v);
      if (dc) {
        counters = *dc;
      } else {
        c.violation("counters record does not decode");
      }
    }
  }

  std::unordered_map<std::string, std::int64_t> balances;  // from postings
  std::unordered_map<std::uint64_t, std::pair<std::int64_t, std::uint32_t>> order_sums;
  std::map<std::pair<std::uint64_t, std::uint64_t>, std::pair<schema::RefKind, std::uint64_t>>
      seq_owner;
  std::map<std::pair<std::uint64_t, std::int64_t>, std::pair<std::int64_t, std::int64_t>> day_sums;
  std::unordered_map<std::string, std::uint64_t> key_owner;  // dedupe key → first non-dup credit
  std::uint64_t max_credit = 0;

  auto apply_postings = [&](const std::vector<Posting>& ps, const std::string& what) {
    std::int64_t net = 0;
    for (const auto& p : ps) {
      if (!p.amount.positive()) c.violation(what + ": non-positive posting");
      balances[p.from] -= p.amount.vnd();
      balances[p.to] += p.amount.vnd();
      net += p.amount.vnd() - p.amount.vnd();
      c.report.postings++;
    }
    if (net != 0) c.violation(what + ": postings do not balance");
  };

  // Journal: every credit, one outcome, postings that match it.
  std::unique_ptr<rocksdb::Iterator> it(store->db()->NewIterator(ro, store->journal()));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    std::uint64_t id = schema::get_be64(sv(it->key()));
    auto rec = schema::decode_credit(sv(it->value()));
    std::string what = "credit " + to_string_id(id);
    c.report.credits++;
    if (!rec) {
      c.violation(what + ": record does not decode");
      continue;
    }
    if (rec->id.value != id) c.violation(what + ": id differs from its key");
    max_credit = std::max(max_credit, id);
    if (to_string(rec->outcome) == "unknown") c.violation(what + ": no valid outcome");
    Money posted;
    for (const auto& p : rec->postings) posted += p.amount;
    if (outcome_posts(rec->outcome)) {
      if (posted != rec->credit.amount)
        c.violation(what + ": postings do not add up to the amount");
    } else if (!rec->postings.empty()) {
      c.violation(what + ": " + std::string(to_string(rec->outcome)) + " must not post");
    }
    apply_postings(rec->postings, what);
    if (rec->order.valid() && outcome_posts(rec->outcome)) {
      auto& os = order_sums[rec->order.value];
      os.first += rec->credit.amount.vnd();
      os.second += 1;
    }
    if (rec->outbox_seq != 0) {
      auto k = std::make_pair(rec->stall.value, rec->outbox_seq);
      if (seq_owner.count(k)) c.violation(what + ": outbox sequence used twice");
      seq_owner[k] = {schema::RefKind::credit, id};
    }
    if (rec->stall.valid()) {
      auto& d = day_sums[{rec->stall.value, vn_day_number(rec->credit.occurred_at_ms)}];
      for (const auto& p : rec->postings) {
        if (p.to == stall_received_account(rec->stall)) d.first += p.amount.vnd();
        if (p.to == stall_excess_account(rec->stall)) d.second += p.amount.vnd();
      }
    }
    std::string key = schema::dedupe_key(rec->credit.adapter_instance, rec->credit.provider_txn_id);
    bool is_repeat = rec->outcome == Outcome::duplicate || rec->outcome == Outcome::conflict;
    if (!is_repeat) {
      if (key_owner.count(key)) c.violation(what + ": a second first-delivery of the same key");
      key_owner[key] = id;
    } else if (!rec->related.valid() || rec->related.value >= id) {
      c.violation(what + ": a repeat must point to an earlier credit");
    }
  }
  if (!it->status().ok()) return from_rocksdb(it->status(), "scan journal");
  if (counters.next_credit <= max_credit) c.violation("credit counter is behind the journal");

  // Dedupe keys point back to their credit.
  std::uint64_t dedupe_keys = 0;
  it.reset(store->db()->NewIterator(ro, store->dedupe()));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    std::string key(sv(it->key()));
    if (key.empty() || key[0] != 'k') continue;
    dedupe_keys++;
    auto owner = key_owner.find(key);
    if (it->value().size() != 8 || owner == key_owner.end() ||
        owner->second != schema::get_be64(sv(it->value())))
      c.violation("dedupe key does not point to its first credit");
  }
  if (dedupe_keys != key_owner.size())
    c.violation("credits without a dedupe key: " + std::to_string(key_owner.size() - dedupe_keys));

  // State: resolutions, balances, orders, sequences, daily totals.
  std::unordered_map<std::string, std::int64_t> stored_balances;
  std::map<std::uint64_t, schema::StallSeq> seqs;
  std::map<std::pair<std::uint64_t, std::int64_t>, DailyTotals> daily;
  std::vector<Order> orders;
  it.reset(store->db()->NewIterator(ro, store->state()));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    std::string_view key = sv(it->key());
    std::string_view val = sv(it->value());
    if (key.empty()) {
      c.violation("empty state key");
      continue;
    }
    switch (key[0]) {
      case 'A':
        if (val.size() != 8) {
          c.violation("balance record size");
        } else {
          stored_balances[std::string(key.substr(1))] =
              static_cast<std::int64_t>(schema::get_be64(val));
        }
        break;
      case 'R': {
        auto x = schema::decode_resolution(val);
        if (!x) {
          c.violation("resolution does not decode");
          break;
        }
        apply_postings(x->postings, "resolution " + to_string_id(x->id));
        if (x->order.valid() && !x->postings.empty()) {
          Money m;
          for (const auto& p : x->postings) m += p.amount;
          auto& os = order_sums[x->order.value];
          os.first += m.vnd();
          os.second += 1;
        }
        if (x->outbox_seq != 0) {
          auto k = std::make_pair(x->stall.value, x->outbox_seq);
          if (seq_owner.count(k)) c.violation("resolution: outbox sequence used twice");
          seq_owner[k] = {schema::RefKind::resolution, x->id};
        }
        // Resolutions count toward the stall's day of the original credit.
        std::string v;
        if (x->stall.valid() &&
            store->db()->Get(ro, store->journal(), schema::be64(x->credit.value), &v).ok()) {
          if (auto orig = schema::decode_credit(v)) {
            auto& d = day_sums[{x->stall.value, vn_day_number(orig->credit.occurred_at_ms)}];
            for (const auto& p : x->postings) {
              if (p.to == stall_received_account(x->stall)) d.first += p.amount.vnd();
              if (p.to == stall_excess_account(x->stall)) d.second += p.amount.vnd();
            }
          }
        }
        break;
      }
      case 'O': {
        auto o = schema::decode_order(val);
        if (!o) {
          c.violation("order does not decode");
        } else {
          orders.push_back(*o);
        }
        break;
      }
      case 'Q': {
        auto q = schema::decode_stall_seq(val);
        if (!q || key.size() != 9) {
          c.violation("stall sequence record does not decode");
        } else {
          seqs[schema::get_be64(key, 1)] = *q;
        }
        break;
      }
      case 'D': {
        auto d = schema::decode_daily(val);
        if (!d || key.size() != 17) {
          c.violation("daily totals record does not decode");
        } else {
          daily[{schema::get_be64(key, 1), schema::daily_key_day(key)}] = *d;
        }
        break;
      }
      case 'S':
        c.report.stalls++;
        if (!schema::decode_stall(val)) c.violation("stall does not decode");
        break;
      case 'M':
        if (!schema::decode_market(val)) c.violation("market does not decode");
        break;
      case 'T':
        if (!schema::decode_token(val)) c.violation("token does not decode");
        break;
      case 'P':
        if (!schema::decode_pending(val)) c.violation("pending record does not decode");
        break;
      default:
        c.violation("unknown state record tag");
    }
  }
  if (!it->status().ok()) return from_rocksdb(it->status(), "scan state");

  std::int64_t total = 0;
  for (const auto& [acct, b] : balances) {
    total += b;
    auto s = stored_balances.find(acct);
    std::int64_t stored = s == stored_balances.end() ? 0 : s->second;
    if (stored != b)
      c.violation("balance of " + acct + " is " + std::to_string(stored) + ", postings say " +
                  std::to_string(b));
  }
  for (const auto& [acct, b] : stored_balances)
    if (!balances.count(acct) && b != 0) c.violation("balance of " + acct + " has no postings");
  if (total != 0) c.violation("balances sum to " + std::to_string(total) + ", not zero");
  c.report.accounts = balances.size();

  c.report.orders = orders.size();
  for (const auto& o : orders) {
    auto s = order_sums.find(o.id.value);
    std::int64_t sum = s == order_sums.end() ? 0 : s->second.first;
    if (o.paid_total.vnd() != sum)
      c.violation("order " + to_string_id(o.id.value) + " total " +
                  std::to_string(o.paid_total.vnd()) + " but its credits sum to " +
                  std::to_string(sum));
    if (o.id.value >= counters.next_order) c.violation("order counter is behind the orders");
  }

  for (const auto& [k, d] : daily) {
    auto s = day_sums.find(k);
    std::pair<std::int64_t, std::int64_t> want =
        s == day_sums.end() ? std::make_pair(0L, 0L) : s->second;
    if (d.received.vnd() != want.first || d.excess.vnd() != want.second)
      c.violation("daily totals of stall " + to_string_id(k.first) + " differ from the journal");
  }
  for (const auto& [k, sums] : day_sums)
    if ((sums.first != 0 || sums.second != 0) && !daily.count(k))
      c.violation("stall " + to_string_id(k.first) + " lacks daily totals");

  // Outbox: chunks cover oldest_retained..last_seq with no gap, each ref names its owner.
  std::map<std::uint64_t, std::uint64_t> next_expected;
  it.reset(store->db()->NewIterator(ro, store->outbox()));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    std::string_view key = sv(it->key());
    if (key.size() != 16) {
      c.violation("outbox key size");
      continue;
    }
    std::uint64_t stall = schema::get_be64(key), first = schema::get_be64(key, 8);
    auto chunk = schema::decode_chunk(sv(it->value()));
    if (!chunk || chunk->refs.empty()) {
      c.violation("outbox chunk does not decode");
      continue;
    }
    auto ne = next_expected.find(stall);
    if (ne != next_expected.end() && ne->second != first)
      c.violation("outbox of stall " + to_string_id(stall) + " has a gap or overlap at " +
                  std::to_string(first));
    if (ne == next_expected.end()) {
      auto q = seqs.find(stall);
      if (q == seqs.end() || q->second.oldest_retained > first)
        c.violation("outbox of stall " + to_string_id(stall) + " starts before its retention mark");
      else if (q->second.oldest_retained != first)
        c.violation("outbox of stall " + to_string_id(stall) + " misses its first retained events");
    }
    for (std::size_t i = 0; i < chunk->refs.size(); ++i) {
      auto owner = seq_owner.find({stall, first + i});
      if (owner == seq_owner.end() || owner->second.first != chunk->refs[i].kind ||
          owner->second.second != chunk->refs[i].id)
        c.violation("outbox event " + std::to_string(first + i) + " of stall " +
                    to_string_id(stall) + " names the wrong record");
      c.report.events++;
    }
    next_expected[stall] = first + chunk->refs.size();
  }
  for (const auto& [stall, q] : seqs) {
    auto ne = next_expected.find(stall);
    std::uint64_t end = ne == next_expected.end() ? q.oldest_retained : ne->second;
    if (end != q.last_seq + 1)
      c.violation("stall " + to_string_id(stall) + " last sequence " + std::to_string(q.last_seq) +
                  " but its outbox ends at " + std::to_string(end - 1));
  }
  for (const auto& [k, owner] : seq_owner) {
    auto q = seqs.find(k.first);
    if (q == seqs.end() || k.second > q->second.last_seq)
      c.violation("an event beyond stall " + to_string_id(k.first) + "'s last sequence");
  }

  store->db()->ReleaseSnapshot(snap);
  return c.report;
}

}  // namespace cho4::ledger
