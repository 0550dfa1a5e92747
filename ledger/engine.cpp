// The ledger engine: in-memory folded state (rebuilt from the `state` column family on open), one
// writer thread that reconciles queued commands against that state plus a per-batch overlay, and
// one committer thread that writes each batch as one synced WriteBatch. The two form a pipeline:
// while batch N is being written and fsynced, the writer already reconciles batch N+1 against the
// published state plus N's overlay. Only once N is durable does the writer publish N's overlay
// (under the lock readers share) and complete N's commands.
#include "ledger/engine.h"

#include <rocksdb/utilities/checkpoint.h>
#include <rocksdb/write_batch.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <map>
#include <mutex>
#include <shared_mutex>
#include <thread>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

#include "core/assert.h"
#include "core/vn_text.h"
#include "ledger/reference_code.h"
#include "ledger/schema_internal.h"
#include "ledger/store_internal.h"

namespace cho4::ledger {
namespace {

// CHO4_ASSIGN_OR_RETURN for functions that return a plain Status.
#define LEDGER_ASSIGN_OR_RETURN_STATUS(lhs, expr) \
  LEDGER_ASSIGN_OR_RETURN_STATUS_IMPL_(CHO4_CONCAT_(_ledger_result_, __LINE__), lhs, expr)
#define LEDGER_ASSIGN_OR_RETURN_STATUS_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                         \
  if (!tmp.ok()) return std::move(tmp).error();              \
  lhs = std::move(tmp).value()

using schema::Counters;
using schema::EventRef;
using schema::Pending;
using schema::PendingKind;
using schema::RefKind;
using schema::StallSeq;

using DayKey = std::pair<std::uint64_t, std::int64_t>;  // (stall, Vietnamese day number)

// Outbox chunks older than the retention are trimmed every this many batches.
constexpr std::uint64_t kTrimEveryBatches = 256;
// Bounds the trimming work folded into one batch.
constexpr std::size_t kTrimChunksMax = 4096;

// The published state: what the last durable batch left. Guarded by Impl::state_mu_ (readers
// share it; the writer takes it exclusively only to publish a batch's overlay).
struct State {
  Counters counters;
  std::map<std::uint64_t, Market> markets;
  std::map<std::uint64_t, Stall> stalls;
  std::map<std::uint64_t, std::vector<std::uint64_t>> stalls_by_market;
  std::unordered_map<std::string, std::uint64_t> stall_by_account;  // account or virtual account
  std::map<std::uint64_t, StallSeq> seqs;
  std::unordered_map<std::uint64_t, Order> orders;
  std::unordered_map<std::string, std::uint64_t> order_by_ref;
  std::unordered_map<std::uint64_t, std::vector<std::uint64_t>> orders_by_stall;
  std::unordered_map<std::string, std::int64_t> balances;
  std::map<DayKey, DailyTotals> daily;
  std::unordered_map<std::string, DeviceToken> tokens;
  std::map<std::uint64_t, Pending> pending;  // credit id → unresolved suspense / held
};

// One batch's changes, applied to State only after the batch is durable.
struct Overlay {
  std::optional<Counters> counters;
  std::map<std::uint64_t, Market> markets;
  std::map<std::uint64_t, Stall> stalls;
  std::map<std::string, std::uint64_t> stall_by_account;  // 0 = removed
  std::map<std::uint64_t, StallSeq> seqs;
  std::unordered_map<std::uint64_t, Order> orders;
  std::unordered_map<std::string, std::uint64_t> order_by_ref;  // orders created in this batch
  std::unordered_map<std::string, std::int64_t> balances;
  std::map<DayKey, DailyTotals> daily;
  std::unordered_map<std::string, DeviceToken> tokens;
  std::map<std::uint64_t, std::optional<Pending>> pending;  // nullopt = resolved
  // Batch-local journal: keys and records written earlier in this batch.
  std::unordered_map<std::string, std::uint64_t> dedupe;
  std::unordered_map<std::uint64_t, CreditRecord> credits;
  // Outbox refs per stall in seq order, and the first seq of each stall's chunk.
  std::map<std::uint64_t, std::pair<std::uint64_t, std::vector<EventRef>>> outbox;
  std::int64_t balance_delta_sum = 0;  // double entry: must be 0 at the end of the batch
};

// What the dedupe family held for one key when its batch was prepared (see prefetch_dedupe):
// the credit it points to, 0 when absent, or the read's error; nullopt when not read.
using StoredKey = std::optional<Result<std::uint64_t>>;

// A dedupe read's answer: the credit id, 0 when the key is absent.
Result<std::uint64_t> dedupe_value(const rocksdb::Status& s, std::string_view value) {
  if (s.IsNotFound()) return std::uint64_t{0};
  if (!s.ok()) return from_rocksdb(s, "read dedupe key");
  if (value.size() != 8) return data_loss("bad dedupe value");
  return schema::get_be64(value);
}

// One credit's dedupe and bank-reference keys, built once per batch, with what the dedupe family
// held for them when the batch was prepared.
struct CreditKeys {
  std::string dedupe;
  std::string bankref;  // empty when the credit has no bank reference
  StoredKey dedupe_stored, bankref_stored;
};

CreditKeys credit_keys(const BankCredit& c) {
  CreditKeys k;
  k.dedupe = schema::dedupe_key(c.adapter_instance, c.provider_txn_id);
  if (!c.bank_reference.empty())
    k.bankref = schema::bankref_key(c.account, c.bank_reference, c.amount);
  return k;
}

struct Queued {
  Command command;
  Completion done;
  Executor executor;
  // For IngestCredits, per credit: the reference codes in its description. Finding them is a
  // pure function of the text, so the submitting thread does it and the writer does not.
  std::vector<std::vector<std::string>> codes;
  // For IngestCredits, per credit: its dedupe keys and what the store held for them (the writer,
  // prefetch_dedupe).
  std::vector<CreditKeys> keys;
};

// A reconciled batch: its commands, their results, the overlay to publish and the WriteBatch to
// make durable first.
struct Prepared {
  std::vector<Queued> commands;
  std::vector<CommandResult> results;
  Overlay ov;
  rocksdb::WriteBatch wb;
  std::vector<OutboxEvent> events;
  std::size_t credit_count = 0;
  rocksdb::Status written;  // set by the committer
};

template <class Map, class Key>
auto* find_in(Map& m, const Key& k) {
  auto it = m.find(k);
  return it == m.end() ? nullptr : &it->second;
}

// What reconciling some money did, before it is wrapped in a credit or a resolution record.
struct Effect {
  Outcome outcome = Outcome::suspense;
  std::uint32_t flags = 0;
  StallId stall;
  OrderId order;
  std::string reference;
  Money order_amount;
  Money paid_total;
  Money shortfall;
  Money excess;
  std::vector<OrderId> candidates;
  std::vector<Posting> postings;
  bool event = false;  // the stall gets an outbox event
};

CreditResult result_of(const CreditRecord& r) {
  CreditResult c;
  c.credit_id = r.id;
  c.outcome = r.outcome;
  c.flags = r.flags;
  c.stall = r.stall;
  c.order = r.order;
  c.reference = r.reference;
  c.order_amount = r.order_amount;
  c.paid_total = r.paid_total;
  c.shortfall = r.shortfall;
  c.excess = r.excess;
  c.outbox_seq = r.outbox_seq;
  c.related = r.related;
  c.candidates = r.candidates;
  return c;
}

OutboxEvent event_of(const CreditRecord& r) {
  OutboxEvent e;
  e.stall = r.stall;
  e.seq = r.outbox_seq;
  e.kind = EventKind::credit;
  e.credit_id = r.id;
  e.outcome = r.outcome;
  e.direction = r.credit.direction;
  e.amount = r.credit.amount;
  e.order = r.order;
  e.reference = r.reference;
  e.order_amount = r.order_amount;
  e.paid_total = r.paid_total;
  e.shortfall = r.shortfall;
  e.excess = r.excess;
  e.flags = r.flags;
  e.occurred_at_ms = r.credit.occurred_at_ms;
  e.received_at_ms = r.credit.received_at_ms;
  e.description = r.credit.description;
  return e;
}

OutboxEvent event_of(const schema::Resolution& x, const CreditRecord& original) {
  OutboxEvent e = event_of(original);
  e.stall = x.stall;
  e.seq = x.outbox_seq;
  e.kind = EventKind::resolution;
  e.outcome = x.outcome;
  e.order = x.order;
  e.reference = x.reference;
  e.order_amount = x.order_amount;
  e.paid_total = x.paid_total;
  e.shortfall = x.shortfall;
  e.excess = x.excess;
  e.flags = x.flags;
  return e;
}

class EngineImpl final : public Engine {
 public:
  explicit EngineImpl(Options o) : options_(std::move(o)) {}
  ~EngineImpl() override { stop(); }

  Status start() {
    StoreOptions so;
    so.path = options_.path;
    so.create_if_missing = options_.create_if_missing;
    so.read_only = options_.read_only;
    so.file_system = options_.file_system;
    so.env = options_.env;
    so.statistics = true;
    so.background_low_priority = options_.background_low_priority;
    auto health = health_;
    so.on_background_error = [health](const std::string& why) { health->fail(why); };
    if (!options_.read_only && options_.create_if_missing) {
      std::error_code ec;
      if (options_.env == nullptr && !options_.file_system)
        std::filesystem::create_directories(options_.path, ec);
    }
    LEDGER_ASSIGN_OR_RETURN_STATUS(store_, Store::open(so));
    CHO4_RETURN_IF_ERROR(load());
    if (!options_.read_only) {
      committer_ = std::thread([this] { committer_loop(); });
      writer_ = std::thread([this] { writer_loop(); });
    }
    return Status();
  }

  void stop() {
    {
      std::lock_guard lock(queue_mu_);
      stopping_ = true;
    }
    queue_cv_.notify_all();
    if (writer_.joinable()) writer_.join();
    {
      std::lock_guard lock(queue_mu_);
      committer_stop_ = true;
    }
    commit_cv_.notify_all();
    if (committer_.joinable()) committer_.join();
    if (store_ && !options_.read_only && health_->ok()) {
      // Flushing the memtables makes the next open fast: nothing is left in the WAL to replay.
      rocksdb::FlushOptions fo;
      store_->db()
          ->Flush(fo, {store_->meta(), store_->journal(), store_->dedupe(), store_->outbox(),
                       store_->state(), store_->dead()})
          .PermitUncheckedError();
    }
    store_.reset();
  }

