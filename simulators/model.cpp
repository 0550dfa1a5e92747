#include "simulators/model.h"

#include <set>

#include "core/vn_text.h"
#include "simulators/rng.h"

namespace cho4::sim {
namespace {

// Bounds that keep a world within what one machine can drive (and the server accepts).
constexpr std::uint32_t kMarketsMax = 1000;
constexpr std::uint32_t kStallsPerMarketMax = 5000;
constexpr std::uint32_t kDevicesPerStallMax = 64;  // the server's kDevicesPerStallMax
constexpr std::uint32_t kCustomersMax = 1'000'000;
constexpr std::uint32_t kInstancesPerKindMax = 16;

struct BankSeed {
  const char* bin;
  const char* brand;
  const char* code;
};
// Receiving banks stalls commonly use (BINs from the NAPAS list in qr/banks.tsv).
constexpr BankSeed kBanks[] = {
    {"970436", "Vietcombank", "VCB"}, {"970422", "MBBank", "MB"},
    {"970415", "VietinBank", "ICB"},  {"970418", "BIDV", "BIDV"},
    {"970407", "Techcombank", "TCB"}, {"970405", "Agribank", "VBA"},
    {"970432", "VPBank", "VPB"},      {"970416", "ACB", "ACB"},
};

constexpr const char* kFamily[] = {"Nguyễn", "Trần", "Lê",   "Phạm", "Hoàng", "Huỳnh", "Phan",
                                   "Vũ",     "Võ",   "Đặng", "Bùi",  "Đỗ",    "Hồ",    "Ngô"};
constexpr const char* kMiddle[] = {"Thị", "Văn", "Minh", "Ngọc", "Hữu", "Thanh", "Đức", "Thu"};
constexpr const char* kGiven[] = {"Lan",  "Hoa",  "Bình", "An",    "Hùng", "Mai", "Tuấn", "Hương",
                                  "Dũng", "Linh", "Phúc", "Trang", "Sơn",  "Yến", "Khoa", "Nga"};
constexpr const char* kGoods[] = {"Rau",     "Thịt heo", "Cá",     "Trái cây", "Gạo",
                                  "Bún phở", "Hoa",      "Đồ khô", "Gia vị",   "Bánh",
                                  "Vải",     "Giày dép", "Tạp hóa"};
constexpr const char* kMarketNames[] = {"Chợ Bến Thành", "Chợ Đồng Xuân", "Chợ Hàn",      "Chợ Đầm",
                                        "Chợ Cái Răng",  "Chợ Bình Tây",  "Chợ Long Biên"};
constexpr const char* kCities[] = {"TP. Hồ Chí Minh", "Hà Nội",          "Đà Nẵng", "Nha Trang",
                                   "Cần Thơ",         "TP. Hồ Chí Minh", "Hà Nội"};

template <class T, std::size_t N>
const T& pick(Rng& rng, const T (&items)[N]) {
  return items[rng.below(N)];
}

std::string random_account(Rng& rng, std::set<std::string>& used) {
  for (;;) {
    std::string acct;
    const auto len = std::size_t(rng.between(9, 13));
    for (std::size_t i = 0; i < len; ++i) acct.push_back(char('0' + rng.below(10)));
    // Stall and customer accounts start with 1–8: the scenario's unknown accounts start with 9.
    acct[0] = char('1' + rng.below(8));
    if (used.insert(acct).second) return acct;
  }
}

std::string upper_ascii_fold(std::string_view s) {
  std::string out = fold_to_ascii(s);
  for (auto& c : out)
    if (c >= 'a' && c <= 'z') c = char(c - 'a' + 'A');
  return out;
}

// A name as a bank prints it: diacritics removed, upper case.
std::string bank_printed(std::string_view family, std::string_view middle, std::string_view given) {
  std::string full(family);
  full += ' ';
  full += middle;
  full += ' ';
  full += given;
  return upper_ascii_fold(full);
}

}  // namespace

std::string_view to_string(ProviderKind kind) {
  switch (kind) {
    case ProviderKind::sepay:
      return "sepay";
    case ProviderKind::payos:
      return "payos";
    case ProviderKind::casso:
      return "casso";
    case ProviderKind::vietqr:
      return "vietqr";
    case ProviderKind::standard_webhooks:
      return "standard_webhooks";
  }
  return "unknown";
}

Result<ProviderKind> parse_provider_kind(std::string_view text) {
  for (auto k : kAllProviderKinds)
    if (to_string(k) == text) return k;
  return invalid_argument("unknown provider kind '" + std::string(text) + "'");
}

Result<World> build_world(const WorldConfig& config, std::uint64_t seed) {
  if (config.markets == 0 || config.markets > kMarketsMax)
    return invalid_argument("markets must be 1.." + std::to_string(kMarketsMax));
  if (config.stalls_per_market == 0 || config.stalls_per_market > kStallsPerMarketMax)
    return invalid_argument("stalls per market must be 1.." + std::to_string(kStallsPerMarketMax));
  if (config.devices_per_stall > kDevicesPerStallMax)
    return invalid_argument("devices per stall must be 0.." + std::to_string(kDevicesPerStallMax));
  if (config.customers == 0 || config.customers > kCustomersMax)
    return invalid_argument("customers must be 1.." + std::to_string(kCustomersMax));
  if (config.instances_per_kind == 0 || config.instances_per_kind > kInstancesPerKindMax)
    return invalid_argument("instances per kind must be 1.." +
                            std::to_string(kInstancesPerKindMax));

  World world;
  world.seed = seed;
  Rng root(seed);
  for (const auto& b : kBanks) world.banks.push_back({b.bin, b.brand, b.code});

  Rng secrets = root.fork("secrets");
  for (auto kind : kAllProviderKinds) {
    for (std::uint32_t i = 1; i <= config.instances_per_kind; ++i) {
      AdapterInstance inst;
      inst.kind = kind;
      inst.name = "sim-" + std::string(to_string(kind)) + "-" + std::to_string(i);
      for (auto& c : inst.name)
        if (c == '_') c = '-';
      // 32 random bytes as hex (Standard Webhooks: whsec_ + base64 of those bytes, see
      // webhook.cpp, which derives the key the same way the adapter does).
      static constexpr char kHex[] = "0123456789abcdef";
      std::string secret;
      for (int j = 0; j < 64; ++j) secret.push_back(kHex[secrets.below(16)]);
      inst.secret = kind == ProviderKind::standard_webhooks ? "whsec_" + secret : std::move(secret);
      inst.secret_env = "CHO4_SIM_SECRET_" + std::to_string(world.instances.size() + 1);
      world.instances.push_back(std::move(inst));
    }
  }

  Rng names = root.fork("names");
  std::set<std::string> used_accounts;
  for (std::uint32_t m = 0; m < config.markets; ++m) {
    MarketModel market;
    market.name = std::string(kMarketNames[m % std::size(kMarketNames)]);
    if (m >= std::size(kMarketNames)) market.name += " " + std::to_string(m + 1);
    market.city = kCities[m % std::size(kCities)];
    world.markets.push_back(std::move(market));
    for (std::uint32_t s = 0; s < config.stalls_per_market; ++s) {
      StallModel stall;
      stall.market = m;
      stall.number = std::string(1, char('A' + (s / 100) % 26)) + std::to_string(s % 100 + 1);
      const char* family = pick(names, kFamily);
      const char* middle = pick(names, kMiddle);
      const char* given = pick(names, kGiven);
      stall.name = std::string("Cô ") + given + " - " + pick(names, kGoods);
      stall.holder_name = bank_printed(family, middle, given);
      stall.bank = std::uint32_t(names.below(world.banks.size()));
      stall.account = random_account(names, used_accounts);
      stall.instance = std::uint32_t(world.stalls.size() % world.instances.size());
      stall.devices = config.devices_per_stall;
      world.stalls.push_back(std::move(stall));
    }
  }

  Rng people = root.fork("customers");
  for (std::uint32_t c = 0; c < config.customers; ++c) {
    Customer cust;
    cust.name = bank_printed(pick(people, kFamily), pick(people, kMiddle), pick(people, kGiven));
    cust.account = random_account(people, used_accounts);
    cust.bank = std::uint32_t(people.below(world.banks.size()));
    world.customers.push_back(std::move(cust));
  }
  return world;
}

std::uint64_t device_count(const World& world) {
  std::uint64_t n = 0;
  for (const auto& s : world.stalls) n += s.devices;
  return n;
}

}  // namespace cho4::sim
