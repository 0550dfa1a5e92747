// ledger::Engine: cho4's ledger on a RocksDB data directory, with one writer thread (group commit)
// and snapshot reads.
//
// Writes: callers submit Commands to a bounded queue. The writer thread takes what is queued (up
// to batch_entries_max commands; an idle writer waits up to batch_wait_max for a burst of
// commands to end), reconciles them in order, writes ONE RocksDB WriteBatch with sync=true,
// publishes the new state, calls the on-commit hook, and only then hands each command's
// CommandResult to its completion through the caller's executor. A full queue fails submit() at
// once (resource_exhausted); submit never blocks. A RocksDB error (full disk, background error)
// makes the engine unhealthy: the failed batch's completions and every later submit get
// `unavailable`, nothing is acknowledged.
//
// Reads (every const method) are safe from any thread, concurrently with the writer: they see the
// state of the last durable batch.
//
// Ownership: Engine owns the RocksDB instance and the writer thread; destroying it drains the
// queue (completing every accepted command) and stops the thread. Not copyable.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "core/clock.h"
#include "core/status.h"
#include "ledger/types.h"

namespace rocksdb {
class Env;
class FileSystem;
}  // namespace rocksdb

namespace cho4::ledger {

// ---- Commands ----

// Record the credits parsed from one authenticated webhook. The raw body (and a digest of its
// headers) is archived once for the request.
struct IngestCredits {
  std::vector<BankCredit> credits;
  std::string raw_body;
  std::string headers_digest;
  std::string adapter_instance;               // the instance the request came through
  UnixMs received_at_ms = 0;                  // 0: the engine's clock
  std::uint64_t reprocessed_dead_letter = 0;  // non-zero: these credits come from that dead letter
};
struct CreateMarket {
  std::string name;
};
struct CreateStall {
  MarketId market;
  std::string name;
  std::string bank_bin;
  std::string account;
  std::string virtual_account;
  Money alarm_threshold;
};
// Changes a stall's name, virtual account, alarm threshold or active flag (bank and account stay).
struct UpdateStall {
  StallId stall;
  std::optional<std::string> name;
  std::optional<std::string> virtual_account;
  std::optional<Money> alarm_threshold;
  std::optional<bool> active;
};
struct CreateOrder {
  StallId stall;
  Money amount;  // kQrAmountMin..kQrAmountMax
  std::string note;
  std::int64_t lifetime_ms = 0;  // 0: Options::order_lifetime
};
struct CancelOrder {
  OrderId order;
};
struct IssueToken {
  DeviceToken token;  // hash, scope, market/stall, label, expires_at; created_at is set here
};
struct RevokeToken {
  std::string hash;
};
struct RecordDeadLetter {
  std::string adapter_instance;
  std::string reason;
  std::string body;
  std::string headers_digest;
  UnixMs received_at_ms = 0;  // 0: the engine's clock
};
// A person resolves a suspense credit or a held (conflict / probable_duplicate) credit. The
// original stays as recorded; the resolution adds new postings and, for a stall, a new event.
enum class ResolveAction : std::uint8_t {
  assign_to_stall = 1,  // suspense → stall received (optionally counted toward an order)
  return_to_payer = 2,  // suspense → bank (the money was sent back)
  accept_held = 3,      // a held credit is genuine: reconcile it now as a fresh credit
  dismiss_held = 4,     // a held credit is a real duplicate: nothing is posted
};
struct ResolveCredit {
  CreditId credit;
  ResolveAction action = ResolveAction::assign_to_stall;
  StallId stall;  // for assign_to_stall
  OrderId order;  // optional, for assign_to_stall
  std::string note;
  std::string actor;
};

using Command = std::variant<IngestCredits, CreateMarket, CreateStall, UpdateStall, CreateOrder,
                             CancelOrder, IssueToken, RevokeToken, RecordDeadLetter, ResolveCredit>;

// ---- Results ----

// Per credit of an ingest, in the order submitted.
struct CreditResult {
  CreditId credit_id;
  Outcome outcome = Outcome::suspense;
  std::uint32_t flags = 0;
  StallId stall;
  OrderId order;
  std::string reference;
  Money order_amount;
  Money paid_total;
  Money shortfall;
  Money excess;
  std::uint64_t outbox_seq = 0;  // 0 when the credit made no event
  CreditId related;              // the original credit of a duplicate/conflict/probable_duplicate
  std::vector<OrderId> candidates;
  bool late() const { return (flags & kFlagLate) != 0; }
  bool below_minimum() const { return (flags & kFlagBelowMinimum) != 0; }
  bool date_only() const { return (flags & kFlagDateOnly) != 0; }
};
struct IngestResult {
  std::vector<CreditResult> credits;
  std::uint64_t raw_id = 0;
};
struct ResolveResult {
  CreditId credit;
  std::uint64_t outbox_seq = 0;            // the stall's resolution event, 0 when none
  std::optional<CreditResult> reconciled;  // accept_held: the fresh outcome
};

using CommandValue = std::variant<std::monostate, IngestResult, Market, Stall, Order, DeviceToken,
                                  DeadLetter, ResolveResult>;

// status.ok(): the command's effects are durable and `value` holds what it created or changed.
// Otherwise nothing of the command was written: invalid_argument / not_found / already_exists /
// failed_precondition for the command's own input, unavailable when the store failed.
struct CommandResult {
  Status status;
  CommandValue value;
};

using Completion = std::function<void(CommandResult)>;
// Runs a task; the server passes one that posts to the connection's strand. Empty: the writer
// thread calls completions directly (they must then be quick).
using Executor = std::function<void(std::function<void()>)>;

// ---- Options ----

struct Options {
  std::string path;                               // the data directory (created if missing)
  Clock* clock = nullptr;                         // required; outlives the engine
  std::size_t queue_capacity = 65536;             // commands waiting for the writer
  std::size_t batch_entries_max = 4096;           // credits (and other commands) per WriteBatch
  std::chrono::microseconds batch_wait_max{500};  // how long a non-full batch may wait for more
  // ...but only while commands keep arriving: the wait ends once none has come for this long,
  // or once as many are queued as the last batch held.
  std::chrono::microseconds batch_quiet_gap{50};
  std::int64_t order_lifetime_ms = 15 * 60 * 1000;
  // A code of an order closed (paid, expired, cancelled) up to this long ago still matches.
  std::int64_t closed_order_window_ms = 7LL * 24 * 3600 * 1000;
  std::int64_t outbox_retention_ms = 7LL * 24 * 3600 * 1000;  // history kept for replay
  std::uint64_t reference_seed = 0x9E3779B97F4A7C15ULL;       // permutes reference codes
  // Fault injection and tests: a RocksDB Env or FileSystem to run on (null = the default).
  std::shared_ptr<rocksdb::FileSystem> file_system;
  rocksdb::Env* env = nullptr;
  // TEST ONLY: write batches with sync=false (shows that the power-loss test catches it).
  bool unsafe_skip_sync = false;
  bool create_if_missing = true;
  bool read_only = false;  // open for offline checks (no writer thread)
  // Flushes and compactions at the lowest CPU priority, so they never delay commits and
  // notifications on a busy core (StoreOptions::background_low_priority).
  bool background_low_priority = true;
};

// ---- Query results ----

struct OutboxPage {
  std::vector<OutboxEvent> events;        // seq > after, ascending
  std::uint64_t oldest_retained_seq = 0;  // events before it were dropped (history_truncated)
  std::uint64_t last_seq = 0;             // the stall's newest sequence
};
struct HistoryPage {
  std::vector<OutboxEvent> events;  // newest first
  std::uint64_t next_cursor = 0;    // pass as before_seq for the next page; 0 = no more
};
struct EndOfDayReport {
  MarketId market;
  CivilDate day;
  DailyTotals market_totals;
  std::vector<std::pair<Stall, DailyTotals>> stalls;
  std::vector<CreditRecord> suspense;  // unresolved suspense credits booked that day
  std::vector<CreditRecord> held;      // unresolved conflict / probable_duplicate of that day
};
struct EngineStats {
  std::uint64_t batches = 0;
  std::uint64_t commands = 0;
  std::uint64_t credits = 0;
  std::size_t queue_depth = 0;
  std::uint64_t rejected_full = 0;
  std::uint64_t write_stall_micros = 0;  // RocksDB's stall time (rocksdb.stall.micros)
  std::uint64_t keys_written = 0;        // entries put or deleted (rocksdb.number.keys.written)
  std::uint64_t bytes_written = 0;       // their keys and values (rocksdb.bytes.written)
  std::uint64_t last_credit_id = 0;
};

class Engine {
 public:
  // Opens (or creates) the store, rebuilds in-memory state, starts the writer thread.
  static Result<std::unique_ptr<Engine>> open(Options options);
  virtual ~Engine() = default;
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Queues a command. ok: `done` will be called exactly once (through `executor` when given).
  // resource_exhausted: queue full; unavailable: the store failed or the engine is stopping;
  // failed_precondition: opened read-only. On error `done` is never called.
  virtual Status submit(Command command, Completion done, Executor executor = {}) = 0;