  // ---- Engine ----
  Status submit(Command command, Completion done, Executor executor) override {
    if (options_.read_only) return failed_precondition("the ledger is open read-only");
    if (!health_->ok()) return unavailable("ledger store failed: " + health_->why());
    std::vector<std::vector<std::string>> codes;
    if (const auto* in = std::get_if<IngestCredits>(&command)) {
      codes.reserve(in->credits.size());
      for (const auto& c : in->credits)
        codes.push_back(find_reference_codes(fold_for_matching(c.description)));
    }
    bool wake = false;
    {
      std::lock_guard lock(queue_mu_);
      if (stopping_) return unavailable("ledger is stopping");
      if (queue_.size() >= options_.queue_capacity) {
        rejected_full_.fetch_add(1, std::memory_order_relaxed);
        return resource_exhausted("ledger queue is full");
      }
      queue_.push_back(
          Queued{std::move(command), std::move(done), std::move(executor), std::move(codes)});
      if (options_.batch_wait_max.count() > 0) last_arrival_ = std::chrono::steady_clock::now();
      // Wake the writer only when the queue reaches the size it waits for (it sets wake_at_
      // before every wait on commands) or a batch is full: waking it for every command costs a
      // context switch per credit on a 2-core machine.
      wake = queue_.size() == wake_at_ || queue_.size() >= options_.batch_entries_max;
    }
    if (wake) queue_cv_.notify_one();
    return Status();
  }

  void set_on_commit(std::function<void(std::span<const OutboxEvent>)> hook) override {
    std::lock_guard lock(hook_mu_);
    on_commit_ = std::move(hook);
  }

  bool healthy() const override { return health_->ok(); }
  Status health() const override {
    if (health_->ok()) return Status();
    return unavailable("ledger store failed: " + health_->why());
  }

  EngineStats stats() const override {
    EngineStats s;
    s.batches = batches_.load(std::memory_order_relaxed);
    s.commands = commands_.load(std::memory_order_relaxed);
    s.credits = credits_.load(std::memory_order_relaxed);
    s.rejected_full = rejected_full_.load(std::memory_order_relaxed);
    {
      std::lock_guard lock(queue_mu_);
      s.queue_depth = queue_.size();
    }
    if (store_ && store_->statistics()) {
      const auto& st = *store_->statistics();
      s.write_stall_micros = st.getTickerCount(rocksdb::STALL_MICROS);
      s.keys_written = st.getTickerCount(rocksdb::NUMBER_KEYS_WRITTEN);
      s.bytes_written = st.getTickerCount(rocksdb::BYTES_WRITTEN);
    }
    std::shared_lock lock(state_mu_);
    s.last_credit_id = state_.counters.next_credit - 1;
    return s;
  }

  Result<Market> market(MarketId id) const override {
    std::shared_lock lock(state_mu_);
    auto it = state_.markets.find(id.value);
    if (it == state_.markets.end()) return not_found("no market " + to_string_id(id.value));
    return it->second;
  }
  std::vector<Market> markets() const override {
    std::shared_lock lock(state_mu_);
    std::vector<Market> v;
    for (const auto& [id, m] : state_.markets) v.push_back(m);
    return v;
  }
  Result<Stall> stall(StallId id) const override {
    std::shared_lock lock(state_mu_);
    auto it = state_.stalls.find(id.value);
    if (it == state_.stalls.end()) return not_found("no stall " + to_string_id(id.value));
    return it->second;
  }
  std::vector<Stall> stalls_of_market(MarketId id) const override {
    std::shared_lock lock(state_mu_);
    std::vector<Stall> v;
    auto it = state_.stalls_by_market.find(id.value);
    if (it == state_.stalls_by_market.end()) return v;
    for (auto s : it->second) v.push_back(state_.stalls.at(s));
    return v;
  }
  Result<Order> order(OrderId id) const override {
    std::shared_lock lock(state_mu_);
    auto it = state_.orders.find(id.value);
    if (it == state_.orders.end()) return not_found("no order " + to_string_id(id.value));
    return it->second;
  }
  Result<Order> order_by_reference(std::string_view code) const override {
    std::shared_lock lock(state_mu_);
    auto it = state_.order_by_ref.find(std::string(code));
    if (it == state_.order_by_ref.end()) return not_found("no order with that reference");
    return state_.orders.at(it->second);
  }
  std::vector<Order> open_orders(StallId stall) const override {
    UnixMs now = options_.clock->now_ms();
    std::shared_lock lock(state_mu_);
    std::vector<Order> v;
    auto it = state_.orders_by_stall.find(stall.value);
    if (it == state_.orders_by_stall.end()) return v;
    for (auto id : it->second) {
      const Order& o = state_.orders.at(id);
      if (o.status_at(now) == OrderStatus::open) v.push_back(o);
    }
    return v;
  }
  Result<CreditRecord> credit(CreditId id) const override { return read_credit(id.value); }
  Result<CreditRecord> credit_by_key(std::string_view instance,
                                     std::string_view txn_id) const override {
    std::string v;
    auto s = store_->db()->Get(rocksdb::ReadOptions(), store_->dedupe(),
                               schema::dedupe_key(instance, txn_id), &v);
    CHO4_ASSIGN_OR_RETURN(std::uint64_t id, dedupe_value(s, v));
    if (id == 0) return not_found("no credit with that key");
    return read_credit(id);
  }

  Result<OutboxPage> outbox_after(StallId stall, std::uint64_t after_seq,
                                  std::size_t limit) const override {
    OutboxPage page;
    {
      std::shared_lock lock(state_mu_);
      if (!state_.stalls.count(stall.value)) return not_found("no stall");
      auto it = state_.seqs.find(stall.value);
      if (it != state_.seqs.end()) {
        page.last_seq = it->second.last_seq;
        page.oldest_retained_seq = it->second.oldest_retained;
      } else {
        page.oldest_retained_seq = 1;
      }
    }
    std::vector<std::pair<std::uint64_t, EventRef>> refs;
    std::uint64_t from = std::max(after_seq + 1, page.oldest_retained_seq);
    std::unique_ptr<rocksdb::Iterator> it(
        store_->db()->NewIterator(rocksdb::ReadOptions(), store_->outbox()));
    std::string prefix = schema::be64(stall.value);
    it->SeekForPrev(schema::outbox_key(stall, from));
    if (!it->Valid() || !it->key().starts_with(prefix)) it->Seek(schema::outbox_key(stall, from));
    for (; it->Valid() && it->key().starts_with(prefix) && refs.size() < limit; it->Next()) {
      std::uint64_t first =
          schema::get_be64(std::string_view(it->key().data(), it->key().size()), 8);
      auto chunk = schema::decode_chunk(std::string_view(it->value().data(), it->value().size()));
      if (!chunk) return data_loss("bad outbox chunk");
      for (std::size_t i = 0; i < chunk->refs.size() && refs.size() < limit; ++i) {
        std::uint64_t seq = first + i;
        if (seq >= from && seq <= page.last_seq) refs.emplace_back(seq, chunk->refs[i]);
      }
    }
    if (!it->status().ok()) return from_rocksdb(it->status(), "read outbox");
    for (const auto& [seq, ref] : refs) {
      CHO4_ASSIGN_OR_RETURN(OutboxEvent e, read_event(ref));
      CHO4_ASSERT(e.seq == seq, "outbox ref and record disagree on the sequence");
      page.events.push_back(std::move(e));
    }
    return page;
  }

  Result<HistoryPage> stall_history(StallId stall, std::uint64_t before_seq,
                                    std::size_t limit) const override {
    HistoryPage page;
    std::uint64_t last = 0, oldest = 1;
    {
      std::shared_lock lock(state_mu_);
      if (!state_.stalls.count(stall.value)) return not_found("no stall");
      auto it = state_.seqs.find(stall.value);
      if (it != state_.seqs.end()) {
        last = it->second.last_seq;
        oldest = it->second.oldest_retained;
      }
    }
    std::uint64_t top = (before_seq == 0 || before_seq > last + 1) ? last : before_seq - 1;
    if (top < oldest || limit == 0) return page;
    std::vector<std::pair<std::uint64_t, EventRef>> refs;
    std::unique_ptr<rocksdb::Iterator> it(
        store_->db()->NewIterator(rocksdb::ReadOptions(), store_->outbox()));
    std::string prefix = schema::be64(stall.value);
    for (it->SeekForPrev(schema::outbox_key(stall, top));
         it->Valid() && it->key().starts_with(prefix) && refs.size() < limit; it->Prev()) {
      std::uint64_t first =
          schema::get_be64(std::string_view(it->key().data(), it->key().size()), 8);
      auto chunk = schema::decode_chunk(std::string_view(it->value().data(), it->value().size()));
      if (!chunk) return data_loss("bad outbox chunk");
      for (std::size_t i = chunk->refs.size(); i-- > 0 && refs.size() < limit;) {
        std::uint64_t seq = first + i;
        if (seq <= top && seq >= oldest) refs.emplace_back(seq, chunk->refs[i]);
      }
    }
    if (!it->status().ok()) return from_rocksdb(it->status(), "read outbox");
    for (const auto& [seq, ref] : refs) {
      CHO4_ASSIGN_OR_RETURN(OutboxEvent e, read_event(ref));
      page.events.push_back(std::move(e));
    }
    if (refs.size() == limit && !refs.empty() && refs.back().first > oldest)
      page.next_cursor = refs.back().first;
    return page;
  }

