#include "adapters/hmac.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <atomic>
#include <unordered_map>

#include "core/assert.h"

namespace cho4::adapters {

namespace {

std::atomic<std::uint64_t> g_next_key_id{1};

// Contexts a thread keeps. Bounded: a process has a handful of keys; should keys churn (tests
// building many adapters), the cache is simply dropped and rebuilt.
constexpr std::size_t kContextsPerThreadMax = 256;

const char* digest_name(HashAlg alg) {
  return alg == HashAlg::sha512 ? "SHA512" : "SHA256";
}

class ThreadMacCache {
 public:
  ThreadMacCache() : mac_(EVP_MAC_fetch(nullptr, "HMAC", nullptr)) {
    CHO4_ASSERT(mac_ != nullptr, "OpenSSL provides HMAC");
  }
  ~ThreadMacCache() {
    clear();
    EVP_MAC_free(mac_);
  }
  ThreadMacCache(const ThreadMacCache&) = delete;
  ThreadMacCache& operator=(const ThreadMacCache&) = delete;

  // A context with the key scheduled, ready for EVP_MAC_init(ctx, nullptr, …).
  EVP_MAC_CTX* get(std::uint64_t id, HashAlg alg, std::string_view key) {
    if (auto it = ctxs_.find(id); it != ctxs_.end()) return it->second;
    if (ctxs_.size() >= kContextsPerThreadMax) clear();
    EVP_MAC_CTX* ctx = new_context(alg, key);
    ctxs_.emplace(id, ctx);
    return ctx;
  }
  EVP_MAC_CTX* new_context(HashAlg alg, std::string_view key) {
    EVP_MAC_CTX* ctx = EVP_MAC_CTX_new(mac_);
    CHO4_ASSERT(ctx != nullptr, "EVP_MAC_CTX_new");
    OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
                                                            const_cast<char*>(digest_name(alg)), 0),
                           OSSL_PARAM_construct_end()};
    // An empty key is legal HMAC (a zero-filled block); OpenSSL wants a non-null pointer.
    static const unsigned char kEmpty[1] = {0};
    const auto* k = key.empty() ? kEmpty : reinterpret_cast<const unsigned char*>(key.data());
    CHO4_ASSERT(EVP_MAC_init(ctx, k, key.size(), params) == 1, "EVP_MAC_init with key");
    return ctx;
  }

 private:
  void clear() {
    for (auto& [id, ctx] : ctxs_) EVP_MAC_CTX_free(ctx);
    ctxs_.clear();
  }
  EVP_MAC* mac_;
  std::unordered_map<std::uint64_t, EVP_MAC_CTX*> ctxs_;
};

ThreadMacCache& thread_cache() {
  thread_local ThreadMacCache cache;
  return cache;
}

Digest run(EVP_MAC_CTX* ctx, std::initializer_list<std::string_view> parts) {
  for (std::string_view p : parts) {
    CHO4_ASSERT(
        EVP_MAC_update(ctx, reinterpret_cast<const unsigned char*>(p.data()), p.size()) == 1,
        "EVP_MAC_update");
  }
  Digest d;
  std::size_t len = 0;
  CHO4_ASSERT(EVP_MAC_final(ctx, d.bytes.data(), &len, d.bytes.size()) == 1, "EVP_MAC_final");
  d.size = len;
  return d;
}

constexpr char kB64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr char kB64Url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string b64_encode(std::string_view in, const char* alphabet, bool pad) {
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  std::size_t i = 0;
  auto byte = [&](std::size_t k) { return static_cast<unsigned char>(in[k]); };
  for (; i + 3 <= in.size(); i += 3) {
    std::uint32_t v = (byte(i) << 16) | (byte(i + 1) << 8) | byte(i + 2);
    out += alphabet[(v >> 18) & 63];
    out += alphabet[(v >> 12) & 63];
    out += alphabet[(v >> 6) & 63];
    out += alphabet[v & 63];
  }
  std::size_t rest = in.size() - i;
  if (rest == 1) {
    std::uint32_t v = byte(i) << 16;
    out += alphabet[(v >> 18) & 63];
    out += alphabet[(v >> 12) & 63];
    if (pad) out += "==";
  } else if (rest == 2) {
    std::uint32_t v = (byte(i) << 16) | (byte(i + 1) << 8);
    out += alphabet[(v >> 18) & 63];
    out += alphabet[(v >> 12) & 63];
    out += alphabet[(v >> 6) & 63];
    if (pad) out += '=';
  }
  return out;
}

