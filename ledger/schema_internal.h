// The ledger's RocksDB schema and record encodings (internal to ledger/: engine, check, backup).
//
// Column families (keys big-endian so that iteration order is numeric order):
//   default  "counters"                                → Counters
//   journal  BE64(credit id)                           → CreditRecord (+ the raw webhook body on
//                                                        the first credit of each request)
//   dedupe   'k' instance 0x00 txn id                  → BE64(credit id)      idempotency key
//            'b' account 0x00 bank ref 0x00 BE64(amount) → BE64(credit id)    cross-instance key
//   outbox   BE64(stall) BE64(first seq)               → OutboxChunk (refs of one batch's events)
//   state    'A' account                               → balance (BE64 two's complement)
//            'D' BE64(stall) BE64(day + 2^63)          → DailyTotals
//            'O' BE64(order)                           → Order
//            'M' BE64(market)                          → Market
//            'S' BE64(stall)                           → Stall
//            'Q' BE64(stall)                           → StallSeq (last seq, oldest retained)
//            'T' token hash                            → DeviceToken
//            'P' BE64(credit)                          → Pending (unresolved suspense / held)
//            'R' BE64(resolution)                      → Resolution
//   dead     BE64(dead letter id)                      → DeadLetter
// Every write is part of one WriteBatch per group commit; the journal and dedupe keys are the only
// per-credit writes, everything in `state` and `outbox` is folded per batch.
#pragma once

#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/types.h"

namespace cho4::ledger::schema {

inline constexpr const char* kJournalCf = "journal";
inline constexpr const char* kDedupeCf = "dedupe";
inline constexpr const char* kOutboxCf = "outbox";
inline constexpr const char* kStateCf = "state";
inline constexpr const char* kDeadCf = "dead";
inline constexpr std::string_view kCountersKey = "counters";
inline constexpr std::uint32_t kFormatVersion = 1;

// ---- byte helpers ----
inline void put_be64(std::string& out, std::uint64_t v) {
  for (int i = 7; i >= 0; --i) out.push_back(static_cast<char>((v >> (i * 8)) & 0xff));
}
inline std::uint64_t get_be64(std::string_view s, std::size_t pos = 0) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < 8; ++i) v = (v << 8) | static_cast<unsigned char>(s[pos + i]);
  return v;
}
inline std::string be64(std::uint64_t v) {
  std::string s;
  put_be64(s, v);
  return s;
}

// Little writer/reader for record values: varints and length-prefixed strings.
class Writer {
 public:
  void u8(std::uint8_t v) { out_.push_back(static_cast<char>(v)); }
  void var(std::uint64_t v) {
    while (v >= 0x80) {
      out_.push_back(static_cast<char>((v & 0x7f) | 0x80));
      v >>= 7;
    }
    out_.push_back(static_cast<char>(v));
  }
  void i64(std::int64_t v) {
    var((static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63));
  }
  void str(std::string_view s) {
    var(s.size());
    out_.append(s);
  }
  void reserve(std::size_t bytes) { out_.reserve(bytes); }
  std::string& out() { return out_; }

 private:
  std::string out_;
};

class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  bool ok() const { return ok_; }
  bool done() const { return pos_ == in_.size(); }
  std::uint8_t u8() {
    if (pos_ >= in_.size()) return fail();
    return static_cast<std::uint8_t>(in_[pos_++]);
  }
  std::uint64_t var() {
    std::uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos_ >= in_.size()) return fail();
      auto b = static_cast<unsigned char>(in_[pos_++]);
      v |= static_cast<std::uint64_t>(b & 0x7f) << shift;
      if ((b & 0x80) == 0) return v;
    }
    return fail();
  }
  std::int64_t i64() {
    std::uint64_t z = var();
    return static_cast<std::int64_t>((z >> 1) ^ (~(z & 1) + 1));
  }
  std::string str() {
    std::uint64_t n = var();
    if (!ok_ || n > in_.size() - pos_) {
      fail();
      return {};
    }
    std::string s(in_.substr(pos_, n));
    pos_ += n;
    return s;
  }

 private:
  std::uint8_t fail() {
    ok_ = false;
    pos_ = in_.size();
    return 0;
  }
  std::string_view in_;
  std::size_t pos_ = 0;
  bool ok_ = true;
};