  Result<DailyTotals> stall_daily_totals(StallId stall, CivilDate day) const override {
    std::shared_lock lock(state_mu_);
    if (!state_.stalls.count(stall.value)) return not_found("no stall");
    return daily_locked(stall.value, days_from_civil(day), day);
  }
  Result<DailyTotals> market_daily_totals(MarketId market, CivilDate day) const override {
    std::shared_lock lock(state_mu_);
    if (!state_.markets.count(market.value)) return not_found("no market");
    return market_daily_locked(market.value, day);
  }
  Result<EndOfDayReport> end_of_day(MarketId market, CivilDate day) const override {
    EndOfDayReport r;
    r.market = market;
    r.day = day;
    std::vector<std::pair<std::uint64_t, PendingKind>> pend;
    std::unordered_set<std::uint64_t> market_stalls;
    {
      std::shared_lock lock(state_mu_);
      if (!state_.markets.count(market.value)) return not_found("no market");
      r.market_totals = market_daily_locked(market.value, day);
      std::int64_t dn = days_from_civil(day);
      auto it = state_.stalls_by_market.find(market.value);
      if (it != state_.stalls_by_market.end()) {
        for (auto s : it->second) {
          market_stalls.insert(s);
          r.stalls.emplace_back(state_.stalls.at(s), daily_locked(s, dn, day));
        }
      }
      for (const auto& [id, p] : state_.pending)
        if (p.day == dn) pend.emplace_back(id, p.kind);
    }
    for (const auto& [id, kind] : pend) {
      CHO4_ASSIGN_OR_RETURN(CreditRecord rec, read_credit(id));
      if (rec.stall.valid() && !market_stalls.count(rec.stall.value)) continue;
      (kind == PendingKind::suspense ? r.suspense : r.held).push_back(std::move(rec));
    }
    return r;
  }
  std::vector<CreditRecord> suspense_credits(std::size_t limit) const override {
    return pending_list(PendingKind::suspense, limit);
  }
  std::vector<CreditRecord> held_credits(std::size_t limit) const override {
    return pending_list(PendingKind::held, limit);
  }
  std::vector<DeadLetter> dead_letters(std::uint64_t after_id, std::size_t limit) const override {
    std::vector<DeadLetter> v;
    std::unique_ptr<rocksdb::Iterator> it(
        store_->db()->NewIterator(rocksdb::ReadOptions(), store_->dead()));
    for (it->Seek(schema::be64(after_id + 1)); it->Valid() && v.size() < limit; it->Next()) {
      auto d = schema::decode_dead(std::string_view(it->value().data(), it->value().size()));
      if (d) v.push_back(std::move(*d));
    }
    return v;
  }
  Result<DeadLetter> dead_letter(std::uint64_t id) const override {
    std::string v;
    auto s = store_->db()->Get(rocksdb::ReadOptions(), store_->dead(), schema::be64(id), &v);
    if (s.IsNotFound()) return not_found("no dead letter " + to_string_id(id));
    if (!s.ok()) return from_rocksdb(s, "read dead letter");
    auto d = schema::decode_dead(v);
    if (!d) return data_loss("bad dead letter record");
    return std::move(*d);
  }
  Result<DeviceToken> token_by_hash(std::string_view hash) const override {
    std::shared_lock lock(state_mu_);
    auto it = state_.tokens.find(std::string(hash));
    if (it == state_.tokens.end()) return not_found("unknown token");
    return it->second;
  }
  std::vector<DeviceToken> stall_tokens(StallId stall) const override {
    std::vector<DeviceToken> v;
    {
      std::shared_lock lock(state_mu_);
      for (const auto& [hash, t] : state_.tokens)
        if (t.scope == TokenScope::stall_device && t.stall == stall) v.push_back(t);
    }
    // Issue order. Tokens stored before it was recorded (issued 0) come first, by time.
    std::sort(v.begin(), v.end(), [](const DeviceToken& a, const DeviceToken& b) {
      return std::tie(a.issued, a.created_at_ms, a.hash) <
             std::tie(b.issued, b.created_at_ms, b.hash);
    });
    return v;
  }
  Money balance(std::string_view account) const override {
    std::shared_lock lock(state_mu_);
    auto it = state_.balances.find(std::string(account));
    return Money::vnd(it == state_.balances.end() ? 0 : it->second);
  }
  Result<std::string> raw_archive(std::uint64_t raw_id) const override {
    std::string v, raw;
    auto s = store_->db()->Get(rocksdb::ReadOptions(), store_->journal(), schema::be64(raw_id), &v);
    if (s.IsNotFound()) return not_found("no raw archive " + to_string_id(raw_id));
    if (!s.ok()) return from_rocksdb(s, "read raw archive");
    if (!schema::decode_credit(v, &raw)) return data_loss("bad journal record");
    return raw;
  }

  std::vector<CreditRecord> credits_between(std::string_view account, UnixMs from_ms,
                                            UnixMs to_ms) const override {
    constexpr std::int64_t kDeliveryLagMaxMs = 7LL * 24 * 3600 * 1000;
    std::vector<CreditRecord> v;
    std::unique_ptr<rocksdb::Iterator> it(
        store_->db()->NewIterator(rocksdb::ReadOptions(), store_->journal()));
    for (it->SeekToLast(); it->Valid(); it->Prev()) {
      auto rec = schema::decode_credit(std::string_view(it->value().data(), it->value().size()));
      if (!rec) continue;
      if (rec->credit.received_at_ms < from_ms - kDeliveryLagMaxMs) break;
      if (!outcome_posts(rec->outcome) || rec->credit.account != account) continue;
      if (rec->credit.occurred_at_ms < from_ms || rec->credit.occurred_at_ms >= to_ms) continue;
      v.push_back(std::move(*rec));
    }
    std::reverse(v.begin(), v.end());
    return v;
  }

  Status checkpoint_to(const std::string& dir) const override {
    rocksdb::Checkpoint* cp = nullptr;
    auto s = rocksdb::Checkpoint::Create(store_->db(), &cp);
    if (!s.ok()) return from_rocksdb(s, "checkpoint");
    std::unique_ptr<rocksdb::Checkpoint> owned(cp);
    // Flushing first keeps the checkpoint free of a large WAL to replay.
    s = owned->CreateCheckpoint(dir, 0);
    if (!s.ok()) return from_rocksdb(s, "checkpoint to " + dir);
    // A backup holds the same personal data as the store: owner-only, like the data folder.
    std::error_code perm_ec;
    std::filesystem::permissions(dir, std::filesystem::perms::owner_all, perm_ec);
    if (perm_ec) return io_error("cannot restrict " + dir + ": " + perm_ec.message());
    return Status();
  }

 private:
  // Health shared with RocksDB's background-error listener.
  struct Health {
    std::atomic<bool> ok_{true};
    mutable std::mutex mu;
    std::string why_;
    bool ok() const { return ok_.load(std::memory_order_acquire); }
    void fail(const std::string& why) {
      std::lock_guard lock(mu);
      if (why_.empty()) why_ = why;
      ok_.store(false, std::memory_order_release);
    }
    std::string why() const {
      std::lock_guard lock(mu);
      return why_;
    }
  };

  // ---------------- loading ----------------
  Status load() {
    State s;
    std::string v;
    auto st = store_->db()->Get(rocksdb::ReadOptions(), store_->meta(), schema::kCountersKey, &v);
    if (st.ok()) {
      auto c = schema::decode_counters(v);
      if (!c) return data_loss("bad counters record");
      s.counters = *c;
    } else if (!st.IsNotFound()) {
      return from_rocksdb(st, "read counters");
    }
    std::unique_ptr<rocksdb::Iterator> it(
        store_->db()->NewIterator(rocksdb::ReadOptions(), store_->state()));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      std::string_view key(it->key().data(), it->key().size());
      std::string_view val(it->value().data(), it->value().size());
      if (key.empty()) return data_loss("empty state key");
      bool good = true;
      switch (key[0]) {
        case 'A':
          good = val.size() == 8;
          if (good)
            s.balances[std::string(key.substr(1))] =
                static_cast<std::int64_t>(schema::get_be64(val));
          break;
        case 'D': {
          auto d = schema::decode_daily(val);
          good = d.has_value() && key.size() == 17;
          if (good) s.daily[{schema::get_be64(key, 1), schema::daily_key_day(key)}] = *d;
          break;
        }
        case 'O': {
          auto o = schema::decode_order(val);
          good = o.has_value();
          if (good) {
            s.order_by_ref[o->reference] = o->id.value;
            s.orders_by_stall[o->stall.value].push_back(o->id.value);
            s.orders[o->id.value] = std::move(*o);
          }
          break;
        }
        case 'M': {
          auto m = schema::decode_market(val);
          good = m.has_value();
          if (good) s.markets[m->id.value] = std::move(*m);
          break;
        }
        case 'S': {
          auto x = schema::decode_stall(val);
          good = x.has_value();
          if (good) {
            s.stall_by_account[x->account] = x->id.value;
            if (!x->virtual_account.empty()) s.stall_by_account[x->virtual_account] = x->id.value;
            s.stalls_by_market[x->market.value].push_back(x->id.value);
            s.stalls[x->id.value] = std::move(*x);
          }
          break;
        }
        case 'Q': {
          auto q = schema::decode_stall_seq(val);
          good = q.has_value() && key.size() == 9;
          if (good) s.seqs[schema::get_be64(key, 1)] = *q;
          break;
        }
        case 'T': {
          auto t = schema::decode_token(val);
          good = t.has_value();
          if (good) s.tokens[t->hash] = std::move(*t);
          break;
        }
        case 'P': {
          auto p = schema::decode_pending(val);
          good = p.has_value() && key.size() == 9;
          if (good) s.pending[schema::get_be64(key, 1)] = *p;
          break;
        }
        case 'R':
          break;  // resolutions are read on demand
        default:
          good = false;
      }
      if (!good) return data_loss("bad state record with tag '" + std::string(1, key[0]) + "'");
    }
    if (!it->status().ok()) return from_rocksdb(it->status(), "load state");
    std::unique_lock lock(state_mu_);
    state_ = std::move(s);
    return Status();
  }

