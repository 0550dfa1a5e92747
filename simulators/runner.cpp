#include "simulators/runner.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <future>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/verb.hpp>
#include <boost/json.hpp>

#include "core/clock.h"
#include "simulators/description.h"
#include "simulators/device_client.h"
#include "simulators/http_client.h"
#include "simulators/order_scan.h"
#include "simulators/server_process.h"
#include "simulators/webhook.h"

namespace cho4::sim {
namespace {

namespace json = boost::json;
using verb = boost::beast::http::verb;
namespace fs = std::filesystem;

// SePay's documented schedule: 8 attempts, 0, 1, 1, 2, 3, 5, 8, 13 minutes apart (webhooks.md).
constexpr int kRetryScheduleMinutes[] = {0, 1, 1, 2, 3, 5, 8, 13};
// Every file descriptor the simulator may need: devices, the pool, API calls.
constexpr std::uint64_t kOpenFilesWanted = 65'536;
// Order creation may meet a restarting server: retry for this long.
constexpr std::int64_t kOrderRetryMs = 15'000;
// The end-of-run catch-up read of a stall ends at the last_seq its hello announced; this long
// without a byte before that fails the read (a server still working off a backlog pauses).
constexpr std::int64_t kCatchUpQuietMs = 15'000;
// Catch-up streams read at once at the end of a run (well under the server's connection limit).
constexpr std::size_t kCatchUpStreams = 128;
// Readers of server-side lists stop at the server's page ceiling (switch/limits.h kPageSizeMax).
constexpr std::size_t kServerListMax = 1000;

UnixMs wall_now_ms() {
  return SystemClock().now_ms();
}

// "2026-01-08T03:56:00.000Z" → UTC ms.
std::optional<UnixMs> parse_rfc3339_utc(std::string_view s) {
  int y, mo, d, h, mi, sec;
  int ms = 0;
  if (std::sscanf(std::string(s).c_str(), "%4d-%2d-%2dT%2d:%2d:%2d", &y, &mo, &d, &h, &mi, &sec) !=
      6)
    return std::nullopt;
  if (s.size() > 20 && s[19] == '.') ms = std::atoi(std::string(s.substr(20, 3)).c_str());
  return days_from_civil({y, mo, d}) * 86'400'000 + std::int64_t(h) * 3'600'000 +
         std::int64_t(mi) * 60'000 + std::int64_t(sec) * 1000 + ms;
}

std::string str(const json::value* v) {
  if (!v) return {};
  if (v->is_string()) return std::string(v->as_string());
  if (v->is_int64()) return std::to_string(v->as_int64());
  if (v->is_uint64()) return std::to_string(v->as_uint64());
  return {};
}
std::int64_t num(const json::value* v) {
  if (!v) return 0;
  if (v->is_int64()) return v->as_int64();
  if (v->is_uint64()) return std::int64_t(v->as_uint64());
  if (v->is_double()) return std::int64_t(v->as_double());
  return 0;
}

ObservedCredit observed_from(const json::object& o) {
  ObservedCredit c;
  c.id = str(o.if_contains("id"));
  c.instance = str(o.if_contains("adapter_instance"));
  c.provider_txn_id = str(o.if_contains("provider_txn_id"));
  c.bank_reference = str(o.if_contains("bank_reference"));
  c.stall_id = str(o.if_contains("stall_id"));
  c.amount_vnd = num(o.if_contains("amount_vnd"));
  c.outcome = str(o.if_contains("outcome"));
  return c;
}

// Progress counters the live line reads from the main thread.
struct LiveCounters {
  std::atomic<std::uint64_t> payments{0};
  std::atomic<std::uint64_t> errors{0};
  std::atomic<std::uint64_t> p99_us{0};
  std::atomic<std::uint64_t> in_flight{0};
};

// Everything the sender thread owns while the scenario runs.
struct Sender {
  const RunOptions& opt;
  const World& world;
  const Scenario& sc;
  const WebhookFactory& factory;
  const RunClock& clock;
  UnixMs wall_start_ms;
  asio::io_context& io;
  ConnectionPool pool;
  RunStats stats;
  LiveCounters& live;
  std::vector<ExpectedCredit> expected;  // one or more per payment, in creation order
  std::vector<std::pair<std::string, std::string>> forged;
  std::vector<std::string> problems;            // valid deliveries refused, orders not created
  std::map<std::uint32_t, std::string> bearer;  // token-mode instances
  std::uint64_t png_checked = 0;
  LatencyHistogram second_p99_window;
  std::vector<std::size_t> start_order;  // indices into sc.payments, by start_ms (prepare())

  // When payment i starts: its order's creation, or the send itself.
  std::int64_t start_ms(std::size_t i) const {
    return sc.payments[i].intended_ms - sc.payments[i].order_lead_ms;
  }