// ---- records ----
struct Counters {
  std::uint64_t next_credit = 1;
  std::uint64_t next_order = 1;
  std::uint64_t next_market = 1;
  std::uint64_t next_stall = 1;
  std::uint64_t next_dead = 1;
  std::uint64_t next_resolution = 1;
  std::uint64_t next_reference = 1;  // high-water mark of the reference-code counter
  std::uint64_t next_token = 1;      // DeviceToken::issued
  friend bool operator==(const Counters&, const Counters&) = default;
};

struct StallSeq {
  std::uint64_t last_seq = 0;
  std::uint64_t oldest_retained = 1;
  friend bool operator==(const StallSeq&, const StallSeq&) = default;
};

enum class PendingKind : std::uint8_t { suspense = 1, held = 2 };
struct Pending {
  PendingKind kind = PendingKind::suspense;
  std::int64_t day = 0;  // Vietnamese day number of the credit (bank time)
};

// A reference from the outbox to what made an event.
enum class RefKind : std::uint8_t { credit = 1, resolution = 2 };
struct EventRef {
  RefKind kind = RefKind::credit;
  std::uint64_t id = 0;
};
struct OutboxChunk {
  UnixMs committed_at_ms = 0;
  std::vector<EventRef> refs;  // seqs first_seq, first_seq+1, …
};

struct Resolution {
  std::uint64_t id = 0;
  CreditId credit;
  std::uint8_t action = 0;  // ResolveAction
  StallId stall;
  OrderId order;
  std::string note;
  std::string actor;
  UnixMs at_ms = 0;
  Outcome outcome = Outcome::static_qr;  // the outcome the resolution gave the money
  std::uint32_t flags = 0;
  std::string reference;
  Money order_amount;
  Money paid_total;
  Money shortfall;
  Money excess;
  std::uint64_t outbox_seq = 0;
  std::vector<OrderId> candidates;
  std::vector<Posting> postings;
};

std::string encode_counters(const Counters& c);
std::optional<Counters> decode_counters(std::string_view s);
// The journal record; `raw_body`/`headers_digest` are stored only when non-empty.
std::string encode_credit(const CreditRecord& r, std::string_view raw_body,
                          std::string_view headers_digest);
std::optional<CreditRecord> decode_credit(std::string_view s, std::string* raw_body = nullptr,
                                          std::string* headers_digest = nullptr);
std::string encode_order(const Order& o);
std::optional<Order> decode_order(std::string_view s);
std::string encode_market(const Market& m);
std::optional<Market> decode_market(std::string_view s);
std::string encode_stall(const Stall& s);
std::optional<Stall> decode_stall(std::string_view s);
std::string encode_stall_seq(const StallSeq& s);
std::optional<StallSeq> decode_stall_seq(std::string_view s);
std::string encode_daily(const DailyTotals& d);
std::optional<DailyTotals> decode_daily(std::string_view s);
std::string encode_token(const DeviceToken& t);
std::optional<DeviceToken> decode_token(std::string_view s);
std::string encode_pending(const Pending& p);
std::optional<Pending> decode_pending(std::string_view s);
std::string encode_chunk(const OutboxChunk& c);
std::optional<OutboxChunk> decode_chunk(std::string_view s);
std::string encode_resolution(const Resolution& r);
std::optional<Resolution> decode_resolution(std::string_view s);
std::string encode_dead(const DeadLetter& d);
std::optional<DeadLetter> decode_dead(std::string_view s);

// Keys.
std::string dedupe_key(std::string_view instance, std::string_view txn_id);
std::string bankref_key(std::string_view account, std::string_view bank_reference, Money amount);
std::string outbox_key(StallId stall, std::uint64_t first_seq);
std::string state_key(char tag, std::uint64_t id);
std::string balance_key(std::string_view account);
std::string daily_key(StallId stall, std::int64_t day);
std::int64_t daily_key_day(std::string_view key);  // the day part of a daily_key
std::string token_key(std::string_view hash);

}  // namespace cho4::ledger::schema