  // ---------------- reads ----------------
  Result<CreditRecord> read_credit(std::uint64_t id) const {
    std::string v;
    auto s = store_->db()->Get(rocksdb::ReadOptions(), store_->journal(), schema::be64(id), &v);
    if (s.IsNotFound()) return not_found("no credit " + to_string_id(id));
    if (!s.ok()) return from_rocksdb(s, "read credit");
    auto rec = schema::decode_credit(v);
    if (!rec) return data_loss("bad journal record " + to_string_id(id));
    return std::move(*rec);
  }
  Result<schema::Resolution> read_resolution(std::uint64_t id) const {
    std::string v;
    auto s =
        store_->db()->Get(rocksdb::ReadOptions(), store_->state(), schema::state_key('R', id), &v);
    if (s.IsNotFound()) return not_found("no resolution " + to_string_id(id));
    if (!s.ok()) return from_rocksdb(s, "read resolution");
    auto x = schema::decode_resolution(v);
    if (!x) return data_loss("bad resolution record");
    return std::move(*x);
  }
  Result<OutboxEvent> read_event(const EventRef& ref) const {
    if (ref.kind == RefKind::credit) {
      CHO4_ASSIGN_OR_RETURN(CreditRecord rec, read_credit(ref.id));
      return event_of(rec);
    }
    CHO4_ASSIGN_OR_RETURN(schema::Resolution x, read_resolution(ref.id));
    CHO4_ASSIGN_OR_RETURN(CreditRecord rec, read_credit(x.credit.value));
    return event_of(x, rec);
  }
  DailyTotals daily_locked(std::uint64_t stall, std::int64_t dn, CivilDate day) const {
    auto it = state_.daily.find({stall, dn});
    if (it != state_.daily.end()) return it->second;
    DailyTotals d;
    d.day = day;
    return d;
  }
  DailyTotals market_daily_locked(std::uint64_t market, CivilDate day) const {
    DailyTotals sum;
    sum.day = day;
    std::int64_t dn = days_from_civil(day);
    auto it = state_.stalls_by_market.find(market);
    if (it == state_.stalls_by_market.end()) return sum;
    for (auto s : it->second) {
      auto d = state_.daily.find({s, dn});
      if (d == state_.daily.end()) continue;
      sum.received += d->second.received;
      sum.excess += d->second.excess;
      sum.paid_out += d->second.paid_out;
      sum.credits += d->second.credits;
      sum.outgoing += d->second.outgoing;
      for (std::size_t i = 0; i < std::size(sum.by_outcome); ++i)
        sum.by_outcome[i] += d->second.by_outcome[i];
    }
    return sum;
  }
  std::vector<CreditRecord> pending_list(PendingKind kind, std::size_t limit) const {
    std::vector<std::uint64_t> ids;
    {
      std::shared_lock lock(state_mu_);
      for (const auto& [id, p] : state_.pending) {
        if (ids.size() >= limit) break;
        if (p.kind == kind) ids.push_back(id);
      }
    }
    std::vector<CreditRecord> v;
    for (auto id : ids) {
      auto r = read_credit(id);
      if (r.ok()) v.push_back(std::move(*r));
    }
    return v;
  }

  // ---------------- the writer ----------------
  static std::size_t entries_of(const Command& c) {
    if (const auto* in = std::get_if<IngestCredits>(&c))
      return std::max<std::size_t>(1, in->credits.size());
    return 1;
  }

  // The writer: takes batches off the queue and reconciles them while the committer makes the
  // previous one durable. It alone changes state_ (in publish), so it reads state_ unlocked.
  void writer_loop() {
    std::optional<Prepared> inflight;
    for (;;) {
      std::vector<Queued> batch;
      {
        std::unique_lock lock(queue_mu_);
        // With a commit in flight, start reconciling the next batch only once it holds as many
        // commands as the one being committed, or when that commit ends. Taking whatever was
        // queued at once made the next batch one or two stragglers, and every command arriving
        // after them waited for two commits. Behind 64 keep-alive connections the server's core
        // then sat idle a third of the time (docs/results-server.md).
        wake_at_ = inflight ? inflight->commands.size() : 1;
        queue_cv_.wait(lock, [&] {
          return stopping_ || queue_.size() >= wake_at_ || (inflight && commit_done_);
        });
        if (inflight && (commit_done_ || queue_.empty())) {
          // Complete the durable batch first: its callers wait on it. (Empty queue while
          // stopping: wait for the last commit, then drain.)
          queue_cv_.wait(lock, [&] { return commit_done_; });
          lock.unlock();
          finish(*inflight);
          inflight.reset();
          continue;
        }
        if (queue_.empty()) return;  // stopping and drained
        if (!inflight) wait_for_company(lock);
        std::size_t entries = 0;
        while (!queue_.empty() && entries < options_.batch_entries_max) {
          entries += entries_of(queue_.front().command);
          batch.push_back(std::move(queue_.front()));
          queue_.pop_front();
        }
        last_batch_commands_ = batch.size();
      }
      Prepared next = prepare(std::move(batch));
      if (inflight) {
        {
          std::unique_lock lock(queue_mu_);
          queue_cv_.wait(lock, [&] { return commit_done_; });
        }
        finish(*inflight);
        inflight.reset();
      }
      if (!health_->ok()) {
        // The batch before failed to commit, and this one was reconciled on top of it.
        fail_all(next.commands, unavailable("ledger store failed: " + health_->why()));
        continue;
      }
      inflight.emplace(std::move(next));
      inflight_ = &inflight->ov;
      {
        std::lock_guard lock(queue_mu_);
        commit_job_ = &*inflight;
        commit_done_ = false;
      }
      commit_cv_.notify_one();
    }
  }

  // Group commit when nothing is being written (a commit in flight is itself the grouping
  // window): later commands may join for up to batch_wait_max, but only while they keep coming.
  // Once none has arrived for batch_quiet_gap, or as many are queued as the last batch held, the
  // burst is over, and waiting out the rest of batch_wait_max would only idle the core: behind
  // keep-alive connections that answer each response with the next request, a burst lasts a few
  // hundred microseconds and then stops until this batch's answers go out.
  void wait_for_company(std::unique_lock<std::mutex>& lock) {
    if (options_.batch_wait_max.count() <= 0) return;
    const auto give_up = std::chrono::steady_clock::now() + options_.batch_wait_max;
    wake_at_ = std::min(last_batch_commands_, options_.batch_entries_max);
    while (!stopping_ && queue_.size() < wake_at_) {
      const auto until = std::min(give_up, last_arrival_ + options_.batch_quiet_gap);
      if (std::chrono::steady_clock::now() >= until) return;
      queue_cv_.wait_until(lock, until);
    }
  }

  // The committer: writes and syncs one prepared batch at a time.
  void committer_loop() {
    rocksdb::WriteOptions wo;
    wo.sync = !options_.unsafe_skip_sync;
    for (;;) {
      Prepared* job = nullptr;
      {
        std::unique_lock lock(queue_mu_);
        commit_cv_.wait(lock, [&] { return committer_stop_ || commit_job_ != nullptr; });
        if (commit_job_ == nullptr) return;
        job = commit_job_;
      }
      job->written =
          job->wb.Count() > 0 ? store_->db()->Write(wo, &job->wb) : rocksdb::Status::OK();
      {
        std::lock_guard lock(queue_mu_);
        commit_job_ = nullptr;
        commit_done_ = true;
      }
      queue_cv_.notify_all();
    }
  }

  static void complete(Queued& q, CommandResult r) {
    if (!q.done) return;
    if (q.executor) {
      q.executor([done = std::move(q.done), r = std::move(r)]() mutable { done(std::move(r)); });
    } else {
      q.done(std::move(r));
    }
  }

  static void fail_all(std::vector<Queued>& commands, const Status& why) {
    for (auto& q : commands) complete(q, CommandResult{why, {}});
  }

  // Reconciles a batch against the published state plus the in-flight overlay.
  Prepared prepare(std::vector<Queued> batch) {
    Prepared p;
    p.commands = std::move(batch);
    if (!health_->ok()) return p;  // finish() fails it without writing
    p.results.reserve(p.commands.size());
    // A full batch is about a megabyte: sized from the last one, the WriteBatch and the batch's
    // key map are allocated once instead of being copied at every doubling.
    p.wb = rocksdb::WriteBatch(last_batch_bytes_ + last_batch_bytes_ / 8);
    p.ov.dedupe.reserve(2 * p.commands.size());
    now_ms_ = options_.clock->now_ms();
    prefetch_dedupe(p.commands);
    for (auto& q : p.commands) {
      codes_ = &q.codes;
      keys_ = &q.keys;
      CommandResult r;
      r.status = std::visit([&](auto& cmd) { return apply(cmd, p.ov, p.wb, p.events, r.value); },
                            q.command);
      if (const auto* in = std::get_if<IngestCredits>(&q.command); in && r.status.ok())
        p.credit_count += in->credits.size();
      p.results.push_back(std::move(r));
    }
    if (++batches_since_trim_ >= kTrimEveryBatches) {
      batches_since_trim_ = 0;
      trim_outbox(p.ov, p.wb);
    }
    flush_overlay(p.ov, p.wb);
    CHO4_ASSERT(p.ov.balance_delta_sum == 0, "a batch's postings must balance");
    last_batch_bytes_ = p.wb.GetDataSize();
    return p;
  }

  // Reads the dedupe and bank-reference keys of every credit in the batch with one MultiGet.
  // RocksDB then picks each file once for all the keys and probes their Bloom filters together;
  // one Get per key (two per credit) had been half the writer's time after a minute of ingest.
  // What the store answers here still holds when the key is applied: the only write in between
  // is the committer's of the in-flight batch, and lookup_key consults that batch's overlay (and
  // this batch's own) before the prefetched answer.
  void prefetch_dedupe(std::vector<Queued>& batch) {
    std::vector<rocksdb::Slice> slices;
    std::vector<StoredKey*> slots;
    for (auto& q : batch) {
      auto* in = std::get_if<IngestCredits>(&q.command);
      if (in == nullptr) continue;
      q.keys.reserve(in->credits.size());
      for (const BankCredit& c : in->credits) q.keys.push_back(credit_keys(c));
      for (CreditKeys& k : q.keys) {
        slices.emplace_back(k.dedupe);
        slots.push_back(&k.dedupe_stored);
        if (k.bankref.empty()) continue;
        slices.emplace_back(k.bankref);
        slots.push_back(&k.bankref_stored);
      }
    }
    if (slices.empty()) return;
    std::vector<rocksdb::PinnableSlice> values(slices.size());
    std::vector<rocksdb::Status> statuses(slices.size());
    store_->db()->MultiGet(rocksdb::ReadOptions(), store_->dedupe(), slices.size(), slices.data(),
                           values.data(), statuses.data());
    for (std::size_t k = 0; k < slices.size(); ++k)
      *slots[k] = dedupe_value(statuses[k], std::string_view(values[k].data(), values[k].size()));
  }

