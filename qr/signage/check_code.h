// Check codes: a short, printable MAC that ties a sign's VietQR payload to its market.
//
// A sticker pasted over a stall's real sign carries another account, so its payload differs; the
// forger does not know the market's secret, so cannot print a check code that matches the new
// payload. The code is HMAC-SHA256(secret, domain || payload) truncated to 40 bits and written as
// eight Crockford base32 symbols in two groups ("7K2M-QX9D"). Crockford's alphabet has no I, L,
// O or U, so what a person reads off a sign and types back cannot be confused; parsing forgives
// case, dashes/spaces, and the look-alikes (O→0, I/L→1).
//
// The same functions serve `cho4 signage verify` and the server's "is this sign genuine" check.
// CheckCodeKey is immutable after construction: safe to share between threads (every call uses
// its own OpenSSL context).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "core/status.h"

namespace cho4::signage {

// A market secret shorter than this is refused: 128 bits is the usual floor for an HMAC key.
inline constexpr std::size_t kCheckSecretMinBytes = 16;
// Truncation: 8 base32 symbols carry 40 bits, enough that guessing online (which the server
// rate-limits) is hopeless while a person can still read and type it.
inline constexpr std::size_t kCheckCodeSymbols = 8;
inline constexpr std::size_t kCheckCodeBits = kCheckCodeSymbols * 5;
static_assert(kCheckCodeBits <= 256, "a check code is a truncation of one SHA-256 MAC");

// Crockford base32 symbols, in value order.
inline constexpr std::string_view kCrockfordAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

// Reads a check code as typed: removes dashes and spaces, upper-cases, maps O→0 and I/L→1.
// Fails with invalid_argument when the result is not exactly kCheckCodeSymbols Crockford symbols.
Result<std::string> normalize_check_code(std::string_view typed);

// "7K2MQX9D" → "7K2M-QX9D" (how a sign prints it). `symbols` must be normalized.
std::string format_check_code(std::string_view symbols);

enum class CheckVerdict : std::uint8_t {
  match = 1,     // the code belongs to this payload under this market's secret
  mismatch = 2,  // a well-formed code, but not this payload's (another payload or another market)
};

class CheckCodeKey {
 public:
  // Fails with invalid_argument when the secret is shorter than kCheckSecretMinBytes.
  static Result<CheckCodeKey> from_secret(std::string_view secret);

  // The normalized code (8 symbols, no dash) of a payload: deterministic for (secret, payload).
  std::string code_for(std::string_view payload) const;

  // Compares in constant time. Fails with invalid_argument when `typed` is not a well-formed code
  // (the caller says "that is not a check code", not "forged").
  Result<CheckVerdict> verify(std::string_view payload, std::string_view typed) const;

 private:
  explicit CheckCodeKey(std::string secret) : secret_(std::move(secret)) {}
  std::string secret_;
};

}  // namespace cho4::signage
