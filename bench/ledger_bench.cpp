// cho4-ledger-bench: the ledger engine against the machine's ceiling.
//
//   cho4-ledger-bench [--seconds S] [--batch N] [--dir DIR]     throughput, engine vs raw RocksDB
//   cho4-ledger-bench --latency [--rate R] [--seconds S]        commit latency at R offered
//   cho4-ledger-bench --scale N                                 N credits stored: reopen, crash
//                                                               reopen, a stall's daily total
//   cho4-ledger-bench --smoke                                   all of the above, tiny (CI)
//   --background-normal (with any mode): RocksDB's background threads at normal CPU priority
//
// Throughput: one producer submits one-credit ingest commands (what one webhook makes) as fast as
// the bounded queue takes them; the writer groups up to --batch credits per synced WriteBatch.
// The raw baseline writes, in the same run, the same per-credit keys and bytes (journal record
// with raw body, dedupe key, bank-reference key) plus the same per-batch folded state records, in
// batches of the same size with sync=true, from one thread, with no reconciliation.
#include <rocksdb/db.h>
#include <rocksdb/statistics.h>
#include <rocksdb/write_batch.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "ledger/engine.h"
#include "ledger/reference_code.h"
#include "ledger/schema_internal.h"
#include "ledger/store_internal.h"

using namespace cho4;
using namespace cho4::ledger;
using Clk = std::chrono::steady_clock;

