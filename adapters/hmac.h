// HMAC with OpenSSL 3's EVP_MAC (no deprecated HMAC_CTX), plus the encodings signatures travel
// in (lower hex, base64) and constant-time comparison.
//
// HmacKey holds a key and, per thread that uses it, one EVP_MAC_CTX with the key already
// scheduled, so each MAC costs an EVP_MAC_init without re-deriving the key pads and without
// allocation. Thread-safety: an HmacKey is immutable; compute() may run concurrently from any
// threads (each uses its own context). Not copyable (its identity keys the per-thread cache).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

namespace cho4::adapters {

enum class HashAlg : std::uint8_t { sha256 = 1, sha512 = 2 };

// A MAC value: up to 64 bytes (SHA-512).
struct Digest {
  std::array<unsigned char, 64> bytes{};
  std::size_t size = 0;
  std::string_view view() const { return {reinterpret_cast<const char*>(bytes.data()), size}; }
};

class HmacKey {
 public:
  HmacKey(HashAlg alg, std::string key);
  ~HmacKey();
  HmacKey(const HmacKey&) = delete;
  HmacKey& operator=(const HmacKey&) = delete;

  HashAlg alg() const { return alg_; }
  // HMAC of the concatenation of parts (e.g. {timestamp, ".", body}) without building it.
  Digest compute(std::initializer_list<std::string_view> parts) const;
  Digest compute(std::string_view message) const { return compute({message}); }

 private:
  HashAlg alg_;
  std::string key_;
  std::uint64_t id_;  // never reused: keys the per-thread context cache
};

// One-shot HMAC (tests, cold paths).
Digest hmac(HashAlg alg, std::string_view key, std::string_view message);
// SHA-256 of data (deriving token keys).
Digest sha256(std::string_view data);

// Constant-time equality: the time depends on the lengths only, never on where bytes differ.
bool constant_time_equal(std::string_view a, std::string_view b);

std::string hex_lower(std::string_view bytes);
// Decodes hex (either case); nullopt on an odd length or a non-hex character.
std::optional<std::string> hex_decode(std::string_view hex);
// Standard base64 with padding, and base64url without padding (tokens).
std::string base64_encode(std::string_view bytes);
std::string base64url_encode(std::string_view bytes);
// Decodes standard base64 (padding required) or base64url (padding optional); nullopt on any
// other character or a bad length.
std::optional<std::string> base64_decode(std::string_view text);
std::optional<std::string> base64url_decode(std::string_view text);

}  // namespace cho4::adapters
