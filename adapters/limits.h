// Named limits of the adapters module (STYLE §8). The server enforces its own, smaller-or-equal,
// HTTP body limit before an adapter sees the request; these bound what an adapter will process.
#pragma once

#include <cstddef>
#include <cstdint>

namespace cho4::adapters {

// Largest webhook body an adapter parses. Providers send one transaction (~1 KiB) or a small
// batch (Casso v1); 1 MiB leaves room for long batches without letting a body exhaust memory.
inline constexpr std::size_t kBodyBytesMax = 1 << 20;
// Deepest JSON nesting accepted. Real bodies are 2-3 levels deep; the limit stops stack and
// allocation blow-ups from hostile bodies like [[[[…]]]].
inline constexpr int kJsonDepthMax = 16;
// Most credits one request may carry (Casso v1 and Standard Webhooks arrays).
inline constexpr std::size_t kCreditsPerRequestMax = 1000;
// Longest string field kept from a body (descriptions are ≤ 255 bytes at every bank).
inline constexpr std::size_t kFieldBytesMax = 4096;
// Default replay window where a provider signs a timestamp (SePay, Casso v2, Standard Webhooks).
inline constexpr std::int64_t kDefaultToleranceS = 300;
// Bounds on configured token lifetimes: VietQR.vn expects 300 s; SePay OAuth2 defaults to 1 h.
inline constexpr std::int64_t kTokenTtlMinS = 30;
inline constexpr std::int64_t kTokenTtlMaxS = 24 * 3600;
inline constexpr std::int64_t kVietqrTokenTtlS = 300;
inline constexpr std::int64_t kSepayTokenTtlS = 3600;
// Longest token / credential header accepted before parsing it.
inline constexpr std::size_t kCredentialBytesMax = 4096;

static_assert(kCreditsPerRequestMax * 64 < kBodyBytesMax, "a full batch of small credits must fit");
static_assert(kTokenTtlMinS <= kVietqrTokenTtlS && kVietqrTokenTtlS <= kTokenTtlMaxS);
static_assert(kTokenTtlMinS <= kSepayTokenTtlS && kSepayTokenTtlS <= kTokenTtlMaxS);

}  // namespace cho4::adapters