  std::int64_t now_us() const { return clock.now_us(); }

  void count_sent(std::int64_t intended_us) {
    ++stats.deliveries;
    ++stats.at_second(intended_us / 1'000'000).sent;
  }

  // A time already come costs no timer. Arming one that is the earliest reprograms the kernel's
  // timer (timerfd_settime), which in a virtual machine costs a trap: a fifth of the sender's
  // core at 9,000 payments/s, when every static payment waited on a timer already expired.
  asio::awaitable<void> sleep_until_us(std::int64_t us) {
    if (us <= now_us()) co_return;
    asio::steady_timer t(io, clock.at_us(us));
    auto [ec] = co_await t.async_wait(asio::as_tuple(asio::use_awaitable));
    (void)ec;
  }

  asio::awaitable<Result<HttpResponse>> send(const adapters::HttpRequest& req) {
    auto conn = co_await pool.acquire();
    auto r = co_await conn->request(verb::post, req.target, req.headers, req.body,
                                    std::chrono::milliseconds(opt.request_timeout_ms));
    pool.release(std::move(conn));
    co_return r;
  }

  asio::awaitable<void> refresh_token(std::uint32_t instance) {
    auto tr = factory.token_request(instance, wall_now_ms());
    if (!tr) co_return;
    auto r = co_await send(*tr);
    if (r.ok() && r->status == 200) {
      auto t = adapters::bearer_from_token_reply(r->body);
      if (t.ok()) bearer[instance] = *t;
    }
  }

  // One delivery with the provider's retries. Returns whether some attempt was acknowledged.
  asio::awaitable<bool> deliver(std::uint32_t instance, const BankCredit& credit,
                                std::int64_t intended_us, bool retries = true) {
    std::int64_t attempt_us = intended_us;
    bool token_refreshed = false;
    for (std::size_t attempt = 0; attempt < std::size(kRetryScheduleMinutes); ++attempt) {
      if (attempt > 0) {
        if (!retries) co_return false;
        attempt_us += kRetryScheduleMinutes[attempt] * opt.retry_minute_ms * 1000;
        co_await sleep_until_us(attempt_us);
        ++stats.retries;
      }
      auto req = factory.build(instance, credit, wall_now_ms(), false, bearer[instance]);
      if (!req.ok()) {
        problems.push_back("cannot build the webhook of " + credit.adapter_instance + "/" +
                           credit.provider_txn_id + ": " + req.error().message());
        co_return false;
      }
      count_sent(attempt_us);
      auto r = co_await send(*req);
      const std::int64_t done_us = now_us();
      auto& sec = stats.at_second(done_us / 1'000'000);
      if (r.ok() && r->status >= 200 && r->status < 300) {
        const auto lat = std::uint64_t(std::max<std::int64_t>(0, done_us - attempt_us));
        stats.webhook_us.record(lat);
        sec.webhook_us.record(lat);
        second_p99_window.record(lat);
        ++sec.acked;
        co_return true;
      }
      ++sec.errors;
      ++stats.http_errors;
      live.errors.fetch_add(1, std::memory_order_relaxed);
      if (r.ok() && r->status == 401 && bearer.count(instance) && !token_refreshed) {
        // A token-mode instance's token may have expired: fetch a new one, try again at once.
        token_refreshed = true;
        co_await refresh_token(instance);
        attempt_us = now_us();
        --attempt;
        continue;
      }
      if (r.ok() && r->status >= 400 && r->status < 500 && r->status != 408 && r->status != 429) {
        problems.push_back("valid delivery " + credit.adapter_instance + "/" +
                           credit.provider_txn_id + " refused with " + std::to_string(r->status) +
                           ": " + r->body.substr(0, 200));
        co_return false;
      }
    }
    ++stats.gave_up;
    co_return false;
  }

  ExpectedCredit& expect(const Payment& p, std::uint32_t instance, const BankCredit& c,
                         const std::string& stall_id, std::string outcome, std::int64_t send_us) {
    ExpectedCredit e;
    e.payment = p.index;
    e.instance = world.instances[instance].name;
    e.provider_txn_id = c.provider_txn_id;
    e.bank_reference = c.bank_reference;
    e.stall_id = stall_id;
    e.amount_vnd = c.amount.vnd();
    e.outcome = std::move(outcome);
    e.first_send_us = send_us;
    expected.push_back(std::move(e));
    return expected.back();
  }

  struct OrderInfo {
    std::string id, reference, payload;
    UnixMs expires_at_ms = 0;
  };

