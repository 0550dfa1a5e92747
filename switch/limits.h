// Every bound the server enforces, in one place (STYLE §8). Values here are the defaults; the
// configuration may tighten or widen the ones in ServerLimits (config.h) within the hard ceilings
// below, which the static_asserts relate to each other. Plain constants; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>

namespace cho4::server {

// ---- HTTP parsing ----
// A request's header block (request line + fields). Providers send < 2 KiB; 16 KiB leaves room
// for proxies' headers while keeping a slow-loris's memory small.
inline constexpr std::size_t kHeaderBytesMax = 16 * 1024;
// A request body: webhooks are < 4 KiB, a sign photo for sign-check is the largest legitimate body.
inline constexpr std::size_t kBodyBytesMax = 8 * 1024 * 1024;
// Webhook bodies are far smaller than photos; a tighter bound on the hot path.
inline constexpr std::size_t kWebhookBodyBytesMax = 64 * 1024;
// Ceiling the configuration cannot exceed.
inline constexpr std::size_t kBodyBytesCeiling = 64 * 1024 * 1024;

// ---- Timeouts ----
// Time a client has to send the complete header block once it starts a request.
inline constexpr std::int64_t kHeaderReadTimeoutMs = 10'000;
// Time to receive the body after the headers.
inline constexpr std::int64_t kBodyReadTimeoutMs = 30'000;
// An idle keep-alive connection is closed after this.
inline constexpr std::int64_t kKeepAliveIdleMs = 60'000;
// Writing a response (a stalled reader must not hold a connection forever).
inline constexpr std::int64_t kWriteTimeoutMs = 30'000;
// TLS handshake.
inline constexpr std::int64_t kTlsHandshakeTimeoutMs = 10'000;
// Graceful shutdown waits at most this long for in-flight requests before closing everything.
inline constexpr std::int64_t kShutdownGraceMs = 10'000;

// ---- Connections ----
// Open connections (HTTP + WebSocket + SSE). Above this, new connections are accepted and closed
// at once, so existing ones keep working.
inline constexpr std::size_t kConnectionsMax = 10'000;
// The process asks for this many file descriptors at start (RLIMIT_NOFILE).
inline constexpr std::uint64_t kFileDescriptorsWanted = 65'536;
inline constexpr std::size_t kIoThreadsMax = 64;

// ---- Notifications ----
// Events queued for one device before it is considered too slow and disconnected.
inline constexpr std::size_t kDeviceQueueMax = 256;
// Events a reconnecting device's replay reads from the store at a time: the next page is read
// once the last one is written, so a device catching up on thousands of missed events holds one
// page, and one read holds an I/O thread for a few milliseconds at most.
inline constexpr std::size_t kReplayPageEvents = 256;
// SSE heartbeat comment interval.
inline constexpr std::int64_t kHeartbeatIntervalMs = 15'000;
// A WebSocket message from a device (hello / ack) is tiny.
inline constexpr std::size_t kWebSocketMessageBytesMax = 4 * 1024;
// Browser tickets: short-lived by design (they appear in URLs).
inline constexpr std::int64_t kTicketLifetimeMs = 60'000;
// Devices connected to one stall.
inline constexpr std::size_t kDevicesPerStallMax = 64;

// ---- Ledger ----
// Engine submission queue (commands waiting for the writer).
inline constexpr std::size_t kEngineQueueDefault = 65'536;
// Retry-After seconds advertised with 503 overloaded.
inline constexpr int kRetryAfterSeconds = 1;

// Failed bearer authentications per client address: past kAuthFailuresBeforeLimit in one window
// the address gets 429; only the first kAuthFailuresLoggedMax are access-logged, then one line.
inline constexpr std::int64_t kAuthFailureWindowMs = 10'000;
inline constexpr std::uint32_t kAuthFailuresBeforeLimit = 10;
inline constexpr std::uint32_t kAuthFailuresLoggedMax = 10;
inline constexpr std::size_t kAuthLimiterAddressesMax = 10'000;
static_assert(kAuthFailuresLoggedMax <= kAuthFailuresBeforeLimit,
              "every failure that is not logged one by one is also rate-limited");

// ---- Paging ----
inline constexpr std::size_t kPageSizeDefault = 100;
inline constexpr std::size_t kPageSizeMax = 1'000;

// Signs per POST /v1/markets/{id}/signage: the PDF is drawn on the I/O thread (100 signs took
// 50 ms on the 2-core CI machine), so one request holds it for a quarter of a second at most;
// bigger markets print in parts.
inline constexpr std::size_t kSignageStallsMax = 500;

static_assert(kWebhookBodyBytesMax <= kBodyBytesMax);
static_assert(kBodyBytesMax <= kBodyBytesCeiling);
static_assert(kHeaderBytesMax >= 1024, "providers' headers must fit");
static_assert(kHeaderReadTimeoutMs <= kKeepAliveIdleMs);
static_assert(kHeaderReadTimeoutMs <= kBodyReadTimeoutMs);
static_assert(kHeartbeatIntervalMs < kKeepAliveIdleMs,
              "heartbeats keep streams under the idle cut");
static_assert(kFileDescriptorsWanted > kConnectionsMax, "each connection needs a descriptor");
static_assert(kDeviceQueueMax >= 16);
static_assert(kPageSizeDefault <= kPageSizeMax);
static_assert(kTicketLifetimeMs <= 5 * 60'000);

}  // namespace cho4::server