  // After the committer is done with `p`: publish and complete it, or fail it.
  void finish(Prepared& p) {
    inflight_ = nullptr;
    if (p.results.size() != p.commands.size()) {  // prepared while the store had failed
      fail_all(p.commands, unavailable("ledger store failed: " + health_->why()));
      return;
    }
    if (!p.written.ok()) {
      health_->fail(p.written.ToString());
      Status err = from_rocksdb(p.written, "commit batch");
      fail_all(p.commands, unavailable(err.message()));
      return;
    }
    publish(std::move(p.ov));
    batches_.fetch_add(1, std::memory_order_relaxed);
    commands_.fetch_add(p.commands.size(), std::memory_order_relaxed);
    credits_.fetch_add(p.credit_count, std::memory_order_relaxed);
    if (!p.events.empty()) {
      std::lock_guard lock(hook_mu_);
      if (on_commit_) on_commit_(std::span<const OutboxEvent>(p.events));
    }
    for (std::size_t i = 0; i < p.commands.size(); ++i)
      complete(p.commands[i], std::move(p.results[i]));
  }

  // ---- overlay lookups (writer thread only: base state is read without the lock because only
  // this thread ever changes it) ----
  // Each lookup goes through the chain: this batch's overlay, then the overlay of the batch being
  // committed (inflight_), then the published state.
  Counters& counters(Overlay& ov) {
    if (!ov.counters)
      ov.counters = inflight_ && inflight_->counters ? *inflight_->counters : state_.counters;
    return *ov.counters;
  }
  const Stall* find_stall(const Overlay& ov, std::uint64_t id) const {
    if (auto* v = find_in(ov.stalls, id)) return v;
    if (inflight_)
      if (auto* v = find_in(inflight_->stalls, id)) return v;
    return find_in(state_.stalls, id);
  }
  bool market_known(const Overlay& ov, std::uint64_t id) const {
    return ov.markets.count(id) || (inflight_ && inflight_->markets.count(id)) ||
           state_.markets.count(id);
  }
  const DeviceToken* find_token(const Overlay& ov, const std::string& hash) const {
    if (auto* v = find_in(ov.tokens, hash)) return v;
    if (inflight_)
      if (auto* v = find_in(inflight_->tokens, hash)) return v;
    return find_in(state_.tokens, hash);
  }
  std::uint64_t stall_for_account(const Overlay& ov, const std::string& account) const {
    if (account.empty()) return 0;
    if (auto* v = find_in(ov.stall_by_account, account)) return *v;  // 0 = removed
    if (inflight_)
      if (auto* v = find_in(inflight_->stall_by_account, account)) return *v;
    if (auto* v = find_in(state_.stall_by_account, account)) return *v;
    return 0;
  }
  // For reading: an order is only copied into the overlay (and so rewritten with the batch) by
  // find_order, when it is about to change. Codes of other stalls' orders are common in
  // descriptions; looking at them rewrote a third of a batch's orders unchanged.
  const Order* peek_order(const Overlay& ov, std::uint64_t id) const {
    if (auto* v = find_in(ov.orders, id)) return v;
    if (inflight_)
      if (auto* v = find_in(inflight_->orders, id)) return v;
    return find_in(state_.orders, id);
  }
  Order* find_order(Overlay& ov, std::uint64_t id) {
    if (auto* v = find_in(ov.orders, id)) return v;
    const Order* base = peek_order(ov, id);
    return base ? &(ov.orders[id] = *base) : nullptr;
  }
  std::uint64_t order_for_reference(const Overlay& ov, const std::string& code) const {
    if (auto* v = find_in(state_.order_by_ref, code)) return *v;
    if (inflight_)
      if (auto* v = find_in(inflight_->order_by_ref, code)) return *v;
    if (auto* v = find_in(ov.order_by_ref, code)) return *v;
    return 0;
  }
  StallSeq& seq_of(Overlay& ov, std::uint64_t stall) {
    if (auto* v = find_in(ov.seqs, stall)) return *v;
    if (inflight_)
      if (auto* v = find_in(inflight_->seqs, stall)) return ov.seqs[stall] = *v;
    auto* base = find_in(state_.seqs, stall);
    return ov.seqs[stall] = base ? *base : StallSeq{};
  }
  DailyTotals& daily_of(Overlay& ov, std::uint64_t stall, std::int64_t dn) {
    DayKey k{stall, dn};
    if (auto* v = find_in(ov.daily, k)) return *v;
    if (inflight_)
      if (auto* v = find_in(inflight_->daily, k)) return ov.daily[k] = *v;
    if (auto* v = find_in(state_.daily, k)) return ov.daily[k] = *v;
    DailyTotals d;
    d.day = civil_from_days(dn);
    return ov.daily[k] = d;
  }
  void post(Overlay& ov, const Posting& p) {
    CHO4_ASSERT(p.amount.positive(), "a posting moves a positive amount");
    auto add = [&](const std::string& acct, std::int64_t d) {
      auto it = ov.balances.find(acct);
      if (it == ov.balances.end()) {
        const std::int64_t* base = inflight_ ? find_in(inflight_->balances, acct) : nullptr;
        if (!base) base = find_in(state_.balances, acct);
        it = ov.balances.emplace(acct, base ? *base : 0).first;
      }
      it->second += d;
      ov.balance_delta_sum += d;
    };
    add(p.from, -p.amount.vnd());
    add(p.to, p.amount.vnd());
  }
  std::optional<Pending> pending_of(const Overlay& ov, std::uint64_t credit) const {
    if (auto* v = find_in(ov.pending, credit)) return *v;  // nullopt = resolved
    if (inflight_)
      if (auto* v = find_in(inflight_->pending, credit)) return *v;
    if (auto* v = find_in(state_.pending, credit)) return *v;
    return std::nullopt;
  }
  Result<CreditRecord> credit_in_batch_or_store(const Overlay& ov, std::uint64_t id) const {
    if (auto* v = find_in(ov.credits, id)) return *v;
    if (inflight_)
      if (auto* v = find_in(inflight_->credits, id)) return *v;
    return read_credit(id);
  }
  // Finds a dedupe key written earlier in this batch, in the batch being committed, or stored
  // (`stored`: what prefetch_dedupe read, when it did); 0 when absent.
  Result<std::uint64_t> lookup_key(const Overlay& ov, const std::string& key,
                                   const StoredKey& stored) const {
    if (auto* v = find_in(ov.dedupe, key)) return *v;
    if (inflight_)
      if (auto* v = find_in(inflight_->dedupe, key)) return *v;
    if (stored.has_value()) return *stored;
    std::string v;
    auto s = store_->db()->Get(rocksdb::ReadOptions(), store_->dedupe(), key, &v);
    return dedupe_value(s, v);
  }

  std::uint64_t next_seq(Overlay& ov, std::uint64_t stall, RefKind kind, std::uint64_t id) {
    StallSeq& q = seq_of(ov, stall);
    std::uint64_t seq = ++q.last_seq;
    auto& chunk = ov.outbox[stall];
    if (chunk.second.empty()) chunk.first = seq;
    CHO4_ASSERT(chunk.first + chunk.second.size() == seq, "outbox sequences are gap-free");
    chunk.second.push_back(EventRef{kind, id});
    return seq;
  }