  asio::awaitable<std::optional<OrderInfo>> create_order(const Payment& p) {
    const StallModel& stall = world.stalls[p.stall];
    json::object body{{"amount_vnd", p.order_amount_vnd}};
    const std::string text = json::serialize(body);
    adapters::Headers h{{"Authorization", "Bearer " + stall.device_token},
                        {"Content-Type", "application/json"}};
    const std::int64_t start = now_us();
    while (now_us() - start < kOrderRetryMs * 1000) {
      auto conn = co_await pool.acquire();
      auto r = co_await conn->request(verb::post, "/v1/stalls/" + stall.server_id + "/orders", h,
                                      text, std::chrono::milliseconds(opt.request_timeout_ms));
      pool.release(std::move(conn));
      if (r.ok() && r->status == 201) {
        stats.order_us.record(std::uint64_t(now_us() - start));
        ++stats.orders_created;
        boost::system::error_code ec;
        auto v = json::parse(r->body, ec);
        if (ec || !v.is_object()) break;
        OrderInfo o;
        o.id = str(v.as_object().if_contains("id"));
        o.reference = str(v.as_object().if_contains("reference"));
        o.payload = str(v.as_object().if_contains("payload"));
        o.expires_at_ms =
            parse_rfc3339_utc(str(v.as_object().if_contains("expires_at"))).value_or(0);
        co_return o;
      }
      if (r.ok() && r->status != 503) {
        problems.push_back("order for stall " + stall.server_id +
                           " refused: " + std::to_string(r->status) + " " + r->body.substr(0, 200));
        co_return std::nullopt;
      }
      asio::steady_timer t(io, std::chrono::milliseconds(50));
      co_await t.async_wait(asio::use_awaitable);
    }
    problems.push_back("order for stall " + stall.server_id + " not created within 15 s");
    co_return std::nullopt;
  }

  // A phone scanning the order's code: fetch the PNG and decode it.
  asio::awaitable<void> scan_order_png(const OrderInfo& o) {
    auto conn = co_await pool.acquire();
    auto r = co_await conn->request(verb::get, "/v1/orders/" + o.id + "/qr.png", {}, {},
                                    std::chrono::milliseconds(opt.request_timeout_ms));
    pool.release(std::move(conn));
    if (!r.ok() || r->status != 200) {
      ++stats.png_decode_failures;
      problems.push_back("order " + o.id + " PNG not served");
      co_return;
    }
    auto payload = decode_order_png(r->body);
    if (!payload.ok() || *payload != o.payload) {
      ++stats.png_decode_failures;
      problems.push_back("order " + o.id + " PNG does not decode to its payload" +
                         (payload.ok() ? "" : ": " + payload.error().message()));
      co_return;
    }
    ++stats.pngs_decoded;
  }

  BankCredit credit_for(const Payment& p, std::uint32_t instance, const std::string& txn,
                        const std::string& bank_ref, std::int64_t amount,
                        const std::string& reference, UnixMs occurred) const {
    const Customer& payer = world.customers[p.customer];
    BankCredit c;
    c.adapter_instance = world.instances[instance].name;
    c.provider_txn_id = txn_id_is_bank_reference(world.instances[instance].kind) ? bank_ref : txn;
    c.bank_reference = bank_ref;
    c.direction = Direction::in;
    c.amount = Money::vnd(amount);
    c.occurred_at_ms = occurred;
    DescriptionInput d;
    d.reference = reference;
    d.memo = p.memo;
    d.style = p.style;
    d.payer = &payer;
    d.payer_bank = &world.banks[payer.bank];
    d.trace = std::string_view(bank_ref).substr(2);
    d.occurred_at_ms = occurred;
    if (p.stall != kNoStall) {
      const StallModel& s = world.stalls[p.stall];
      c.account = s.account;
      c.bank = world.banks[s.bank].brand;
      d.payee_account = s.account;
      d.payee_name = s.holder_name;
      d.payee_bank_code = world.banks[s.bank].code;
    } else {
      c.account = p.unknown_account;
      c.bank = world.banks[0].brand;
      d.payee_account = p.unknown_account;
      d.payee_name = "KHONG RO";
      d.payee_bank_code = world.banks[0].code;
    }
    c.description = make_description(d);
    return c;
  }

