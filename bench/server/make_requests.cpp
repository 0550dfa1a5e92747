// cho4-bench-requests: writes N pre-signed SePay webhooks (unique ids, HMAC mode, signed now with
// the adapters' signing side) for bench/server/webhooks.lua, one per line:
//   <X-SePay-Timestamp>\t<X-SePay-Signature>\t<body>
//   cho4-bench-requests N SECRET ACCOUNT OUT_FILE [INSTANCE]
// Sign shortly before the run: SePay's replay window is 5 minutes.
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include <boost/json.hpp>

#include "adapters/signing.h"
#include "core/clock.h"

int main(int argc, char** argv) {
  if (argc < 5) {
    std::fprintf(stderr, "usage: cho4-bench-requests N SECRET ACCOUNT OUT_FILE [INSTANCE]\n");
    return 2;
  }
  long n = std::atol(argv[1]);
  std::string instance = argc > 5 ? argv[5] : "sepay-bench";
  boost::json::object cfg{{"kind", "sepay"},
                          {"name", instance},
                          {"auth", "hmac"},
                          {"secret", argv[2]},
                          {"tolerance_s", 300}};
  auto signer = cho4::adapters::make_builtin_signer(
      cfg, [](std::string_view) -> std::optional<std::string> { return std::nullopt; });
  if (!signer.ok()) {
    std::fprintf(stderr, "signer: %s\n", signer.error().to_string().c_str());
    return 1;
  }
  cho4::SystemClock clock;
  std::ofstream out(argv[4], std::ios::binary | std::ios::trunc);
  cho4::UnixMs now = clock.now_ms();
  for (long i = 1; i <= n; ++i) {
    cho4::BankCredit c;
    c.adapter_instance = instance;
    c.provider_txn_id = std::to_string(1'000'000'000 + i);
    c.bank_reference = "FT" + std::to_string(i);
    c.bank = "Vietcombank";
    c.account = argv[3];
    c.amount = cho4::Money::vnd(1000 + i % 100000);
    c.description = "ban hang";
    c.occurred_at_ms = now - 1000;
    auto req = (*signer)->sign(std::span<const cho4::BankCredit>(&c, 1), now);
    if (!req.ok()) {
      std::fprintf(stderr, "sign: %s\n", req.error().to_string().c_str());
      return 1;
    }
    out << *req->headers.get("X-SePay-Timestamp") << '\t' << *req->headers.get("X-SePay-Signature")
        << '\t' << req->body << '\n';
  }
  return out ? 0 : 1;
}
