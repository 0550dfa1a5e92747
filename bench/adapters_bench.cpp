// Authenticate + parse per adapter on a typical one-transaction body, the server's hot path for
// POST /v1/webhooks/{instance}. Target: >= 200,000 requests/s on one core for SePay HMAC.
//
// Each benchmark also measures, in the same run, a reference: OpenSSL's one-shot HMAC of the
// same bytes (EVP_Q_mac, a fresh context per call) and reports `x_ref` = our time per request /
// reference time, so figures from different machines can be compared.
#include <benchmark/benchmark.h>
#include <openssl/evp.h>

#include <time.h>

#include <boost/json.hpp>

#include "adapters/adapter.h"
#include "adapters/registry.h"
#include "adapters/signing.h"

namespace cho4::adapters {
namespace {

constexpr UnixMs kNow = 1'767'848'160'000;

struct Fixture {
  std::unique_ptr<Adapter> adapter;
  HttpRequest request;
};

BankCredit typical_credit() {
  BankCredit c;
  c.provider_txn_id = "92704";
  c.bank_reference = "MBVCB.3278907687";
  c.bank = "Vietcombank";
  c.account = "0123499999";
  c.amount = Money::vnd(60'000);
  c.description = "K7M2Q9X4 Thanh toán rau cô Lan quầy A12";
  c.occurred_at_ms = kNow - 20'000;
  return c;
}

Fixture make(std::string_view config_text) {
  auto config = boost::json::parse(config_text).as_object();
  SecretLookup no_env = [](std::string_view) { return std::optional<std::string>(); };
  Fixture f;
  f.adapter = make_builtin_adapter(config, no_env).value();
  auto signer = make_builtin_signer(config, no_env).value();
  std::string token;
  if (auto tr = signer->token_request(kNow)) {
    token = bearer_from_token_reply(f.adapter->handle_token_request(*tr, kNow)->body).value();
  }
  BankCredit c = typical_credit();
  f.request = signer->sign(std::span(&c, 1), kNow, token).value();
  return f;
}

// This thread's CPU time in ns: the machine is shared, so wall time would measure neighbours.
double thread_cpu_ns() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e9 + static_cast<double>(ts.tv_nsec);
}

// CPU ns per one-shot HMAC-SHA256 of `bytes` (the reference).
double reference_ns(const std::string& bytes) {
  constexpr int kRounds = 20'000;
  unsigned char out[64];
  std::size_t len = 0;
  const double start = thread_cpu_ns();
  for (int i = 0; i < kRounds; ++i) {
    EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA256", nullptr, "key", 3,
              reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), out, sizeof out,
              &len);
    benchmark::DoNotOptimize(out);
  }
  return (thread_cpu_ns() - start) / kRounds;
}

void run(benchmark::State& state, std::string_view config_text) {
  Fixture f = make(config_text);
  const double ref = reference_ns(f.request.body);
  std::int64_t n = 0;
  const double start = thread_cpu_ns();
  for (auto _ : state) {
    auto auth = f.adapter->authenticate(f.request, kNow);
    if (!auth.ok()) state.SkipWithError("authenticate failed");
    auto credits = f.adapter->parse(f.request, kNow);
    if (!credits.ok()) state.SkipWithError("parse failed");
    benchmark::DoNotOptimize(credits);
    ++n;
  }
  const double ns = thread_cpu_ns() - start;
  state.SetItemsProcessed(n);
  state.counters["body_bytes"] = static_cast<double>(f.request.body.size());
  if (n > 0) state.counters["x_ref"] = ns / static_cast<double>(n) / ref;
  state.counters["ref_ns"] = ref;
}

void BM_Adapter_SepayHmac(benchmark::State& s) {
  run(s, R"({"kind":"sepay","name":"sepay-main","auth":"hmac","secret":"bench-secret"})");
}
void BM_Adapter_SepayApikey(benchmark::State& s) {
  run(s, R"({"kind":"sepay","name":"sepay-key","auth":"apikey","api_key":"bench-key"})");
}
void BM_Adapter_SepayOauth2(benchmark::State& s) {
  run(s,
      R"({"kind":"sepay","name":"sepay-oauth","auth":"oauth2","client_id":"c","client_secret":"s"})");
}
void BM_Adapter_Payos(benchmark::State& s) {
  run(s, R"({"kind":"payos","name":"payos-main","checksum_key":"bench-key"})");
}
void BM_Adapter_CassoV1(benchmark::State& s) {
  run(s, R"({"kind":"casso","name":"casso-v1","version":1,"secure_token":"bench"})");
}
void BM_Adapter_CassoV2(benchmark::State& s) {
  run(s, R"({"kind":"casso","name":"casso-v2","version":2,"secret":"bench-key"})");
}
void BM_Adapter_VietqrBearer(benchmark::State& s) {
  run(s, R"({"kind":"vietqr","name":"vietqr-sync","username":"u","password":"p"})");
}
void BM_Adapter_StandardWebhooks(benchmark::State& s) {
  run(s,
      R"({"kind":"standard_webhooks","name":"sw","secret":"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"})");
}

BENCHMARK(BM_Adapter_SepayHmac);
BENCHMARK(BM_Adapter_SepayApikey);
BENCHMARK(BM_Adapter_SepayOauth2);
BENCHMARK(BM_Adapter_Payos);
BENCHMARK(BM_Adapter_CassoV1);
BENCHMARK(BM_Adapter_CassoV2);
BENCHMARK(BM_Adapter_VietqrBearer);
BENCHMARK(BM_Adapter_StandardWebhooks);

}  // namespace
}  // namespace cho4::adapters