  // GCC 12 at -O2 misreads the frame's allocation in this coroutine's ramp: it sees Asio's
  // aligned_alloc through awaitable_frame_base::operator new, does not see that the matching
  // operator delete frees it, and reports -Wmismatched-new-delete (a false positive, which the
  // -Werror build turns into a failure). Silenced for this function only.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
  asio::awaitable<void> pay(const Payment& p) {
    live.in_flight.fetch_add(1, std::memory_order_relaxed);
    const std::string stall_id = p.stall == kNoStall ? "" : world.stalls[p.stall].server_id;
    std::optional<OrderInfo> order;
    if (is_order(p.kind)) {
      order = co_await create_order(p);
      if (!order) {
        live.in_flight.fetch_sub(1, std::memory_order_relaxed);
        co_return;
      }
      if (p.decode_png) co_await scan_order_png(*order);
    }
    const std::int64_t intended_us = (p.intended_ms + p.delay_ms) * 1000;
    co_await sleep_until_us(intended_us);
    ++stats.payments;
    live.payments.fetch_add(1, std::memory_order_relaxed);
    UnixMs occurred = wall_start_ms + p.intended_ms;
    if (p.kind == PaymentKind::order_late) occurred = order->expires_at_ms + p.late_by_ms;
    const std::string reference = order ? order->reference : "";
    const BankCredit credit = credit_for(p, p.instance, p.provider_txn_id, p.bank_reference,
                                         p.amount_vnd, reference, occurred);

    if (p.forged_first) {
      BankCredit fake = credit;
      fake.bank_reference = "FT" + p.forged_txn_id;
      fake.provider_txn_id = txn_id_is_bank_reference(world.instances[p.instance].kind)
                                 ? fake.bank_reference
                                 : p.forged_txn_id;
      forged.emplace_back(fake.adapter_instance, fake.provider_txn_id);
      auto req = factory.build(p.instance, fake, wall_now_ms(), true, bearer[p.instance]);
      if (req.ok()) {
        count_sent(now_us());
        auto r = co_await send(*req);
        if (r.ok() && r->status == 401)
          ++stats.rejected_401;
        else if (r.ok() && r->status >= 200 && r->status < 300)
          ++stats.forged_accepted;
      }
    }
    const std::size_t slot = expected.size();
    expect(p, p.instance, credit, stall_id, std::string(api_name(p.expected())), intended_us);
    // The duplicates race the original: one attempt each, no retries (the bank's own replays).
    for (int d = 0; d < p.duplicates; ++d)
      asio::co_spawn(io, deliver(p.instance, credit, intended_us, false), asio::detached);
    bool acked = co_await deliver(p.instance, credit, intended_us);
    if (acked) expected[slot].acknowledged = true;
    if (acked && p.ack_lost) {
      // The bank never saw our 2xx: it retries on its schedule, and we must answer 2xx again
      // without a second posting.
      const std::int64_t again = now_us() + kRetryScheduleMinutes[1] * opt.retry_minute_ms * 1000;
      co_await sleep_until_us(again);
      ++stats.retries;
      co_await deliver(p.instance, credit, again);
    }
    if (acked && p.kind == PaymentKind::order_twice) {
      const std::int64_t t = now_us();
      const BankCredit second = credit_for(p, p.instance, p.second_txn_id, p.second_bank_reference,
                                           p.amount_vnd, reference, wall_now_ms());
      const std::size_t s2 = expected.size();
      expect(p, p.instance, second, stall_id, "paid_again", t);
      if (co_await deliver(p.instance, second, t)) expected[s2].acknowledged = true;
    }
    if (acked && p.second_instance != UINT32_MAX) {
      // The same bank transaction (account, bank reference, amount) through another provider.
      const std::int64_t t = now_us();
      BankCredit other = credit;
      other.adapter_instance = world.instances[p.second_instance].name;
      other.provider_txn_id = txn_id_is_bank_reference(world.instances[p.second_instance].kind)
                                  ? other.bank_reference
                                  : p.second_instance_txn_id;
      const std::size_t s3 = expected.size();
      expect(p, p.second_instance, other, stall_id, "probable_duplicate", t);
      if (co_await deliver(p.second_instance, other, t)) expected[s3].acknowledged = true;
    }
    live.in_flight.fetch_sub(1, std::memory_order_relaxed);
  }
#pragma GCC diagnostic pop

  // Work done before the clock starts: the payments in start order and the token-mode
  // instances' first tokens. Done on the clock, sorting a minute at 8,000/s (480,000 payments)
  // took ~100 ms, which the first payments, already due, counted as latency.
  asio::awaitable<void> prepare() {
    start_order.resize(sc.payments.size());
    for (std::size_t i = 0; i < start_order.size(); ++i) start_order[i] = i;
    std::stable_sort(start_order.begin(), start_order.end(),
                     [&](std::size_t a, std::size_t b) { return start_ms(a) < start_ms(b); });
    for (auto& [inst, token] : bearer) co_await refresh_token(inst);
  }

