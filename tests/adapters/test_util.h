// Helpers of the adapters tests: building adapters and signers from JSON config text, seeded
// random credits shaped like each provider's, and single-byte mutations.
#pragma once

#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "adapters/adapter.h"
#include "adapters/registry.h"
#include "adapters/signing.h"
#include "core/bank_credit.h"

namespace cho4::adapters::test {

// 2026-01-08 04:56:00 UTC: every test's "now".
inline constexpr UnixMs kNow = 1'767'848'160'000;

boost::json::object config(std::string_view json_text);
// Secrets for *_env keys in tests.
SecretLookup test_secrets();
std::unique_ptr<Adapter> make_adapter(std::string_view json_text);
std::unique_ptr<Signer> make_signer(std::string_view json_text);

// What the provider lets a credit carry, for random generation.
struct CreditShape {
  bool numeric_id = false;            // SePay, Casso: integer ids
  bool outgoing = true;               // the provider reports money out
  bool date_only = false;             // Casso v1 "when" dates
  bool bank_reference_is_id = false;  // payOS, VietQR.vn: the reference is the id
  bool has_bank = true;               // the body names the receiving bank
  std::string fixed_bank;             // VietQR.vn: from config
  bool sub_account = true;            // the body carries a virtual account
};

// A random credit with a Vietnamese description (diacritics, sometimes "/", quotes, emoji),
// an amount log-uniform in 1..10^12 and a whole-second time near kNow.
BankCredit random_credit(std::mt19937_64& rng, const CreditShape& shape);

// The credit as the adapter returns it after parse().
BankCredit as_parsed(BankCredit c, std::string_view instance, UnixMs received_at,
                     VerifiedScheme scheme);

// The bearer token a token-mode signer obtains from the adapter's token endpoint.
std::string obtain_token(const Adapter& adapter, const Signer& signer, UnixMs now);

}  // namespace cho4::adapters::test
