// The simulator's model of a market day: markets × stalls × devices per stall, the adapter
// instances banks deliver through, the banks (each with its own way of mangling a transfer
// description) and the customers who pay. Built once from a WorldConfig and a seed
// (build_world is a pure function: the same seed gives the same world), then completed with the
// ids the server assigns during setup. A plain value; not thread-safe to mutate.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace cho4::sim {

// The webhook dialects the simulator speaks, one per built-in adapter kind (adapters/adapter.h
// kBuiltinKinds); the requests themselves come from the adapters' signing side.
enum class ProviderKind : std::uint8_t {
  sepay = 1,              // flat JSON, HMAC-SHA256 over "<ts>.<body>" in X-SePay-Signature
  payos = 2,              // {code, desc, success, data, signature}: HMAC-SHA256 over sorted data
  casso = 3,              // v2 {"error":0,"data":{…}}: X-Casso-Signature t=…,v1=HMAC-SHA512
  vietqr = 4,             // VietQR.vn transaction-sync: Bearer token from our token endpoint
  standard_webhooks = 5,  // webhook-id / webhook-timestamp / webhook-signature v1,<base64>
};
inline constexpr ProviderKind kAllProviderKinds[] = {ProviderKind::sepay, ProviderKind::payos,
                                                     ProviderKind::casso, ProviderKind::vietqr,
                                                     ProviderKind::standard_webhooks};

std::string_view to_string(ProviderKind kind);
Result<ProviderKind> parse_provider_kind(std::string_view text);

// One configured adapter instance of the server (POST /v1/webhooks/{name}).
struct AdapterInstance {
  std::string name;  // "sim-sepay-1"
  ProviderKind kind = ProviderKind::sepay;
  std::string secret;      // the shared secret (Standard Webhooks: "whsec_" + base64)
  std::string secret_env;  // environment variable the server reads it from
};

// How a bank rewrites the transfer description on its way (webhooks.md, "What banks do").
enum class DescriptionStyle : std::uint8_t {
  plain = 0,          // the memo as the customer typed it (with diacritics)
  folded_upper = 1,   // diacritics removed, upper-cased
  no_spaces = 2,      // whitespace removed
  truncated_25 = 3,   // cut to 25 characters
  mbvcb = 4,          // MBVCB.<ref>.<memo>.CT tu <acct> <NAME> toi<acct> <NAME> tai <BANK>
  napas_trace = 5,    // <trace>.<ddmmyy>.<hhmmss>.<memo>
  gd_trace = 6,       // <memo> GD <trace>-<ddmmyy> <hh:mm:ss>
  qr_aggregator = 7,  // QR <id> <memo> Ma giao dich Trace<n> Trace <n>
  chatpay = 8,        // <memo> (by <bank> ChatPay)
};
inline constexpr int kDescriptionStyleCount = 9;

struct BankModel {
  std::string bin;    // NAPAS BIN, "970436"
  std::string brand;  // "Vietcombank"
  std::string code;   // "VCB"
};

struct StallModel {
  std::uint32_t market = 0;    // index into World::markets
  std::string number;          // "A12"
  std::string name;            // "Cô Lan - Rau"
  std::string holder_name;     // "NGUYEN THI LAN"
  std::uint32_t bank = 0;      // index into World::banks (the stall's receiving bank)
  std::string account;         // receiving account number, unique in the world
  std::uint32_t instance = 0;  // adapter instance that reports this account's credits
  std::uint32_t devices = 0;   // devices (phones, speakers) listening to the stall
  // Filled during setup from the server's answers.
  std::string server_id;
  std::string device_token;
  std::string manager_token;
};

struct MarketModel {
  std::string name;
  std::string city;
  std::string server_id;      // filled during setup
  std::string manager_token;  // filled during setup
};

struct Customer {
  std::string name;     // "TRAN VAN BINH" (as banks print it: folded, upper case)
  std::string account;  // the payer's own account
  std::uint32_t bank = 0;
};

struct WorldConfig {
  std::uint32_t markets = 2;
  std::uint32_t stalls_per_market = 20;
  std::uint32_t devices_per_stall = 2;
  std::uint32_t customers = 200;
  // Adapter instances per provider kind (each stall's account is reported by one of them).
  std::uint32_t instances_per_kind = 1;
};

struct World {
  std::vector<BankModel> banks;
  std::vector<MarketModel> markets;
  std::vector<StallModel> stalls;
  std::vector<AdapterInstance> instances;
  std::vector<Customer> customers;
  std::uint64_t seed = 0;
};

// Validates the sizes (at least one of each, bounded) and builds the world from the seed.
Result<World> build_world(const WorldConfig& config, std::uint64_t seed);

// Total devices in the world.
std::uint64_t device_count(const World& world);

}  // namespace cho4::sim