  // Starts each payment at its start time (the order's creation, or the send itself): each wake
  // starts every payment that is due, and wakes are at least kDispatchTickUs apart. A timer per
  // payment (10,000 a second) took a fifth of the sender's core in timer reprogramming. A
  // payment started up to one tick late counts the delay in its latency, which runs from the
  // intended time; none starts early.
  asio::awaitable<void> dispatch() {
    static constexpr std::int64_t kDispatchTickUs = 500;
    std::int64_t window_start = 0;
    std::size_t next = 0;
    while (next < start_order.size()) {
      const std::int64_t now = now_us();
      for (; next < start_order.size() && start_ms(start_order[next]) * 1000 <= now; ++next)
        asio::co_spawn(io, pay(sc.payments[start_order[next]]), asio::detached);
      // The live line's p99 covers the last second or so.
      if (now - window_start > 1'000'000) {
        live.p99_us.store(second_p99_window.value_at_quantile(0.99));
        second_p99_window.clear();
        window_start = now;
      }
      if (next < start_order.size())
        co_await sleep_until_us(
            std::max(start_ms(start_order[next]) * 1000, now + kDispatchTickUs));
    }
  }
};

std::string scenario_line(const RunOptions& o, const Scenario& sc) {
  char buf[256];
  std::snprintf(buf, sizeof buf,
                "%s %.0f payments/s for %.0f s, %zu payments, dynamic %.0f%%, faults %s, kill "
                "every %s",
                sc.config.arrival == Arrival::poisson ? "Poisson" : "constant",
                sc.config.rate_per_s, double(sc.config.duration_ms) / 1000, sc.payments.size(),
                sc.config.dynamic_share * 100,
                sc.config.faults.duplicate > 0 || sc.config.faults.ack_lost > 0 ? "on" : "off",
                o.kill_every_ms ? (std::to_string(o.kill_every_ms) + " ms").c_str() : "never");
  return buf;
}

Status setup_world(ApiClient& api, const std::string& admin, World& world) {
  for (auto& m : world.markets) {
    auto mk = (api.json(verb::post, "/v1/markets", admin,
                        json::serialize(json::object{{"name", m.name}, {"city", m.city}})));
    if (!mk.ok()) return mk.error();
    m.server_id = str(mk->as_object().if_contains("id"));
    auto tk = (api.json(verb::post, "/v1/markets/" + m.server_id + "/manager-tokens", admin, "{}"));
    if (!tk.ok()) return tk.error();
    m.manager_token = str(tk->as_object().if_contains("token"));
  }
  for (auto& s : world.stalls) {
    const auto& m = world.markets[s.market];
    json::object body{{"number", s.number},
                      {"name", s.name},
                      {"holder_name", s.holder_name},
                      {"bank", world.banks[s.bank].bin},
                      {"account", s.account}};
    auto st = (api.json(verb::post, "/v1/markets/" + m.server_id + "/stalls", m.manager_token,
                        json::serialize(body)));
    if (!st.ok()) return st.error();
    s.server_id = str(st->as_object().if_contains("id"));
    s.manager_token = m.manager_token;
    auto dt = (api.json(verb::post, "/v1/stalls/" + s.server_id + "/device-tokens", m.manager_token,
                        json::serialize(json::object{{"label", "cho4-sim"}})));
    if (!dt.ok()) return dt.error();
    s.device_token = str(dt->as_object().if_contains("token"));
    if (s.server_id.empty() || s.device_token.empty())
      return data_loss("stall setup: the server's answer lacks id or token");
  }
  return Status();
}

}  // namespace

Result<RunResult> run_simulation(const RunOptions& opt) {
  raise_open_file_limit(kOpenFilesWanted);
  CHO4_ASSIGN_OR_RETURN(World world, build_world(opt.world, opt.seed));
  ScenarioConfig scfg = opt.scenario;
  CHO4_ASSIGN_OR_RETURN(Scenario sc, generate_scenario(world, scfg, opt.seed));
  CHO4_ASSIGN_OR_RETURN(WebhookFactory factory, WebhookFactory::create(world));

  RunResult result;
  result.header.seed = opt.seed;
  result.header.fingerprint = fingerprint(sc);
  result.header.scenario = scenario_line(opt, sc);
  result.header.stalls = world.stalls.size();
  result.header.devices = device_count(world);
  result.header.command_line = opt.command_line;
  std::fprintf(stderr, "cho4-sim: seed %llu, scenario %016llx: %s\n",
               static_cast<unsigned long long>(opt.seed),
               static_cast<unsigned long long>(result.header.fingerprint),
               result.header.scenario.c_str());

  // The server: ours, or the one at --url.
  std::unique_ptr<ServerProcess> server;
  std::string admin = opt.admin_token;
  tcp::endpoint endpoint;
  if (opt.url.empty()) {
    if (opt.server_bin.empty() || opt.data_dir.empty())
      return invalid_argument("give --server-bin and --data, or --url");
    json::object config{{"data_dir", opt.data_dir}, {"log_requests", false}};
    if (opt.server_threads > 0) config["io_threads"] = opt.server_threads;
    config["ledger"] = json::object{{"order_lifetime_s", scfg.order_lifetime_ms / 1000}};
    config["limits"] = json::object{{"connections_max", 60'000}};
    config["adapters"] = adapters_config(world);
    ServerLaunch launch;
    launch.binary = opt.server_bin;
    launch.data_dir = opt.data_dir;
    launch.config_json = json::serialize(config);
    launch.env = secret_environment(world);
    launch.log_file = opt.data_dir + ".log";
    server = std::make_unique<ServerProcess>(std::move(launch));
    CHO4_RETURN_IF_ERROR(server->start());
    endpoint = tcp::endpoint(asio::ip::make_address("127.0.0.1"), server->port());
    admin = server->admin_token();
    result.header.target = "http://127.0.0.1:" + std::to_string(server->port()) + " (pid " +
                           std::to_string(server->pid()) + ", data " + opt.data_dir + ")";
  } else {
    CHO4_ASSIGN_OR_RETURN(endpoint, parse_http_url(opt.url));
    result.header.target = opt.url;
    if (opt.kill_every_ms) return invalid_argument("--kill-every needs a server it started");
  }
  if (admin.empty()) return invalid_argument("no admin token (--admin-token or the data folder)");

  ApiClient api(endpoint);
  CHO4_RETURN_IF_ERROR(setup_world(api, admin, world));

  RunClock clock;
  LiveCounters live;

  // Devices: their own thread and io_context (declared after the states it runs, so that its
  // abandoned coroutine frames are destroyed while those states still exist).
  DeviceShared dshared;
  dshared.endpoint = endpoint;
  dshared.clock = &clock;
  dshared.reconnect_after_ms = sc.reconnect_after_ms;
  std::vector<std::unique_ptr<DeviceState>> devices;
  for (const auto& s : world.stalls) {
    for (std::uint32_t d = 0; d < s.devices; ++d) {
      auto dev = std::make_unique<DeviceState>();
      dev->stall_id = s.server_id;
      dev->token = s.device_token;
      dev->websocket = devices.size() % 2 == 0;
      dev->log.stall_id = s.server_id;
      dev->log.label =
          std::string(dev->websocket ? "ws " : "sse ") + s.server_id + "/" + std::to_string(d + 1);
      devices.push_back(std::move(dev));
    }
  }
  asio::io_context device_io;
  for (std::size_t i = 0; i < devices.size(); ++i) {
    asio::co_spawn(device_io, run_device(*devices[i], dshared), asio::detached);
    if (i < sc.device_drops.size() && !sc.device_drops[i].empty())
      asio::co_spawn(device_io, drop_device(*devices[i], dshared, sc.device_drops[i]),
                     asio::detached);
  }
  auto device_guard = asio::make_work_guard(device_io);
  std::thread device_thread([&] { device_io.run(); });
  auto stop_devices = [&] {
    dshared.stopping = true;
    asio::post(device_io, [&] {
      for (auto& d : devices)
        if (d->kick) d->kick();
    });
    device_guard.reset();
    // Give the kicked sessions a moment to wind down, then abandon what still waits (drop
    // timers of a run cut short).
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    device_io.stop();
    if (device_thread.joinable()) device_thread.join();
  };
  // Wait (bounded) for every device to be connected before money flows.
  {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    for (;;) {
      std::atomic<std::size_t> connected{0};
      std::promise<void> done;
      asio::post(device_io, [&] {
        std::size_t n = 0;
        for (auto& d : devices) n += d->connected;
        connected = n;
        done.set_value();
      });
      done.get_future().wait();
      if (connected == devices.size()) break;
      if (std::chrono::steady_clock::now() > deadline) {
        stop_devices();
        return unavailable("only " + std::to_string(connected.load()) + " of " +
                           std::to_string(devices.size()) + " devices connected within 60 s");
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }

  asio::io_context send_io;
  Sender sender{opt,        world,
                sc,         factory,
                clock,      0,
                send_io,    ConnectionPool(send_io.get_executor(), endpoint, opt.connections_max),
                RunStats{}, live,
                {},         {},
                {},         {},
                0,          {},
                {}};
  for (std::uint32_t i = 0; i < world.instances.size(); ++i)
    if (world.instances[i].kind == ProviderKind::vietqr) sender.bearer[i] = "";
  asio::co_spawn(send_io, sender.prepare(), asio::detached);
  send_io.run();
  send_io.restart();

  // Senders: one thread drives the open-loop schedule. Orders for the first payments are
  // created before time zero, each its lead ahead of its payment, as later ones are: started
  // all at once at zero, they were a burst of hundreds of API calls the first payments queued
  // behind.
  const std::int64_t lead_ms = std::max<std::int64_t>(
      0, sender.start_order.empty() ? 0 : -sender.start_ms(sender.start_order.front()));
  clock.restart(std::chrono::milliseconds(lead_ms));
  sender.wall_start_ms = wall_now_ms() + lead_ms;
  asio::co_spawn(send_io, sender.dispatch(), asio::detached);
  std::atomic<bool> sending{true};
  std::thread send_thread([&] {
    send_io.run();
    sending = false;
  });

  // Main thread: progress, RSS, --kill-every.
  const bool tty = opt.progress && ::isatty(2);
  std::int64_t next_kill_ms = opt.kill_every_ms;
  std::uint64_t rss_max = 0, kills = 0;
  while (sending.load()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    const std::int64_t now_ms = clock.now_us() / 1000;
    if (server) rss_max = std::max(rss_max, server->rss_kb());
    if (server && opt.kill_every_ms && now_ms >= next_kill_ms && now_ms < scfg.duration_ms) {
      server->kill_now();
      ++kills;
      std::fprintf(stderr,
                   "%scho4-sim: SIGKILL the server at %.1f s, restarting on the same data\n",
                   tty ? "\n" : "", double(now_ms) / 1000);
      if (auto st = server->start(); !st.ok()) {
        std::fprintf(stderr, "cho4-sim: restart failed: %s\n", st.to_string().c_str());
        break;
      }
      next_kill_ms += opt.kill_every_ms;
    }
    if (tty) {
      std::fprintf(stderr,
                   "\r%6.1f/%.0f s  payments %llu  in flight %llu  errors %llu  p99 ack %s  "
                   "device events %llu  kills %llu   ",
                   double(now_ms) / 1000, double(scfg.duration_ms) / 1000,
                   static_cast<unsigned long long>(live.payments.load()),
                   static_cast<unsigned long long>(live.in_flight.load()),
                   static_cast<unsigned long long>(live.errors.load()),
                   format_us(live.p99_us.load()).c_str(),
                   static_cast<unsigned long long>(dshared.events.load()),
                   static_cast<unsigned long long>(kills));
    }
  }
  if (tty) std::fputc('\n', stderr);
  send_thread.join();
  if (server && !server->running()) CHO4_RETURN_IF_ERROR(server->start());

  // Let the devices catch up: stop when their event count stops moving (bounded).
  auto device_event_total = [&] {
    std::promise<std::uint64_t> p;
    asio::post(device_io, [&] {
      std::uint64_t n = 0;
      for (auto& d : devices) n += d->log.events.size();
      p.set_value(n);
    });
    return p.get_future().get();
  };
  {
    const auto deadline =
        std::chrono::steady_clock::now() + std::chrono::milliseconds(opt.settle_ms);
    std::uint64_t last = device_event_total();
    while (std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
      const auto n = device_event_total();
      if (n == last) break;
      last = n;
    }
  }
  stop_devices();

  RunStats& stats = sender.stats;
  stats.elapsed_ms = clock.now_us() / 1000;
  stats.kills = kills;
  stats.server_rss_max_kb = rss_max;
  for (const auto& d : devices) stats.device_reconnects += d->connects > 0 ? d->connects - 1 : 0;

  // Read back everything the server holds.
  VerdictInput in;
  in.expected = std::move(sender.expected);
  in.forged = std::move(sender.forged);
  std::set<std::string> seen_ids;
  std::vector<std::string> read_problems;
  auto add_observed = [&](const json::object& o, const std::string& list_stall) {
    ObservedCredit c = observed_from(o);
    if (c.stall_id.empty()) c.stall_id = list_stall;
    if (seen_ids.insert(c.id).second) in.observed.push_back(std::move(c));
  };
  std::map<std::string, std::uint64_t> events_per_stall;
  for (const auto& s : world.stalls) {
    std::string cursor;
    for (;;) {
      std::string target = "/v1/stalls/" + s.server_id + "/credits?limit=1000";
      if (!cursor.empty()) target += "&cursor=" + cursor;
      auto page = api.json(verb::get, target, s.manager_token);
      if (!page.ok()) {
        read_problems.push_back("credits of stall " + s.server_id + ": " + page.error().message());
        break;
      }
      const auto& o = page->as_object();
      if (auto* cs = o.if_contains("credits"); cs && cs->is_array())
        for (const auto& c : cs->as_array())
          if (c.is_object()) {
            add_observed(c.as_object(), s.server_id);
            ++events_per_stall[s.server_id];
          }
      cursor = str(o.if_contains("next_cursor"));
      if (cursor.empty()) break;
    }
    StallTotals total;
    std::set<std::string> dates{format_date(vn_date(sender.wall_start_ms)),
                                format_date(vn_date(wall_now_ms()))};
    for (const auto& date : dates) {
      auto t = api.json(verb::get, "/v1/stalls/" + s.server_id + "/totals?date=" + date,
                        s.manager_token);
      if (!t.ok()) {
        read_problems.push_back("totals of stall " + s.server_id + ": " + t.error().message());
        continue;
      }
      total.total_in_vnd += num(t->as_object().if_contains("total_in_vnd"));
      total.count += std::uint64_t(num(t->as_object().if_contains("count")));
    }
    in.totals[s.server_id] = total;
  }
  bool lists_truncated = false;
  for (const auto& m : world.markets) {
    for (const char* list : {"suspense", "held"}) {
      auto r = api.json(verb::get, "/v1/markets/" + m.server_id + "/" + list, m.manager_token);
      if (!r.ok()) {
        read_problems.push_back(std::string(list) + ": " + r.error().message());
        continue;
      }
      if (auto* a = r->as_object().if_contains(list); a && a->is_array()) {
        lists_truncated |= a->as_array().size() >= kServerListMax;
        for (const auto& c : a->as_array())
          if (c.is_object()) add_observed(c.as_object(), "");
      }
    }
  }
  if (lists_truncated) {
    // The server lists at most 1000 suspense / held credits: the rest cannot be read back, so
    // those expectations are not judged (the report says so).
    read_problems.clear();
    std::erase_if(in.expected, [](const ExpectedCredit& e) {
      return e.outcome == "suspense" || e.outcome == "probable_duplicate";
    });
    std::fprintf(stderr, "cho4-sim: suspense/held lists exceed the server's page: not judged\n");
  }
  {
    std::vector<std::pair<std::string, std::string>> who;
    for (const auto& s : world.stalls) who.emplace_back(s.server_id, s.device_token);
    auto all = read_all_events(endpoint, who, kCatchUpQuietMs, kCatchUpStreams);
    for (std::size_t i = 0; i < all.size(); ++i) {
      if (!all[i].ok()) {
        read_problems.push_back(all[i].error().message());
        continue;
      }
      in.catch_up[who[i].first] = std::move(*all[i]);
    }
  }
  for (auto& d : devices) in.devices.push_back(std::move(d->log));

  if (server) {
    const std::string how = server->stop();
    if (opt.ledger_check) {
      std::string out;
      // `cho4 serve --data DIR` keeps the RocksDB store in DIR/ledger.
      const std::string store = fs::exists(fs::path(opt.data_dir) / "ledger" / "CURRENT")
                                    ? opt.data_dir + "/ledger"
                                    : opt.data_dir;
      const int rc = run_command({opt.server_bin, "ledger", "check", "--data", store}, out);
      in.ledger_check_ran = true;
      in.ledger_check_ok = rc == 0;
      in.ledger_check_output = "exit " + std::to_string(rc) + ": " + out.substr(0, 1000);
    }
    (void)how;
  }

  result.verdict = judge(in);
  for (const auto& p : sender.problems) {
    ++result.verdict.counts_by_category["refused"];
    result.verdict.discrepancies.push_back({"refused", p});
  }
  for (const auto& p : read_problems) {
    ++result.verdict.counts_by_category["read-back"];
    result.verdict.discrepancies.push_back({"read-back", p});
  }
  if (stats.forged_accepted) {
    ++result.verdict.counts_by_category["forged-accepted"];
    result.verdict.discrepancies.push_back(
        {"forged-accepted", std::to_string(stats.forged_accepted) +
                                " deliveries with a bad signature were answered 2xx"});
  }
  // Per-second device latency for the charts.
  {
    std::map<std::string, std::int64_t> sent_at;
    std::map<std::string, const ExpectedCredit*> by_key;
    for (const auto& e : in.expected) by_key[e.instance + "/" + e.provider_txn_id] = &e;
    for (const auto& o : in.observed)
      if (auto it = by_key.find(o.instance + "/" + o.provider_txn_id); it != by_key.end())
        sent_at[o.id] = it->second->first_send_us;
    for (const auto& d : in.devices) {
      std::set<std::uint64_t> seen;
      for (const auto& ev : d.events) {
        if (ev.replayed || !seen.insert(ev.seq).second) continue;
        auto it = sent_at.find(ev.credit_id);
        if (it == sent_at.end() || ev.received_us < it->second) continue;
        stats.at_second(ev.received_us / 1'000'000)
            .device_us.record(std::uint64_t(ev.received_us - it->second));
      }
    }
  }
  result.stats = std::move(stats);
  result.text = text_report(result.header, result.stats, result.verdict);
  if (!opt.report_text_path.empty()) std::ofstream(opt.report_text_path) << result.text;
  if (!opt.report_html_path.empty())
    std::ofstream(opt.report_html_path) << html_report(result.header, result.stats, result.verdict);
  if (!opt.summary_json_path.empty())
    std::ofstream(opt.summary_json_path)
        << summary_json(result.header, result.stats, result.verdict, scfg.rate_per_s);
  return result;
}

}  // namespace cho4::sim