  // Called on the writer thread after each durable batch with that batch's events (in order).
  // Must be cheap and must not call submit() synchronously-waiting. Set before submitting.
  virtual void set_on_commit(std::function<void(std::span<const OutboxEvent>)> hook) = 0;

  virtual bool healthy() const = 0;
  virtual Status health() const = 0;  // the error that made it unhealthy
  virtual EngineStats stats() const = 0;

  // ---- Reads ----
  virtual Result<Market> market(MarketId id) const = 0;
  virtual std::vector<Market> markets() const = 0;
  virtual Result<Stall> stall(StallId id) const = 0;
  virtual std::vector<Stall> stalls_of_market(MarketId id) const = 0;
  virtual Result<Order> order(OrderId id) const = 0;
  virtual Result<Order> order_by_reference(std::string_view code) const = 0;
  virtual std::vector<Order> open_orders(StallId stall) const = 0;
  virtual Result<CreditRecord> credit(CreditId id) const = 0;
  virtual Result<CreditRecord> credit_by_key(std::string_view adapter_instance,
                                             std::string_view provider_txn_id) const = 0;
  virtual Result<OutboxPage> outbox_after(StallId stall, std::uint64_t after_seq,
                                          std::size_t limit) const = 0;
  virtual Result<HistoryPage> stall_history(StallId stall, std::uint64_t before_seq,
                                            std::size_t limit) const = 0;
  virtual Result<DailyTotals> stall_daily_totals(StallId stall, CivilDate day) const = 0;
  virtual Result<DailyTotals> market_daily_totals(MarketId market, CivilDate day) const = 0;
  virtual Result<EndOfDayReport> end_of_day(MarketId market, CivilDate day) const = 0;
  virtual std::vector<CreditRecord> suspense_credits(std::size_t limit) const = 0;
  virtual std::vector<CreditRecord> held_credits(std::size_t limit) const = 0;
  virtual std::vector<DeadLetter> dead_letters(std::uint64_t after_id, std::size_t limit) const = 0;
  virtual Result<DeadLetter> dead_letter(std::uint64_t id) const = 0;
  virtual Result<DeviceToken> token_by_hash(std::string_view hash) const = 0;
  // The device tokens issued for `stall`, revoked and expired ones included, oldest first.
  virtual std::vector<DeviceToken> stall_tokens(StallId stall) const = 0;
  // Balance of one account ("stall:7:received"); 0 for an account never posted to.
  virtual Money balance(std::string_view account) const = 0;
  // Credits (outcomes that post, direction in or out) on `account` whose bank time falls in
  // [from_ms, to_ms), oldest first. Scans the journal backwards from the newest credit and stops
  // a week of receive time before from_ms (providers deliver late, never that late).
  virtual std::vector<CreditRecord> credits_between(std::string_view account, UnixMs from_ms,
                                                    UnixMs to_ms) const = 0;
  // The raw webhook body archived under raw_id.
  virtual Result<std::string> raw_archive(std::uint64_t raw_id) const = 0;

  // A consistent RocksDB checkpoint of the live store into `dir` (must not exist).
  virtual Status checkpoint_to(const std::string& dir) const = 0;

 protected:
  Engine() = default;
};

}  // namespace cho4::ledger