  // ---- reconciliation of money in (or out) against orders and stalls ----
  // `codes`: the reference codes in c's description when already found (see Queued::codes).
  Effect reconcile(Overlay& ov, const BankCredit& c, bool count_daily,
                   const std::vector<std::string>* codes = nullptr) {
    Effect e;
    std::uint64_t receiving = stall_for_account(ov, c.sub_account);
    if (receiving == 0) receiving = stall_for_account(ov, c.account);
    const Stall* rs = receiving ? find_stall(ov, receiving) : nullptr;
    std::string bank = bank_account_name(
        rs ? std::string_view(rs->bank_bin) : std::string_view(c.bank), c.account);
    UnixMs t = c.occurred_date_only ? c.received_at_ms : c.occurred_at_ms;
    if (c.occurred_date_only) e.flags |= kFlagDateOnly;
    std::int64_t dn = vn_day_number(c.occurred_at_ms);
    const Money a = c.amount;

    if (c.direction == Direction::out) {
      if (rs) {
        e.outcome = Outcome::outgoing;
        e.stall = StallId{receiving};
        e.postings.push_back({stall_paid_out_account(e.stall), bank, a});
        e.event = true;
        if (count_daily) {
          DailyTotals& d = daily_of(ov, receiving, dn);
          d.paid_out += a;
          d.outgoing += 1;
        }
      } else {
        e.outcome = Outcome::suspense;
        e.flags |= kFlagUnknownAccount;
        e.postings.push_back({std::string(kSuspenseAccount), bank, a});
      }
      if (count_daily && rs) daily_of(ov, receiving, dn).by_outcome[static_cast<int>(e.outcome)]++;
      return e;
    }

    // Reference codes of open and recently closed orders.
    std::vector<const Order*> own, foreign;
    std::vector<std::string> found;
    if (codes == nullptr) {
      found = find_reference_codes(fold_for_matching(c.description));
      codes = &found;
    }
    for (const auto& code : *codes) {
      std::uint64_t oid = order_for_reference(ov, code);
      if (oid == 0) continue;
      const Order* o = peek_order(ov, oid);
      UnixMs closed_at = o->expires_at_ms;
      if (o->cancelled_at_ms != 0) closed_at = std::min(closed_at, o->cancelled_at_ms);
      if (o->paid_at_ms != 0)
        closed_at = std::min(closed_at, std::max(o->paid_at_ms, o->created_at_ms));
      if (t > closed_at + options_.closed_order_window_ms) continue;
      (receiving != 0 && o->stall.value == receiving ? own : foreign).push_back(o);
    }
    if (own.size() == 1) {
      Order* o = find_order(ov, own.front()->id.value);
      e.stall = o->stall;
      e.order = o->id;
      e.reference = o->reference;
      e.order_amount = o->amount;
      bool late = t >= o->expires_at_ms;
      bool cancelled = o->cancelled_at_ms != 0;
      Money before = o->paid_total;
      Money received, excess;
      if (before >= o->amount) {
        e.outcome = Outcome::paid_again;
        excess = a;
      } else {
        Money remaining = o->amount - before;
        received = a <= remaining ? a : remaining;
        excess = a - received;
        e.outcome = excess.positive() ? Outcome::overpaid
                    : a == remaining  ? Outcome::paid
                                      : Outcome::underpaid;
        if (late || cancelled) e.outcome = Outcome::late;
      }
      if (late) e.flags |= kFlagLate;
      if (cancelled) e.flags |= kFlagOrderCancelled | kFlagLate;
      o->paid_total = before + a;
      o->credit_count += 1;
      if (before < o->amount && o->paid_total >= o->amount) o->paid_at_ms = t;
      e.paid_total = o->paid_total;
      e.shortfall = o->paid_total < o->amount ? o->amount - o->paid_total : Money();
      e.excess = excess;
      if (received.positive())
        e.postings.push_back({bank, stall_received_account(e.stall), received});
      if (excess.positive()) e.postings.push_back({bank, stall_excess_account(e.stall), excess});
      e.event = true;
      if (count_daily) {
        DailyTotals& d = daily_of(ov, e.stall.value, dn);
        d.received += received;
        d.excess += excess;
        d.credits += 1;
        d.by_outcome[static_cast<int>(e.outcome)]++;
      }
      return e;
    }
    if (!own.empty() || !foreign.empty()) {
      e.outcome = Outcome::suspense;
      e.flags |= own.size() > 1 ? kFlagAmbiguousReference : kFlagForeignReference;
      for (auto* o : own) e.candidates.push_back(o->id);
      for (auto* o : foreign) e.candidates.push_back(o->id);
      e.stall = StallId{receiving};
      e.postings.push_back({bank, std::string(kSuspenseAccount), a});
      if (count_daily && receiving)
        daily_of(ov, receiving, dn).by_outcome[static_cast<int>(e.outcome)]++;
      return e;
    }
    if (rs) {
      e.outcome = Outcome::static_qr;
      e.stall = StallId{receiving};
      if (rs->alarm_threshold.positive() && a < rs->alarm_threshold) e.flags |= kFlagBelowMinimum;
      e.postings.push_back({bank, stall_received_account(e.stall), a});
      e.event = true;
      if (count_daily) {
        DailyTotals& d = daily_of(ov, receiving, dn);
        d.received += a;
        d.credits += 1;
        d.by_outcome[static_cast<int>(e.outcome)]++;
      }
      return e;
    }
    e.outcome = Outcome::suspense;
    e.flags |= kFlagUnknownAccount;
    e.postings.push_back({bank, std::string(kSuspenseAccount), a});
    return e;
  }

  static Status validate_credit(const BankCredit& c) {
    if (!is_valid_instance_name(c.adapter_instance))
      return invalid_argument("credit: bad adapter instance name");
    if (c.provider_txn_id.empty() || c.provider_txn_id.size() > 256)
      return invalid_argument("credit: provider transaction id must be 1..256 bytes");
    if (!c.amount.positive() || c.amount > kCreditAmountMax)
      return invalid_argument("credit: amount must be positive and plausible");
    if (c.account.empty()) return invalid_argument("credit: receiving account is empty");
    if (c.direction != Direction::in && c.direction != Direction::out)
      return invalid_argument("credit: bad direction");
    return Status();
  }

  // ---- commands ----
  Status apply(IngestCredits& in, Overlay& ov, rocksdb::WriteBatch& wb,
               std::vector<OutboxEvent>& events, CommandValue& out) {
    for (const auto& c : in.credits) CHO4_RETURN_IF_ERROR(validate_credit(c));
    UnixMs received = in.received_at_ms != 0 ? in.received_at_ms : now_ms_;
    IngestResult result;
    if (in.reprocessed_dead_letter != 0) {
      std::string v;
      auto s = store_->db()->Get(rocksdb::ReadOptions(), store_->dead(),
                                 schema::be64(in.reprocessed_dead_letter), &v);
      if (s.IsNotFound()) return not_found("no such dead letter");
      if (!s.ok()) return from_rocksdb(s, "read dead letter");
      auto d = schema::decode_dead(v);
      if (!d) return data_loss("bad dead letter");
      d->reprocessed_at_ms = now_ms_;
      wb.Put(store_->dead(), schema::be64(d->id), schema::encode_dead(*d));
    }
    // Dedupe lookups can fail (I/O): do them all before changing anything.
    struct Found {
      std::uint64_t by_key = 0;
      std::uint64_t by_bankref = 0;
    };
    std::vector<Found> found(in.credits.size());
    const std::vector<CreditKeys>& keys = *keys_;  // built and read by prefetch_dedupe
    CHO4_ASSERT(keys.size() == in.credits.size(), "every credit's keys are prefetched");
    for (std::size_t i = 0; i < in.credits.size(); ++i) {
      const CreditKeys& k = keys[i];
      LEDGER_ASSIGN_OR_RETURN_STATUS(found[i].by_key, lookup_key(ov, k.dedupe, k.dedupe_stored));
    }
    for (std::size_t i = 0; i < in.credits.size(); ++i) {
      BankCredit c = std::move(in.credits[i]);
      if (c.received_at_ms == 0) c.received_at_ms = received;
      CreditRecord rec;
      rec.id = CreditId{counters(ov).next_credit++};
      if (result.raw_id == 0) result.raw_id = rec.id.value;
      rec.raw_id = result.raw_id;
      const CreditKeys& k = keys[i];
      const std::string& key = k.dedupe;
      // A key first seen earlier in this same request/batch.
      std::uint64_t original = found[i].by_key;
      if (original == 0) {
        if (auto it = ov.dedupe.find(key); it != ov.dedupe.end()) original = it->second;
      }
      std::int64_t dn = vn_day_number(c.occurred_at_ms);
      bool pending_held = false;
      if (original != 0) {
        LEDGER_ASSIGN_OR_RETURN_STATUS(CreditRecord orig, credit_in_batch_or_store(ov, original));
        bool same = orig.credit.amount == c.amount && orig.credit.account == c.account &&
                    orig.credit.direction == c.direction &&
                    orig.credit.sub_account == c.sub_account;
        rec.outcome = same ? Outcome::duplicate : Outcome::conflict;
        rec.related = orig.id;
        rec.stall = orig.stall;
        rec.order = orig.order;
        rec.reference = orig.reference;
        pending_held = !same;
      } else {
        std::uint64_t probable = 0;
        const std::string& bref = k.bankref;
        if (!bref.empty()) {
          LEDGER_ASSIGN_OR_RETURN_STATUS(probable, lookup_key(ov, bref, k.bankref_stored));
        }
        ov.dedupe[key] = rec.id.value;
        wb.Put(store_->dedupe(), key, schema::be64(rec.id.value));
        if (probable != 0) {
          LEDGER_ASSIGN_OR_RETURN_STATUS(CreditRecord orig, credit_in_batch_or_store(ov, probable));
          rec.outcome = Outcome::probable_duplicate;
          rec.related = orig.id;
          rec.stall = orig.stall;
          pending_held = true;
        } else {
          if (!bref.empty()) {
            ov.dedupe[bref] = rec.id.value;
            wb.Put(store_->dedupe(), bref, schema::be64(rec.id.value));
          }
          Effect e = reconcile(ov, c, true, i < codes_->size() ? &(*codes_)[i] : nullptr);
          rec.outcome = e.outcome;
          rec.flags = e.flags;
          rec.stall = e.stall;
          rec.order = e.order;
          rec.reference = e.reference;
          rec.order_amount = e.order_amount;
          rec.paid_total = e.paid_total;
          rec.shortfall = e.shortfall;
          rec.excess = e.excess;
          rec.candidates = std::move(e.candidates);
          rec.postings = std::move(e.postings);
          for (const auto& p : rec.postings) post(ov, p);
          if (e.event)
            rec.outbox_seq = next_seq(ov, rec.stall.value, RefKind::credit, rec.id.value);
          if (rec.outcome == Outcome::suspense)
            ov.pending[rec.id.value] = Pending{PendingKind::suspense, dn};
        }
      }
      if (c.occurred_date_only) rec.flags |= kFlagDateOnly;
      if (pending_held) {
        ov.pending[rec.id.value] = Pending{PendingKind::held, dn};
      }
      if (!outcome_posts(rec.outcome) && rec.stall.valid())
        daily_of(ov, rec.stall.value, dn).by_outcome[static_cast<int>(rec.outcome)]++;
      rec.credit = std::move(c);
      bool first = rec.id.value == result.raw_id;
      wb.Put(
          store_->journal(), schema::be64(rec.id.value),
          schema::encode_credit(rec, first ? std::string_view(in.raw_body) : std::string_view(),
                                first ? std::string_view(in.headers_digest) : std::string_view()));
      if (rec.outbox_seq != 0) events.push_back(event_of(rec));
      result.credits.push_back(result_of(rec));
      ov.credits.emplace(rec.id.value, std::move(rec));
    }
    out = std::move(result);
    return Status();
  }

  Status apply(CreateMarket& cmd, Overlay& ov, rocksdb::WriteBatch&, std::vector<OutboxEvent>&,
               CommandValue& out) {
    if (cmd.name.empty() || cmd.name.size() > 200 || !is_valid_utf8(cmd.name))
      return invalid_argument("market name must be 1..200 bytes of UTF-8");
    Market m;
    m.id = MarketId{counters(ov).next_market++};
    m.name = std::move(cmd.name);
    m.created_at_ms = now_ms_;
    ov.markets[m.id.value] = m;
    out = m;
    return Status();
  }