int b64_value(char c, bool url) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (!url && c == '+') return 62;
  if (!url && c == '/') return 63;
  if (url && c == '-') return 62;
  if (url && c == '_') return 63;
  return -1;
}

std::optional<std::string> b64_decode(std::string_view in, bool url) {
  std::size_t padding = 0;
  if (!url || in.size() % 4 == 0) {
    if (in.size() % 4 != 0) return std::nullopt;
    while (padding < 2 && padding < in.size() && in[in.size() - 1 - padding] == '=') ++padding;
  }
  std::string_view body = in.substr(0, in.size() - padding);
  if (body.size() % 4 == 1) return std::nullopt;
  std::string out;
  out.reserve(body.size() * 3 / 4);
  std::uint32_t acc = 0;
  int bits = 0;
  for (char c : body) {
    int v = b64_value(c, url);
    if (v < 0) return std::nullopt;
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xFF);
    }
  }
  // Non-canonical encodings (stray low bits) are refused so one value has one text.
  if ((acc & ((1u << bits) - 1)) != 0) return std::nullopt;
  return out;
}

}  // namespace

HmacKey::HmacKey(HashAlg alg, std::string key)
    : alg_(alg), key_(std::move(key)), id_(g_next_key_id.fetch_add(1)) {}

HmacKey::~HmacKey() {
  // Per-thread contexts holding this key are not touched here (other threads own them, and at
  // exit the thread-local cache may already be gone); ids are never reused, so they are simply
  // never looked up again and go when their cache is cleared or their thread ends.
  OPENSSL_cleanse(key_.data(), key_.size());
}

Digest HmacKey::compute(std::initializer_list<std::string_view> parts) const {
  EVP_MAC_CTX* ctx = thread_cache().get(id_, alg_, key_);
  CHO4_ASSERT(EVP_MAC_init(ctx, nullptr, 0, nullptr) == 1, "EVP_MAC_init reuse");
  return run(ctx, parts);
}

Digest hmac(HashAlg alg, std::string_view key, std::string_view message) {
  EVP_MAC_CTX* ctx = thread_cache().new_context(alg, key);
  Digest d = run(ctx, {message});
  EVP_MAC_CTX_free(ctx);
  return d;
}

Digest sha256(std::string_view data) {
  Digest d;
  unsigned int len = 0;
  CHO4_ASSERT(
      EVP_Digest(data.data(), data.size(), d.bytes.data(), &len, EVP_sha256(), nullptr) == 1,
      "EVP_Digest");
  d.size = len;
  return d;
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string hex_lower(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.resize(bytes.size() * 2);
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    auto b = static_cast<unsigned char>(bytes[i]);
    out[2 * i] = kHex[b >> 4];
    out[2 * i + 1] = kHex[b & 15];
  }
  return out;
}

std::optional<std::string> hex_decode(std::string_view hex) {
  if (hex.size() % 2 != 0) return std::nullopt;
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  out.resize(hex.size() / 2);
  for (std::size_t i = 0; i < out.size(); ++i) {
    int hi = nibble(hex[2 * i]);
    int lo = nibble(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out[i] = static_cast<char>((hi << 4) | lo);
  }
  return out;
}

std::string base64_encode(std::string_view bytes) {
  return b64_encode(bytes, kB64, true);
}
std::string base64url_encode(std::string_view bytes) {
  return b64_encode(bytes, kB64Url, false);
}
std::optional<std::string> base64_decode(std::string_view text) {
  return b64_decode(text, false);
}
std::optional<std::string> base64url_decode(std::string_view text) {
  return b64_decode(text, true);
}

}  // namespace cho4::adapters
