#include "qr/signage/check_code.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>
#include <cstdint>

#include "core/assert.h"

namespace cho4::signage {
namespace {

// Domain separation: the same market secret may one day sign other things; a sign's MAC must
// never be valid for them (nor theirs for a sign).
constexpr std::string_view kDomain = "cho4/signage/check-code/v1\n";

int crockford_value(char c) {
  if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  if (c == 'O') return 0;
  if (c == 'I' || c == 'L') return 1;
  const auto pos = kCrockfordAlphabet.find(c);
  return pos == std::string_view::npos ? -1 : static_cast<int>(pos);
}

}  // namespace

Result<std::string> normalize_check_code(std::string_view typed) {
  std::string out;
  for (char c : typed) {
    if (c == '-' || c == ' ') continue;
    const int v = crockford_value(c);
    if (v < 0)
      return invalid_argument("check code: '" + std::string(1, c) + "' is not a base32 symbol");
    out.push_back(kCrockfordAlphabet[static_cast<std::size_t>(v)]);
    if (out.size() > kCheckCodeSymbols) break;
  }
  if (out.size() != kCheckCodeSymbols)
    return invalid_argument("check code: expected " + std::to_string(kCheckCodeSymbols) +
                            " symbols (like 7K2M-QX9D)");
  return out;
}

std::string format_check_code(std::string_view symbols) {
  const std::size_t half = symbols.size() / 2;
  std::string out(symbols.substr(0, half));
  out.push_back('-');
  out.append(symbols.substr(half));
  return out;
}

Result<CheckCodeKey> CheckCodeKey::from_secret(std::string_view secret) {
  if (secret.size() < kCheckSecretMinBytes)
    return invalid_argument("check code secret: at least " + std::to_string(kCheckSecretMinBytes) +
                            " bytes are required");
  return CheckCodeKey(std::string(secret));
}

std::string CheckCodeKey::code_for(std::string_view payload) const {
  std::string message(kDomain);
  message.append(payload);
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int mac_len = 0;
  const unsigned char* r = HMAC(EVP_sha256(), secret_.data(), static_cast<int>(secret_.size()),
                                reinterpret_cast<const unsigned char*>(message.data()),
                                message.size(), mac.data(), &mac_len);
  CHO4_ASSERT(r != nullptr && mac_len == 32, "HMAC-SHA256 cannot fail on in-memory input");
  // Take the MAC's first 40 bits, most significant first, five at a time.
  std::uint64_t bits = 0;
  for (std::size_t i = 0; i < kCheckCodeBits / 8; ++i) bits = (bits << 8) | mac[i];
  std::string code(kCheckCodeSymbols, '0');
  for (std::size_t i = 0; i < kCheckCodeSymbols; ++i) {
    const auto shift = (kCheckCodeSymbols - 1 - i) * 5;
    code[i] = kCrockfordAlphabet[(bits >> shift) & 0x1F];
  }
  return code;
}

Result<CheckVerdict> CheckCodeKey::verify(std::string_view payload, std::string_view typed) const {
  CHO4_ASSIGN_OR_RETURN(const std::string given, normalize_check_code(typed));
  const std::string expected = code_for(payload);
  // Constant time, so that response timing says nothing about how many symbols were right.
  const bool same = CRYPTO_memcmp(given.data(), expected.data(), kCheckCodeSymbols) == 0;
  return same ? CheckVerdict::match : CheckVerdict::mismatch;
}

}  // namespace cho4::signage