  static bool is_account_text(std::string_view s) {
    if (s.empty() || s.size() > 40) return false;
    for (char c : s)
      if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
            c == '-' || c == '_'))
        return false;
    return true;
  }

  Status apply(CreateStall& cmd, Overlay& ov, rocksdb::WriteBatch&, std::vector<OutboxEvent>&,
               CommandValue& out) {
    if (!market_known(ov, cmd.market.value))
      return not_found("no market " + to_string_id(cmd.market.value));
    if (cmd.name.empty() || cmd.name.size() > 200 || !is_valid_utf8(cmd.name))
      return invalid_argument("stall name must be 1..200 bytes of UTF-8");
    if (cmd.bank_bin.size() != 6 ||
        cmd.bank_bin.find_first_not_of("0123456789") != std::string::npos)
      return invalid_argument("bank BIN must be 6 digits");
    if (!is_account_text(cmd.account)) return invalid_argument("bad account number");
    if (!cmd.virtual_account.empty() && !is_account_text(cmd.virtual_account))
      return invalid_argument("bad virtual account");
    if (cmd.alarm_threshold < Money()) return invalid_argument("alarm threshold must be >= 0");
    if (stall_for_account(ov, cmd.account) != 0)
      return already_exists("account already belongs to a stall");
    if (!cmd.virtual_account.empty() && stall_for_account(ov, cmd.virtual_account) != 0)
      return already_exists("virtual account already belongs to a stall");
    Stall s;
    s.id = StallId{counters(ov).next_stall++};
    s.market = cmd.market;
    s.name = std::move(cmd.name);
    s.bank_bin = std::move(cmd.bank_bin);
    s.account = std::move(cmd.account);
    s.virtual_account = std::move(cmd.virtual_account);
    s.alarm_threshold = cmd.alarm_threshold;
    s.created_at_ms = now_ms_;
    ov.stall_by_account[s.account] = s.id.value;
    if (!s.virtual_account.empty()) ov.stall_by_account[s.virtual_account] = s.id.value;
    ov.stalls[s.id.value] = s;
    out = s;
    return Status();
  }

  Status apply(UpdateStall& cmd, Overlay& ov, rocksdb::WriteBatch&, std::vector<OutboxEvent>&,
               CommandValue& out) {
    const Stall* cur = find_stall(ov, cmd.stall.value);
    if (!cur) return not_found("no stall " + to_string_id(cmd.stall.value));
    Stall s = *cur;
    if (cmd.name) {
      if (cmd.name->empty() || cmd.name->size() > 200 || !is_valid_utf8(*cmd.name))
        return invalid_argument("stall name must be 1..200 bytes of UTF-8");
      s.name = *cmd.name;
    }
    if (cmd.alarm_threshold) {
      if (*cmd.alarm_threshold < Money()) return invalid_argument("alarm threshold must be >= 0");
      s.alarm_threshold = *cmd.alarm_threshold;
    }
    if (cmd.active) s.active = *cmd.active;
    if (cmd.virtual_account && *cmd.virtual_account != s.virtual_account) {
      const std::string& va = *cmd.virtual_account;
      if (!va.empty() && !is_account_text(va)) return invalid_argument("bad virtual account");
      if (!va.empty() && stall_for_account(ov, va) != 0)
        return already_exists("virtual account already belongs to a stall");
      if (!s.virtual_account.empty()) ov.stall_by_account[s.virtual_account] = 0;
      if (!va.empty()) ov.stall_by_account[va] = s.id.value;
      s.virtual_account = va;
    }
    ov.stalls[s.id.value] = s;
    out = s;
    return Status();
  }

  Status apply(CreateOrder& cmd, Overlay& ov, rocksdb::WriteBatch&, std::vector<OutboxEvent>&,
               CommandValue& out) {
    const Stall* s = find_stall(ov, cmd.stall.value);
    if (!s) return not_found("no stall " + to_string_id(cmd.stall.value));
    if (!s->active) return failed_precondition("stall is not active");
    if (cmd.amount < kQrAmountMin || cmd.amount > kQrAmountMax)
      return invalid_argument("order amount must be 1..499,999,999 VND");
    if (cmd.note.size() > 200 || !is_valid_utf8(cmd.note))
      return invalid_argument("order note must be at most 200 bytes of UTF-8");
    std::int64_t lifetime = cmd.lifetime_ms > 0 ? cmd.lifetime_ms : options_.order_lifetime_ms;
    Order o;
    o.id = OrderId{counters(ov).next_order++};
    o.stall = cmd.stall;
    o.amount = cmd.amount;
    o.note = std::move(cmd.note);
    o.created_at_ms = now_ms_;
    o.expires_at_ms = now_ms_ + lifetime;
    // The counter is persisted with the batch, so a code is never handed out twice.
    o.reference = reference_from_counter(counters(ov).next_reference++, options_.reference_seed);
    ov.order_by_ref[o.reference] = o.id.value;
    ov.orders[o.id.value] = o;
    out = o;
    return Status();
  }

  Status apply(CancelOrder& cmd, Overlay& ov, rocksdb::WriteBatch&, std::vector<OutboxEvent>&,
               CommandValue& out) {
    Order* o = find_order(ov, cmd.order.value);
    if (!o) return not_found("no order " + to_string_id(cmd.order.value));
    OrderStatus st = o->status_at(now_ms_);
    if (st == OrderStatus::paid) return failed_precondition("order is already paid");
    if (st == OrderStatus::cancelled) return failed_precondition("order is already cancelled");
    o->cancelled_at_ms = now_ms_;
    out = *o;
    return Status();
  }

  Status apply(IssueToken& cmd, Overlay& ov, rocksdb::WriteBatch&, std::vector<OutboxEvent>&,
               CommandValue& out) {
    DeviceToken t = std::move(cmd.token);
    if (t.hash.size() < 16 || t.hash.size() > 128) return invalid_argument("token hash length");
    if (find_token(ov, t.hash)) return already_exists("token already issued");
    if (t.scope == TokenScope::stall_device) {
      const Stall* s = find_stall(ov, t.stall.value);
      if (!s) return not_found("no stall for the token");
      t.market = s->market;
    } else if (t.scope == TokenScope::market_manager) {
      if (!market_known(ov, t.market.value)) return not_found("no market for the token");
    } else if (t.scope != TokenScope::admin) {
      return invalid_argument("bad token scope");
    }
    t.created_at_ms = now_ms_;
    t.revoked_at_ms = 0;
    t.issued = counters(ov).next_token++;
    ov.tokens[t.hash] = t;
    out = t;
    return Status();
  }

  Status apply(RevokeToken& cmd, Overlay& ov, rocksdb::WriteBatch&, std::vector<OutboxEvent>&,
               CommandValue& out) {
    const DeviceToken* found = find_token(ov, cmd.hash);
    if (!found) return not_found("unknown token");
    DeviceToken t = *found;
    if (t.revoked_at_ms == 0) t.revoked_at_ms = now_ms_;
    ov.tokens[t.hash] = t;
    out = t;
    return Status();
  }

  Status apply(RecordDeadLetter& cmd, Overlay& ov, rocksdb::WriteBatch& wb,
               std::vector<OutboxEvent>&, CommandValue& out) {
    DeadLetter d;
    d.id = counters(ov).next_dead++;
    d.adapter_instance = std::move(cmd.adapter_instance);
    d.reason = std::move(cmd.reason);
    d.body = std::move(cmd.body);
    d.headers_digest = std::move(cmd.headers_digest);
    d.received_at_ms = cmd.received_at_ms != 0 ? cmd.received_at_ms : now_ms_;
    wb.Put(store_->dead(), schema::be64(d.id), schema::encode_dead(d));
    out = d;
    return Status();
  }

  Status apply(ResolveCredit& cmd, Overlay& ov, rocksdb::WriteBatch& wb,
               std::vector<OutboxEvent>& events, CommandValue& out) {
    auto pend = pending_of(ov, cmd.credit.value);
    if (!pend) return failed_precondition("credit is not in suspense or held");
    LEDGER_ASSIGN_OR_RETURN_STATUS(CreditRecord orig,
                                   credit_in_batch_or_store(ov, cmd.credit.value));
    schema::Resolution x;
    x.credit = orig.id;
    x.action = static_cast<std::uint8_t>(cmd.action);
    x.note = cmd.note;
    x.actor = cmd.actor;
    x.at_ms = now_ms_;
    x.flags = kFlagResolved;
    std::int64_t dn = vn_day_number(orig.credit.occurred_at_ms);
    const Money a = orig.credit.amount;
    bool event = false;
    std::optional<CreditResult> reconciled;
    switch (cmd.action) {
      case ResolveAction::assign_to_stall: {
        if (pend->kind != PendingKind::suspense)
          return failed_precondition("credit is not in suspense");
        if (orig.credit.direction != Direction::in)
          return failed_precondition("only money in can be assigned");
        const Stall* s = find_stall(ov, cmd.stall.value);
        if (!s) return not_found("no stall " + to_string_id(cmd.stall.value));
        x.stall = cmd.stall;
        Money received = a, excess;
        x.outcome = Outcome::static_qr;
        if (cmd.order.valid()) {
          Order* o = find_order(ov, cmd.order.value);
          if (!o) return not_found("no order " + to_string_id(cmd.order.value));
          if (o->stall != cmd.stall) return invalid_argument("order belongs to another stall");
          Money before = o->paid_total;
          Money remaining = before < o->amount ? o->amount - before : Money();
          received = a <= remaining ? a : remaining;
          excess = a - received;
          x.outcome = before >= o->amount ? Outcome::paid_again
                      : excess.positive() ? Outcome::overpaid
                      : a == remaining    ? Outcome::paid
                                          : Outcome::underpaid;
          o->paid_total = before + a;
          o->credit_count += 1;
          if (before < o->amount && o->paid_total >= o->amount) o->paid_at_ms = now_ms_;
          x.order = o->id;
          x.reference = o->reference;
          x.order_amount = o->amount;
          x.paid_total = o->paid_total;
          x.shortfall = o->paid_total < o->amount ? o->amount - o->paid_total : Money();
          x.excess = excess;
        }
        if (received.positive())
          x.postings.push_back(
              {std::string(kSuspenseAccount), stall_received_account(x.stall), received});
        if (excess.positive())
          x.postings.push_back(
              {std::string(kSuspenseAccount), stall_excess_account(x.stall), excess});
        DailyTotals& d = daily_of(ov, x.stall.value, dn);
        d.received += received;
        d.excess += excess;
        d.credits += 1;
        event = true;
        ov.pending[orig.id.value] = std::nullopt;
        break;
      }
      case ResolveAction::return_to_payer: {
        if (pend->kind != PendingKind::suspense)
          return failed_precondition("credit is not in suspense");
        // Reverse the suspense posting: the money leaves the bank account it arrived in.
        CHO4_ASSERT(!orig.postings.empty(), "a suspense credit has a posting");
        const Posting& p = orig.postings.front();
        x.outcome = Outcome::suspense;
        x.postings.push_back(
            {std::string(kSuspenseAccount), p.from == kSuspenseAccount ? p.to : p.from, a});
        if (orig.credit.direction == Direction::out) {
          // An unknown outgoing transfer was posted suspense → bank; its correction is the reverse.
          x.postings.back() = {p.to, std::string(kSuspenseAccount), a};
        }
        ov.pending[orig.id.value] = std::nullopt;
        break;
      }
      case ResolveAction::accept_held: {
        if (pend->kind != PendingKind::held) return failed_precondition("credit is not held");
        Effect e = reconcile(ov, orig.credit, true);
        x.outcome = e.outcome;
        x.flags |= e.flags;
        x.stall = e.stall;
        x.order = e.order;
        x.reference = e.reference;
        x.order_amount = e.order_amount;
        x.paid_total = e.paid_total;
        x.shortfall = e.shortfall;
        x.excess = e.excess;
        x.candidates = e.candidates;
        x.postings = std::move(e.postings);
        event = e.event;
        ov.pending[orig.id.value] = e.outcome == Outcome::suspense
                                        ? std::optional<Pending>(Pending{PendingKind::suspense, dn})
                                        : std::nullopt;
        break;
      }
      case ResolveAction::dismiss_held: {
        if (pend->kind != PendingKind::held) return failed_precondition("credit is not held");
        x.outcome = orig.outcome;
        ov.pending[orig.id.value] = std::nullopt;
        break;
      }
      default:
        return invalid_argument("bad resolve action");
    }
    x.id = counters(ov).next_resolution++;
    for (const auto& p : x.postings) post(ov, p);
    if (event) x.outbox_seq = next_seq(ov, x.stall.value, RefKind::resolution, x.id);
    if (cmd.action == ResolveAction::accept_held) {
      CreditResult cr;
      cr.credit_id = orig.id;
      cr.outcome = x.outcome;
      cr.flags = x.flags;
      cr.stall = x.stall;
      cr.order = x.order;
      cr.reference = x.reference;
      cr.order_amount = x.order_amount;
      cr.paid_total = x.paid_total;
      cr.shortfall = x.shortfall;
      cr.excess = x.excess;
      cr.outbox_seq = x.outbox_seq;
      cr.candidates = x.candidates;
      reconciled = cr;
    }
    wb.Put(store_->state(), schema::state_key('R', x.id), schema::encode_resolution(x));
    if (event) events.push_back(event_of(x, orig));
    out = ResolveResult{orig.id, x.outbox_seq, std::move(reconciled)};
    return Status();
  }

  // Drops outbox chunks older than the retention (keeping each stall's newest chunk).
  void trim_outbox(Overlay& ov, rocksdb::WriteBatch& wb) {
    UnixMs cutoff = now_ms_ - options_.outbox_retention_ms;
    std::size_t budget = kTrimChunksMax;
    std::unique_ptr<rocksdb::Iterator> it(
        store_->db()->NewIterator(rocksdb::ReadOptions(), store_->outbox()));
    for (const auto& [stall, q] : state_.seqs) {
      if (budget == 0) break;
      std::string prefix = schema::be64(stall);
      std::vector<std::pair<std::string, std::uint64_t>> old;  // key, seq after the chunk
      for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix) && budget > 0;
           it->Next()) {
        auto chunk = schema::decode_chunk(std::string_view(it->value().data(), it->value().size()));
        if (!chunk || chunk->committed_at_ms >= cutoff) break;
        std::uint64_t first =
            schema::get_be64(std::string_view(it->key().data(), it->key().size()), 8);
        std::uint64_t end = first + chunk->refs.size();
        if (end > q.last_seq) break;  // keep the newest chunk
        old.emplace_back(it->key().ToString(), end);
        --budget;
      }
      if (old.empty()) continue;
      for (const auto& [key, end] : old) wb.Delete(store_->outbox(), key);
      seq_of(ov, stall).oldest_retained = old.back().second;
    }
  }

  void flush_overlay(Overlay& ov, rocksdb::WriteBatch& wb) {
    auto* st = store_->state();
    if (ov.counters)
      wb.Put(store_->meta(), schema::kCountersKey, schema::encode_counters(*ov.counters));
    for (const auto& [id, m] : ov.markets)
      wb.Put(st, schema::state_key('M', id), schema::encode_market(m));
    for (const auto& [id, s] : ov.stalls)
      wb.Put(st, schema::state_key('S', id), schema::encode_stall(s));
    for (const auto& [id, q] : ov.seqs)
      wb.Put(st, schema::state_key('Q', id), schema::encode_stall_seq(q));
    for (const auto& [id, o] : ov.orders)
      wb.Put(st, schema::state_key('O', id), schema::encode_order(o));
    for (const auto& [acct, b] : ov.balances)
      wb.Put(st, schema::balance_key(acct), schema::be64(static_cast<std::uint64_t>(b)));
    for (const auto& [k, d] : ov.daily)
      wb.Put(st, schema::daily_key(StallId{k.first}, k.second), schema::encode_daily(d));
    for (const auto& [h, t] : ov.tokens) wb.Put(st, schema::token_key(h), schema::encode_token(t));
    for (const auto& [id, p] : ov.pending) {
      if (p) {
        wb.Put(st, schema::state_key('P', id), schema::encode_pending(*p));
      } else {
        wb.Delete(st, schema::state_key('P', id));
      }
    }
    for (const auto& [stall, chunk] : ov.outbox) {
      schema::OutboxChunk c;
      c.committed_at_ms = now_ms_;
      c.refs = chunk.second;
      wb.Put(store_->outbox(), schema::outbox_key(StallId{stall}, chunk.first),
             schema::encode_chunk(c));
    }
  }

  void publish(Overlay&& ov) {
    std::unique_lock lock(state_mu_);
    State& s = state_;
    if (ov.counters) s.counters = *ov.counters;
    for (auto& [id, m] : ov.markets) s.markets[id] = std::move(m);
    for (auto& [id, st] : ov.stalls) {
      if (!s.stalls.count(id)) s.stalls_by_market[st.market.value].push_back(id);
      s.stalls[id] = std::move(st);
    }
    for (auto& [acct, id] : ov.stall_by_account) {
      if (id == 0) {
        s.stall_by_account.erase(acct);
      } else {
        s.stall_by_account[acct] = id;
      }
    }
    for (auto& [id, q] : ov.seqs) s.seqs[id] = q;
    for (auto& [id, o] : ov.orders) {
      auto it = s.orders.find(id);
      if (it == s.orders.end()) {
        s.order_by_ref[o.reference] = id;
        s.orders_by_stall[o.stall.value].push_back(id);
        s.orders.emplace(id, std::move(o));
      } else {
        it->second = std::move(o);
      }
    }
    for (auto& [acct, b] : ov.balances) s.balances[acct] = b;
    for (auto& [k, d] : ov.daily) s.daily[k] = d;
    for (auto& [h, t] : ov.tokens) s.tokens[h] = std::move(t);
    for (auto& [id, p] : ov.pending) {
      if (p) {
        s.pending[id] = *p;
      } else {
        s.pending.erase(id);
      }
    }
  }

  Options options_;
  std::shared_ptr<Health> health_ = std::make_shared<Health>();
  std::unique_ptr<Store> store_;

  mutable std::shared_mutex state_mu_;
  State state_;

  // queue_mu_ guards the queue and the hand-over between writer and committer.
  mutable std::mutex queue_mu_;
  std::condition_variable queue_cv_;   // the writer waits here: commands, or a commit done
  std::condition_variable commit_cv_;  // the committer waits here for a job
  std::deque<Queued> queue_;
  bool stopping_ = false;
  Prepared* commit_job_ = nullptr;  // owned by the writer until commit_done_
  bool commit_done_ = false;
  bool committer_stop_ = false;
  std::size_t wake_at_ = 1;                     // the queue size at which submit() wakes the writer
  std::size_t last_batch_commands_ = SIZE_MAX;  // commands the writer took last (none: no limit)
  std::chrono::steady_clock::time_point last_arrival_;  // of the newest queued command
  std::thread writer_;
  std::thread committer_;
  const Overlay* inflight_ = nullptr;  // the overlay being committed (writer thread only)
  // The reference codes and prefetched dedupe keys of the command being applied (writer thread
  // only).
  const std::vector<std::vector<std::string>>* codes_ = nullptr;
  const std::vector<CreditKeys>* keys_ = nullptr;

  std::mutex hook_mu_;
  std::function<void(std::span<const OutboxEvent>)> on_commit_;

  UnixMs now_ms_ = 0;                 // the writer's clock reading for the current batch
  std::size_t last_batch_bytes_ = 0;  // the size of the last prepared WriteBatch
  std::uint64_t batches_since_trim_ = 0;
  std::atomic<std::uint64_t> batches_{0}, commands_{0}, credits_{0}, rejected_full_{0};
};

}  // namespace

Result<std::unique_ptr<Engine>> Engine::open(Options options) {
  if (options.clock == nullptr) return invalid_argument("ledger options: clock is required");
  if (options.path.empty()) return invalid_argument("ledger options: path is required");
  if (options.queue_capacity == 0 || options.batch_entries_max == 0)
    return invalid_argument("ledger options: queue capacity and batch size must be positive");
  auto engine = std::make_unique<EngineImpl>(std::move(options));
  CHO4_RETURN_IF_ERROR(engine->start());
  return std::unique_ptr<Engine>(std::move(engine));
}

}  // namespace cho4::ledger