namespace {

// Diagnostic only (--no-sync): both sides skip fsync, showing the CPU ceiling apart from the disk.
bool g_no_sync = false;
// --background-normal: RocksDB's flush and compaction threads at normal CPU priority instead of
// the engine's default nice 19 (both sides), to measure what the lower priority changes.
bool g_background_low = true;

constexpr int kStalls = 200;
constexpr int kOrders = 5000;

double secs_since(Clk::time_point t) {
  return std::chrono::duration<double>(Clk::now() - t).count();
}

std::string account_of(int stall) {
  return "00710001" + std::to_string(10000 + stall);
}

// A typical SePay body for credit i (about 400 bytes), archived raw.
std::string raw_body(long i, const BankCredit& c) {
  return "{\"id\":" + std::to_string(i) +
         ",\"gateway\":\"Vietcombank\",\"transactionDate\":\"2024-10-03 "
         "14:02:37\",\"accountNumber\":\"" +
         c.account + "\",\"code\":null,\"content\":\"" + c.description +
         "\",\"transferType\":\"in\",\"transferAmount\":" + std::to_string(c.amount.vnd()) +
         ",\"accumulated\":19077000,\"subAccount\":null,\"referenceCode\":\"" + c.bank_reference +
         "\",\"description\":\"BankAPINotify " + c.description + "\"}";
}

struct Workload {
  std::vector<std::string> codes;  // reference codes of open orders
  std::mt19937_64 rng{2024};
  long last_code = -1;  // index in `codes` of the code the last credit carries; -1: none
  BankCredit next(long i, UnixMs now) {
    BankCredit c;
    c.adapter_instance = "sepay-main";
    c.provider_txn_id = std::to_string(1'000'000'000 + i);
    c.bank_reference = "FT24277" + std::to_string(100000000 + i);
    c.bank = "Vietcombank";
    int stall = static_cast<int>(rng() % kStalls);
    bool unknown = rng() % 20 == 0;
    c.account = unknown ? "9999" + std::to_string(rng() % 100) : account_of(stall);
    c.amount = Money::vnd(1000 * (1 + static_cast<std::int64_t>(rng() % 500)));
    last_code = (!codes.empty() && rng() % 3 == 0) ? static_cast<long>(rng() % codes.size()) : -1;
    std::string memo = last_code >= 0 ? codes[static_cast<std::size_t>(last_code)] : "mua rau";
    c.description = "MBVCB.3278907687." + memo + ".CT tu 0071000999888 NGUYEN VAN A toi" +
                    c.account + " TRAN THI B tai Vietcombank";
    c.occurred_at_ms = now;
    c.received_at_ms = now;
    c.verified = VerifiedScheme::hmac_sha256;
    return c;
  }
};

std::unique_ptr<Engine> open_engine(const std::string& dir, Clock& clock, std::size_t batch) {
  Options o;
  o.path = dir;
  o.clock = &clock;
  o.batch_entries_max = batch;
  o.queue_capacity = std::max<std::size_t>(4 * batch, 16384);
  o.batch_wait_max = std::chrono::microseconds(200);
  o.unsafe_skip_sync = g_no_sync;
  o.background_low_priority = g_background_low;
  auto e = Engine::open(o);
  if (!e.ok()) {
    std::fprintf(stderr, "open %s: %s\n", dir.c_str(), e.error().to_string().c_str());
    std::exit(3);
  }
  return std::move(*e);
}

CommandResult run_sync(Engine& e, Command c) {
  std::atomic<bool> done{false};
  CommandResult out;
  if (!e.submit(std::move(c), [&](CommandResult r) {
          out = std::move(r);
          done.store(true);
        }).ok())
    std::exit(3);
  while (!done.load()) std::this_thread::sleep_for(std::chrono::microseconds(50));
  return out;
}

// Markets, stalls and open orders: what a real store holds before the credits come.
void setup(Engine& e, Workload& w) {
  if (!e.markets().empty()) return;
  auto m = std::get<Market>(run_sync(e, CreateMarket{"Chợ bench"}).value);
  for (int s = 0; s < kStalls; ++s) {
    CreateStall c{m.id, "Sạp " + std::to_string(s), "970436", account_of(s), "", Money()};
    run_sync(e, c);
  }
  std::atomic<int> pending{0};
  std::mutex mu;
  for (int i = 0; i < kOrders; ++i) {
    CreateOrder o{StallId{1 + static_cast<std::uint64_t>(i % kStalls)},
                  Money::vnd(1000 * (1 + i % 300)), "", 24LL * 3600 * 1000};
    pending++;
    while (!e.submit(o, [&](CommandResult r) {
               std::lock_guard lock(mu);
               w.codes.push_back(std::get<Order>(r.value).reference);
               pending--;
             }).ok())
      std::this_thread::sleep_for(std::chrono::microseconds(100));
  }
  while (pending.load() > 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

struct IngestFigures {
  long credits = 0;
  double seconds = 0;
  std::uint64_t batches = 0;
  std::uint64_t stall_micros = 0;
  std::uint64_t keys = 0;   // RocksDB entries written
  std::uint64_t bytes = 0;  // their keys and values
};

// Closed loop: keep the queue fed for `seconds` (or until `limit` credits).
IngestFigures drive(Engine& e, Workload& w, double seconds, long first, long limit) {
  SystemClock wall;
  std::atomic<long> acked{0};
  std::atomic<long> wake_at{-1};  // the ack count the blocked producer waits for
  auto before = e.stats();
  auto t0 = Clk::now();
  long i = first;
  constexpr long kCap = 8192;
  while ((seconds <= 0 || secs_since(t0) < seconds) && (limit <= 0 || i < first + limit)) {
    // Block (futex) rather than spin while kCap commands are in flight: a spinning producer
    // steals the core the writer needs when both are pinned to one. It resumes once half of them
    // are acknowledged, so the completions wake it once per half window, not once per credit.
    if (i - first - acked.load() >= kCap) {
      long target = i - first - kCap / 2;
      wake_at.store(target);
      for (long a = acked.load(); a < target; a = acked.load()) acked.wait(a);
      continue;
    }
    BankCredit c = w.next(i, wall.now_ms());
    IngestCredits in;
    in.raw_body = raw_body(i, c);
    in.headers_digest = "sha256:0f1e2d3c";
    in.credits.push_back(std::move(c));
    Status s = e.submit(std::move(in), [&acked, &wake_at](CommandResult r) {
      if (!r.status.ok()) {
        std::fprintf(stderr, "ingest failed: %s\n", r.status.to_string().c_str());
        std::exit(3);
      }
      if (acked.fetch_add(1) + 1 == wake_at.load()) acked.notify_one();
    });
    if (!s.ok()) {
      std::this_thread::yield();
      continue;
    }
    ++i;
  }
  while (acked.load() < i - first) std::this_thread::sleep_for(std::chrono::microseconds(100));
  IngestFigures f;
  f.seconds = secs_since(t0);
  f.credits = i - first;
  auto after = e.stats();
  f.batches = after.batches - before.batches;
  f.stall_micros = after.write_stall_micros - before.write_stall_micros;
  f.keys = after.keys_written - before.keys_written;
  f.bytes = after.bytes_written - before.bytes_written;
  return f;
}

// The raw baseline: same keys and bytes, same batch size, sync=true, no engine.
IngestFigures raw_rocksdb(const std::string& dir, double seconds, std::size_t batch, long limit) {
  StoreOptions so;
  so.path = dir;
  so.statistics = true;
  so.background_low_priority = g_background_low;
  std::filesystem::create_directories(dir);
  auto store = Store::open(so);
  if (!store.ok()) std::exit(3);
  Store& s = **store;
  Workload w;
  for (int i = 0; i < kOrders; ++i) w.codes.push_back(reference_from_counter(i + 1, 77));
  SystemClock wall;
  rocksdb::WriteOptions wo;
  wo.sync = !g_no_sync;
  auto t0 = Clk::now();
  long i = 0;
  std::uint64_t batches = 0;
  schema::Counters counters;
  while ((seconds <= 0 || secs_since(t0) < seconds) && (limit <= 0 || i < limit)) {
    rocksdb::WriteBatch wb;
    std::vector<bool> touched(kStalls + 1, false);
    std::set<std::string> bank_accounts;  // unknown receiving accounts credited in this batch
    std::set<long> paid_orders;
    bool suspense = false;
    for (std::size_t k = 0; k < batch; ++k, ++i) {
      BankCredit c = w.next(i, wall.now_ms());
      // What reconciliation would write besides the credit, by the workload's own construction
      // (orders are created for stall 1 + index % kStalls): a credit to an unknown account, or
      // carrying another stall's code, goes to suspense (a pending record, the suspense and bank
      // balances); a code of the receiving stall's own order updates that order.
      bool unknown = c.account.starts_with("9999");
      bool own_code =
          !unknown && w.last_code >= 0 && c.account == account_of(1 + w.last_code % kStalls);
      if (unknown || (w.last_code >= 0 && !own_code)) {
        suspense = true;
        if (unknown) bank_accounts.insert(c.account);
        wb.Put(s.state(), schema::state_key('P', static_cast<std::uint64_t>(i + 1)),
               schema::encode_pending({schema::PendingKind::suspense, 20000}));
      } else if (own_code) {
        paid_orders.insert(w.last_code);
      }
      CreditRecord rec;
      rec.id = CreditId{static_cast<std::uint64_t>(i + 1)};
      rec.outcome = Outcome::static_qr;
      int stall = static_cast<int>(i % kStalls) + 1;
      rec.stall = StallId{static_cast<std::uint64_t>(stall)};
      rec.outbox_seq = static_cast<std::uint64_t>(i / kStalls + 1);
      rec.raw_id = rec.id.value;
      rec.postings.push_back(
          {bank_account_name("970436", c.account), stall_received_account(rec.stall), c.amount});
      std::string body = raw_body(i, c);
      std::string key = schema::dedupe_key(c.adapter_instance, c.provider_txn_id);
      std::string bref = schema::bankref_key(c.account, c.bank_reference, c.amount);
      rec.credit = std::move(c);
      wb.Put(s.journal(), schema::be64(rec.id.value),
             schema::encode_credit(rec, body, "sha256:0f1e2d3c"));
      wb.Put(s.dedupe(), key, schema::be64(rec.id.value));
      wb.Put(s.dedupe(), bref, schema::be64(rec.id.value));
      touched[stall] = true;
    }
    // Per batch: the folded state of every touched stall (balance, daily totals, sequence,
    // outbox chunk), the bank balances and the counters.
    for (int st = 1; st <= kStalls; ++st) {
      if (!touched[st]) continue;
      StallId id{static_cast<std::uint64_t>(st)};
      wb.Put(s.state(), schema::balance_key(stall_received_account(id)), schema::be64(12345));
      wb.Put(s.state(), schema::balance_key(bank_account_name("970436", account_of(st))),
             schema::be64(12345));
      DailyTotals d;
      wb.Put(s.state(), schema::daily_key(id, 20000), schema::encode_daily(d));
      wb.Put(s.state(), schema::state_key('Q', id.value), schema::encode_stall_seq({batches, 1}));
      schema::OutboxChunk chunk;
      chunk.refs.assign(batch / kStalls + 1,
                        {schema::RefKind::credit, static_cast<std::uint64_t>(i)});
      wb.Put(s.outbox(), schema::outbox_key(id, static_cast<std::uint64_t>(i)),
             schema::encode_chunk(chunk));
    }
    for (const auto& account : bank_accounts)
      wb.Put(s.state(), schema::balance_key(bank_account_name("970436", account)),
             schema::be64(12345));
    if (suspense)
      wb.Put(s.state(), schema::balance_key(std::string(kSuspenseAccount)), schema::be64(12345));
    for (long o : paid_orders) {
      Order order;
      order.id = OrderId{static_cast<std::uint64_t>(o + 1)};
      order.stall = StallId{static_cast<std::uint64_t>(1 + o % kStalls)};
      order.reference = w.codes[static_cast<std::size_t>(o)];
      order.amount = Money::vnd(1000 * (1 + o % 300));
      order.paid_total = order.amount;
      wb.Put(s.state(), schema::state_key('O', order.id.value), schema::encode_order(order));
    }
    counters.next_credit = static_cast<std::uint64_t>(i + 1);
    wb.Put(s.meta(), schema::kCountersKey, schema::encode_counters(counters));
    if (!s.db()->Write(wo, &wb).ok()) std::exit(3);
    ++batches;
  }
  IngestFigures f;
  f.seconds = secs_since(t0);
  f.credits = i;
  f.batches = batches;
  f.stall_micros = s.statistics()->getTickerCount(rocksdb::STALL_MICROS);
  f.keys = s.statistics()->getTickerCount(rocksdb::NUMBER_KEYS_WRITTEN);
  f.bytes = s.statistics()->getTickerCount(rocksdb::BYTES_WRITTEN);
  return f;
}

void throughput(const std::string& base, double seconds, std::size_t batch) {
  std::printf("== throughput: %.0f s each, batch %zu, sync=%s, one credit per command ==\n",
              seconds, batch, g_no_sync ? "false (diagnostic)" : "true");
  IngestFigures raw = raw_rocksdb(base + "/raw", seconds, batch, 0);
  std::printf("raw RocksDB   %9.0f credits/s  (%ld credits, %llu batches, write stalls %.3f s)\n",
              raw.credits / raw.seconds, raw.credits, (unsigned long long)raw.batches,
              raw.stall_micros / 1e6);
  SystemClock clock;
  auto e = open_engine(base + "/engine", clock, batch);
  Workload w;
  setup(*e, w);
  IngestFigures eng = drive(*e, w, seconds, 0, 0);
  double rate = eng.credits / eng.seconds;
  std::printf(
      "ledger engine %9.0f credits/s  (%ld credits, %llu batches, %.0f credits/batch, write "
      "stalls %.3f s)\n",
      rate, eng.credits, (unsigned long long)eng.batches,
      eng.batches ? double(eng.credits) / double(eng.batches) : 0.0, eng.stall_micros / 1e6);
  // What each side wrote, per credit: the baseline is only fair if these match.
  auto per_credit = [](const char* who, const IngestFigures& f) {
    double n = f.credits > 0 ? static_cast<double>(f.credits) : 1.0;
    std::printf("%s writes %.2f keys and %.0f bytes per credit\n", who, f.keys / n, f.bytes / n);
  };
  per_credit("raw RocksDB  ", raw);
  per_credit("ledger engine", eng);
  std::printf("ratio engine/raw %.2f (target >= 0.70); target >= 50000 credits/s: %s\n",
              rate / (raw.credits / raw.seconds), rate >= 50000 ? "met" : "NOT met");
}

void latency(const std::string& base, double rate, double seconds) {
  std::printf("== commit latency: %.0f credits/s offered (open loop) for %.0f s ==\n", rate,
              seconds);
  SystemClock clock;
  auto e = open_engine(base + "/latency", clock, 4096);
  Workload w;
  setup(*e, w);
  long total = static_cast<long>(rate * seconds);
  std::vector<std::int64_t> lat_us(static_cast<std::size_t>(total), -1);
  std::atomic<long> done{0};
  long rejected = 0;
  auto t0 = Clk::now();
  for (long i = 0; i < total; ++i) {
    auto due = t0 + std::chrono::nanoseconds(static_cast<std::int64_t>(1e9 * double(i) / rate));
    // Sleep (not spin: a spinning producer takes a core from the writer and committer) in
    // steps of up to 0.5 ms; latency counts from `due`, the intended send time, so sending a
    // little late is measured, not hidden (no coordinated omission).
    if (Clk::now() < due) std::this_thread::sleep_until(due + std::chrono::microseconds(500));
    BankCredit c = w.next(i, clock.now_ms());
    IngestCredits in;
    in.raw_body = raw_body(i, c);
    in.credits.push_back(std::move(c));
    auto sent = due;
    Status s = e->submit(std::move(in), [&, i, sent](CommandResult) {
      lat_us[static_cast<std::size_t>(i)] =
          std::chrono::duration_cast<std::chrono::microseconds>(Clk::now() - sent).count();
      done++;
    });
    if (!s.ok()) {
      ++rejected;
      done++;
    }
  }
  while (done.load() < total) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  std::vector<std::int64_t> v;
  for (auto x : lat_us)
    if (x >= 0) v.push_back(x);
  std::sort(v.begin(), v.end());
  auto pct = [&](double p) {
    return v.empty() ? 0.0 : v[std::min(v.size() - 1, size_t(p * double(v.size())))] / 1000.0;
  };
  std::printf(
      "achieved %.0f credits/s; commit latency ms: p50 %.2f  p99 %.2f  p99.9 %.2f  max %.2f; "
      "rejected (queue full) %ld; batches %llu\n",
      double(v.size()) / secs_since(t0), pct(0.5), pct(0.99), pct(0.999),
      v.empty() ? 0.0 : v.back() / 1000.0, rejected, (unsigned long long)e->stats().batches);
  std::printf("target p99 <= 5 ms: %s\n", pct(0.99) <= 5.0 ? "met" : "NOT met");
}

// Child of --scale: ingests N more credits and exits without closing the store (a crash).
int crash_child(const std::string& dir, long first, long n) {
  SystemClock clock;
  auto e = open_engine(dir, clock, 1024);
  Workload w;
  w.rng.seed(static_cast<std::uint64_t>(first));
  drive(*e, w, 0, first, n);
  std::fflush(stdout);
  std::_Exit(0);  // no destructor: RocksDB is not closed, its WAL must be replayed
}

void scale(const std::string& base, long n) {
  std::printf("== scale: %ld credits stored ==\n", n);
  std::string dir = base + "/scale";
  SystemClock clock;
  Workload w;
  {
    auto e = open_engine(dir, clock, 4096);
    setup(*e, w);
    auto t0 = Clk::now();
    IngestFigures f = drive(*e, w, 0, 0, n);
    std::printf("loaded %ld credits in %.1f s (%.0f credits/s)\n", f.credits, secs_since(t0),
                f.credits / f.seconds);
  }
  auto t0 = Clk::now();
  auto e = open_engine(dir, clock, 4096);
  double reopen = secs_since(t0);
  std::printf("clean reopen %.3f s (target <= 2 s: %s)\n", reopen,
              reopen <= 2.0 ? "met" : "NOT met");
  CivilDate today = vn_date(clock.now_ms());
  constexpr int kQueries = 10000;
  auto q0 = Clk::now();
  Money sum;
  for (int i = 0; i < kQueries; ++i)
    sum += e->stall_daily_totals(StallId{1 + std::uint64_t(i % kStalls)}, today)->received;
  double per = secs_since(q0) / kQueries * 1e3;
  auto m0 = Clk::now();
  Money msum = e->market_daily_totals(MarketId{1}, today)->received;
  double market_ms = secs_since(m0) * 1e3;
  std::printf(
      "stall daily total %.4f ms per query (target <= 1 ms: %s); market daily total (%d "
      "stalls) %.3f ms; market received today %lld\n",
      per, per <= 1.0 ? "met" : "NOT met", kStalls, market_ms, (long long)msum.vnd());
  e.reset();
  // Crash: a child process ingests more and exits without closing; measure the reopen.
  long extra = std::max(1000L, n / 50);
  pid_t pid = ::fork();
  if (pid == 0) {
    std::string first = std::to_string(n + 1'000'000), count = std::to_string(extra);
    const char* argv[] = {"/proc/self/exe", "--crash-child", dir.c_str(),
                          first.c_str(),    count.c_str(),   nullptr};
    ::execv(argv[0], const_cast<char* const*>(argv));
    std::_Exit(127);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  t0 = Clk::now();
  e = open_engine(dir, clock, 4096);
  std::printf(
      "reopen after a crash (%ld credits in the unflushed WAL) %.3f s; credits stored %llu\n",
      extra, secs_since(t0), (unsigned long long)e->stats().last_credit_id);
  (void)sum;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  double seconds = 60, rate = 20000;
  std::size_t batch = 1000;
  long scale_n = 0;
  bool smoke = false, lat = false;
  std::string dir;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= args.size()) {
        std::fprintf(stderr, "%s needs a value\n", a.c_str());
        std::exit(2);
      }
      return args[++i];
    };
    if (a == "--crash-child" && args.size() == 4)
      return crash_child(args[1], std::atol(args[2].c_str()), std::atol(args[3].c_str()));
    if (a == "--smoke")
      smoke = true;
    else if (a == "--seconds")
      seconds = std::atof(next().c_str());
    else if (a == "--batch")
      batch = static_cast<std::size_t>(std::atol(next().c_str()));
    else if (a == "--latency")
      lat = true;
    else if (a == "--rate")
      rate = std::atof(next().c_str());
    else if (a == "--scale")
      scale_n = std::atol(next().c_str());
    else if (a == "--dir")
      dir = next();
    else if (a == "--no-sync")
      g_no_sync = true;
    else if (a == "--background-normal")
      g_background_low = false;
    else {
      std::fprintf(
          stderr,
          "usage: cho4-ledger-bench [--smoke] [--seconds S] [--batch N] [--latency [--rate R]] "
          "[--scale N] [--dir DIR] [--no-sync] [--background-normal]\n");
      return 2;
    }
  }
  bool own_dir = dir.empty();
  if (own_dir) {
    std::string tmpl =
        (std::filesystem::temp_directory_path() / "cho4-ledger-bench-XXXXXX").string();
    dir = ::mkdtemp(tmpl.data());
  }
  if (smoke) {
    throughput(dir, 1, batch);
    latency(dir, 5000, 1);
    scale(dir, 20000);
  } else if (scale_n > 0) {
    scale(dir, scale_n);
  } else if (lat) {
    latency(dir, rate, seconds);
  } else {
    throughput(dir, seconds, batch);
  }
  if (own_dir) std::filesystem::remove_all(dir);
  return 0;
}
