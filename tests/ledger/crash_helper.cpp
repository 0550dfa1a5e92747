// ledger_crash_helper DATA_DIR FIRST COUNT: the process the SIGKILL crash test starts with fork +
// exec. It opens the ledger, makes sure one market and stall exist, then ingests credits with
// provider ids "k<FIRST>", "k<FIRST+1>", … as fast as the engine takes them, and prints
// "ack <index> <credit id> <outcome>" for each durable completion. The test kills it at a random
// moment and checks that every acknowledged credit survived exactly once.
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>

#include "ledger/engine.h"

using namespace cho4;
using namespace cho4::ledger;

namespace {

constexpr char kAccount[] = "0071000123456";
constexpr int kInFlightMax = 512;

void say(const std::string& line) {
  std::string l = line + "\n";
  // One write per line: the parent may read while we are being killed.
  if (::write(STDOUT_FILENO, l.data(), l.size()) < 0) std::_Exit(4);
}

CommandResult run_sync(Engine& e, Command c) {
  std::atomic<bool> done{false};
  CommandResult out;
  Status s = e.submit(std::move(c), [&](CommandResult r) {
    out = std::move(r);
    done.store(true);
  });
  if (!s.ok()) return CommandResult{s, {}};
  while (!done.load()) std::this_thread::sleep_for(std::chrono::microseconds(50));
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: ledger_crash_helper DATA_DIR FIRST COUNT\n");
    return 2;
  }
  std::string dir = argv[1];
  long first = std::atol(argv[2]), count = std::atol(argv[3]);
  SystemClock clock;
  Options o;
  o.path = dir;
  o.clock = &clock;
  o.batch_entries_max = 256;
  auto opened = Engine::open(o);
  if (!opened.ok()) {
    std::fprintf(stderr, "open: %s\n", opened.error().to_string().c_str());
    return 3;
  }
  Engine& e = **opened;
  if (e.markets().empty()) {
    auto m = run_sync(e, CreateMarket{"crash market"});
    if (!m.status.ok()) return 3;
    CreateStall s;
    s.market = std::get<Market>(m.value).id;
    s.name = "crash stall";
    s.bank_bin = "970436";
    s.account = kAccount;
    if (!run_sync(e, s).status.ok()) return 3;
  }
  say("ready");
  std::atomic<int> in_flight{0};
  for (long i = first; i < first + count; ++i) {
    BankCredit c;
    c.adapter_instance = "sepay-main";
    c.provider_txn_id = "k" + std::to_string(i);
    c.bank_reference = "FT" + std::to_string(i);
    c.account = kAccount;
    c.amount = Money::vnd(1000 + i % 1000);
    c.description = "crash test " + std::to_string(i);
    c.occurred_at_ms = clock.now_ms();
    IngestCredits in;
    in.raw_body = "{\"id\":" + std::to_string(i) + "}";
    in.credits.push_back(std::move(c));
    while (in_flight.load() >= kInFlightMax)
      std::this_thread::sleep_for(std::chrono::microseconds(50));
    for (;;) {
      in_flight++;
      Status s = e.submit(in, [i, &in_flight](CommandResult r) {
        if (r.status.ok()) {
          const auto& cr = std::get<IngestResult>(r.value).credits.at(0);
          say("ack " + std::to_string(i) + " " + std::to_string(cr.credit_id.value) + " " +
              std::string(to_string(cr.outcome)));
        }
        in_flight--;
      });
      if (s.ok()) break;
      in_flight--;
      if (s.code() != StatusCode::resource_exhausted) return 3;
      std::this_thread::sleep_for(std::chrono::microseconds(100));
    }
  }
  while (in_flight.load() > 0) std::this_thread::sleep_for(std::chrono::microseconds(100));
  say("done");
  return 0;
}
