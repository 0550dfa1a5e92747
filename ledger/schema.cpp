#include "ledger/schema_internal.h"

namespace cho4::ledger::schema {
namespace {

void put_money(Writer& w, Money m) {
  w.i64(m.vnd());
}
Money get_money(Reader& r) {
  return Money::vnd(r.i64());
}

void put_postings(Writer& w, const std::vector<Posting>& ps) {
  w.var(ps.size());
  for (const auto& p : ps) {
    w.str(p.from);
    w.str(p.to);
    put_money(w, p.amount);
  }
}
std::vector<Posting> get_postings(Reader& r) {
  std::vector<Posting> ps;
  std::uint64_t n = r.var();
  for (std::uint64_t i = 0; i < n && r.ok(); ++i) {
    Posting p;
    p.from = r.str();
    p.to = r.str();
    p.amount = get_money(r);
    ps.push_back(std::move(p));
  }
  return ps;
}
void put_ids(Writer& w, const std::vector<OrderId>& ids) {
  w.var(ids.size());
  for (auto id : ids) w.var(id.value);
}
std::vector<OrderId> get_ids(Reader& r) {
  std::vector<OrderId> ids;
  std::uint64_t n = r.var();
  for (std::uint64_t i = 0; i < n && r.ok(); ++i) ids.push_back(OrderId{r.var()});
  return ids;
}

template <class T>
std::optional<T> finish(Reader& r, T value) {
  if (!r.ok() || !r.done()) return std::nullopt;
  return value;
}

}  // namespace

std::string encode_counters(const Counters& c) {
  Writer w;
  w.var(kFormatVersion);
  w.var(c.next_credit);
  w.var(c.next_order);
  w.var(c.next_market);
  w.var(c.next_stall);
  w.var(c.next_dead);
  w.var(c.next_resolution);
  w.var(c.next_reference);
  w.var(c.next_token);
  return std::move(w.out());
}
std::optional<Counters> decode_counters(std::string_view s) {
  Reader r(s);
  Counters c;
  if (r.var() != kFormatVersion) return std::nullopt;
  c.next_credit = r.var();
  c.next_order = r.var();
  c.next_market = r.var();
  c.next_stall = r.var();
  c.next_dead = r.var();
  c.next_resolution = r.var();
  c.next_reference = r.var();
  if (!r.done()) c.next_token = r.var();  // absent in stores written before it existed
  return finish(r, c);
}

std::string encode_credit(const CreditRecord& rec, std::string_view raw_body,
                          std::string_view headers_digest) {
  Writer w;
  const BankCredit& c = rec.credit;
  // One allocation: the record carries the raw body (hundreds of bytes), and growing the buffer
  // field by field copied it again at every doubling, on the writer thread.
  w.reserve(128 + c.adapter_instance.size() + c.provider_txn_id.size() + c.bank_reference.size() +
            c.bank.size() + c.account.size() + c.sub_account.size() + c.description.size() +
            rec.reference.size() + 10 * rec.candidates.size() + 64 * rec.postings.size() +
            raw_body.size() + headers_digest.size());
  w.var(rec.id.value);
  w.str(c.adapter_instance);
  w.str(c.provider_txn_id);
  w.str(c.bank_reference);
  w.str(c.bank);
  w.str(c.account);
  w.str(c.sub_account);
  w.u8(static_cast<std::uint8_t>(c.direction));
  put_money(w, c.amount);
  w.str(c.description);
  w.i64(c.occurred_at_ms);
  w.u8(c.occurred_date_only ? 1 : 0);
  w.i64(c.received_at_ms);
  w.u8(static_cast<std::uint8_t>(c.verified));
  w.var(static_cast<std::uint32_t>(rec.outcome));
  w.var(rec.flags);
  w.var(rec.stall.value);
  w.var(rec.order.value);
  w.str(rec.reference);
  put_money(w, rec.order_amount);
  put_money(w, rec.paid_total);
  put_money(w, rec.shortfall);
  put_money(w, rec.excess);
  w.var(rec.outbox_seq);
  w.var(rec.related.value);
  put_ids(w, rec.candidates);
  put_postings(w, rec.postings);
  w.var(rec.raw_id);
  w.str(raw_body);
  w.str(headers_digest);
  return std::move(w.out());
}

std::optional<CreditRecord> decode_credit(std::string_view s, std::string* raw_body,
                                          std::string* headers_digest) {
  Reader r(s);
  CreditRecord rec;
  BankCredit& c = rec.credit;
  rec.id = CreditId{r.var()};
  c.adapter_instance = r.str();
  c.provider_txn_id = r.str();
  c.bank_reference = r.str();
  c.bank = r.str();
  c.account = r.str();
  c.sub_account = r.str();
  c.direction = static_cast<Direction>(r.u8());
  c.amount = get_money(r);
  c.description = r.str();
  c.occurred_at_ms = r.i64();
  c.occurred_date_only = r.u8() != 0;
  c.received_at_ms = r.i64();
  c.verified = static_cast<VerifiedScheme>(r.u8());
  rec.outcome = static_cast<Outcome>(r.var());
  rec.flags = static_cast<std::uint32_t>(r.var());
  rec.stall = StallId{r.var()};
  rec.order = OrderId{r.var()};
  rec.reference = r.str();
  rec.order_amount = get_money(r);
  rec.paid_total = get_money(r);
  rec.shortfall = get_money(r);
  rec.excess = get_money(r);
  rec.outbox_seq = r.var();
  rec.related = CreditId{r.var()};
  rec.candidates = get_ids(r);
  rec.postings = get_postings(r);
  rec.raw_id = r.var();
  std::string raw = r.str();
  std::string digest = r.str();
  if (raw_body) *raw_body = std::move(raw);
  if (headers_digest) *headers_digest = std::move(digest);
  return finish(r, std::move(rec));
}

std::string encode_order(const Order& o) {
  Writer w;
  w.var(o.id.value);
  w.var(o.stall.value);
  put_money(w, o.amount);
  w.str(o.reference);
  w.str(o.note);
  w.i64(o.created_at_ms);
  w.i64(o.expires_at_ms);
  w.i64(o.cancelled_at_ms);
  w.i64(o.paid_at_ms);
  put_money(w, o.paid_total);
  w.var(o.credit_count);
  return std::move(w.out());
}
std::optional<Order> decode_order(std::string_view s) {
  Reader r(s);
  Order o;
  o.id = OrderId{r.var()};
  o.stall = StallId{r.var()};
  o.amount = get_money(r);
  o.reference = r.str();
  o.note = r.str();
  o.created_at_ms = r.i64();
  o.expires_at_ms = r.i64();
  o.cancelled_at_ms = r.i64();
  o.paid_at_ms = r.i64();
  o.paid_total = get_money(r);
  o.credit_count = static_cast<std::uint32_t>(r.var());
  return finish(r, std::move(o));
}

std::string encode_market(const Market& m) {
  Writer w;
  w.var(m.id.value);
  w.str(m.name);
  w.i64(m.created_at_ms);
  return std::move(w.out());
}
std::optional<Market> decode_market(std::string_view s) {
  Reader r(s);
  Market m;
  m.id = MarketId{r.var()};
  m.name = r.str();
  m.created_at_ms = r.i64();
  return finish(r, std::move(m));
}

std::string encode_stall(const Stall& st) {
  Writer w;
  w.var(st.id.value);
  w.var(st.market.value);
  w.str(st.name);
  w.str(st.bank_bin);
  w.str(st.account);
  w.str(st.virtual_account);
  put_money(w, st.alarm_threshold);
  w.u8(st.active ? 1 : 0);
  w.i64(st.created_at_ms);
  return std::move(w.out());
}
std::optional<Stall> decode_stall(std::string_view s) {
  Reader r(s);
  Stall st;
  st.id = StallId{r.var()};
  st.market = MarketId{r.var()};
  st.name = r.str();
  st.bank_bin = r.str();
  st.account = r.str();
  st.virtual_account = r.str();
  st.alarm_threshold = get_money(r);
  st.active = r.u8() != 0;
  st.created_at_ms = r.i64();
  return finish(r, std::move(st));
}

std::string encode_stall_seq(const StallSeq& q) {
  Writer w;
  w.var(q.last_seq);
  w.var(q.oldest_retained);
  return std::move(w.out());
}
std::optional<StallSeq> decode_stall_seq(std::string_view s) {
  Reader r(s);
  StallSeq q;
  q.last_seq = r.var();
  q.oldest_retained = r.var();
  return finish(r, q);
}

std::string encode_daily(const DailyTotals& d) {
  Writer w;
  w.i64(days_from_civil(d.day));
  put_money(w, d.received);
  put_money(w, d.excess);
  put_money(w, d.paid_out);
  w.var(d.credits);
  w.var(d.outgoing);
  for (auto n : d.by_outcome) w.var(n);
  return std::move(w.out());
}
std::optional<DailyTotals> decode_daily(std::string_view s) {
  Reader r(s);
  DailyTotals d;
  d.day = civil_from_days(r.i64());
  d.received = get_money(r);
  d.excess = get_money(r);
  d.paid_out = get_money(r);
  d.credits = static_cast<std::uint32_t>(r.var());
  d.outgoing = static_cast<std::uint32_t>(r.var());
  for (auto& n : d.by_outcome) n = static_cast<std::uint32_t>(r.var());
  return finish(r, d);
}

std::string encode_token(const DeviceToken& t) {
  Writer w;
  w.str(t.hash);
  w.u8(static_cast<std::uint8_t>(t.scope));
  w.var(t.market.value);
  w.var(t.stall.value);
  w.str(t.label);
  w.i64(t.created_at_ms);
  w.i64(t.expires_at_ms);
  w.i64(t.revoked_at_ms);
  w.var(t.issued);
  return std::move(w.out());
}
std::optional<DeviceToken> decode_token(std::string_view s) {
  Reader r(s);
  DeviceToken t;
  t.hash = r.str();
  t.scope = static_cast<TokenScope>(r.u8());
  t.market = MarketId{r.var()};
  t.stall = StallId{r.var()};
  t.label = r.str();
  t.created_at_ms = r.i64();
  t.expires_at_ms = r.i64();
  t.revoked_at_ms = r.i64();
  if (!r.done()) t.issued = r.var();  // absent in stores written before it existed
  return finish(r, std::move(t));
}

std::string encode_pending(const Pending& p) {
  Writer w;
  w.u8(static_cast<std::uint8_t>(p.kind));
  w.i64(p.day);
  return std::move(w.out());
}
std::optional<Pending> decode_pending(std::string_view s) {
  Reader r(s);
  Pending p;
  p.kind = static_cast<PendingKind>(r.u8());
  p.day = r.i64();
  return finish(r, p);
}

std::string encode_chunk(const OutboxChunk& c) {
  Writer w;
  w.i64(c.committed_at_ms);
  w.var(c.refs.size());
  for (const auto& ref : c.refs) {
    w.u8(static_cast<std::uint8_t>(ref.kind));
    w.var(ref.id);
  }
  return std::move(w.out());
}
std::optional<OutboxChunk> decode_chunk(std::string_view s) {
  Reader r(s);
  OutboxChunk c;
  c.committed_at_ms = r.i64();
  std::uint64_t n = r.var();
  for (std::uint64_t i = 0; i < n && r.ok(); ++i) {
    EventRef ref;
    ref.kind = static_cast<RefKind>(r.u8());
    ref.id = r.var();
    c.refs.push_back(ref);
  }
  return finish(r, std::move(c));
}

std::string encode_resolution(const Resolution& x) {
  Writer w;
  w.var(x.id);
  w.var(x.credit.value);
  w.u8(x.action);
  w.var(x.stall.value);
  w.var(x.order.value);
  w.str(x.note);
  w.str(x.actor);
  w.i64(x.at_ms);
  w.var(static_cast<std::uint32_t>(x.outcome));
  w.var(x.flags);
  w.str(x.reference);
  put_money(w, x.order_amount);
  put_money(w, x.paid_total);
  put_money(w, x.shortfall);
  put_money(w, x.excess);
  w.var(x.outbox_seq);
  put_ids(w, x.candidates);
  put_postings(w, x.postings);
  return std::move(w.out());
}
std::optional<Resolution> decode_resolution(std::string_view s) {
  Reader r(s);
  Resolution x;
  x.id = r.var();
  x.credit = CreditId{r.var()};
  x.action = r.u8();
  x.stall = StallId{r.var()};
  x.order = OrderId{r.var()};
  x.note = r.str();
  x.actor = r.str();
  x.at_ms = r.i64();
  x.outcome = static_cast<Outcome>(r.var());
  x.flags = static_cast<std::uint32_t>(r.var());
  x.reference = r.str();
  x.order_amount = get_money(r);
  x.paid_total = get_money(r);
  x.shortfall = get_money(r);
  x.excess = get_money(r);
  x.outbox_seq = r.var();
  x.candidates = get_ids(r);
  x.postings = get_postings(r);
  return finish(r, std::move(x));
}

std::string encode_dead(const DeadLetter& d) {
  Writer w;
  w.var(d.id);
  w.str(d.adapter_instance);
  w.str(d.reason);
  w.str(d.body);
  w.str(d.headers_digest);
  w.i64(d.received_at_ms);
  w.i64(d.reprocessed_at_ms);
  return std::move(w.out());
}
std::optional<DeadLetter> decode_dead(std::string_view s) {
  Reader r(s);
  DeadLetter d;
  d.id = r.var();
  d.adapter_instance = r.str();
  d.reason = r.str();
  d.body = r.str();
  d.headers_digest = r.str();
  d.received_at_ms = r.i64();
  d.reprocessed_at_ms = r.i64();
  return finish(r, std::move(d));
}

std::string dedupe_key(std::string_view instance, std::string_view txn_id) {
  std::string k;
  k.reserve(2 + instance.size() + txn_id.size());
  k.push_back('k');
  k.append(instance);
  k.push_back('\0');
  k.append(txn_id);
  return k;
}
std::string bankref_key(std::string_view account, std::string_view bank_reference, Money amount) {
  std::string k;
  k.push_back('b');
  k.append(account);
  k.push_back('\0');
  k.append(bank_reference);
  k.push_back('\0');
  put_be64(k, static_cast<std::uint64_t>(amount.vnd()));
  return k;
}
std::string outbox_key(StallId stall, std::uint64_t first_seq) {
  std::string k;
  put_be64(k, stall.value);
  put_be64(k, first_seq);
  return k;
}
std::string state_key(char tag, std::uint64_t id) {
  std::string k(1, tag);
  put_be64(k, id);
  return k;
}
std::string balance_key(std::string_view account) {
  std::string k(1, 'A');
  k.append(account);
  return k;
}
std::string daily_key(StallId stall, std::int64_t day) {
  std::string k(1, 'D');
  put_be64(k, stall.value);
  put_be64(k, static_cast<std::uint64_t>(day) ^ (1ULL << 63));
  return k;
}
std::int64_t daily_key_day(std::string_view key) {
  return static_cast<std::int64_t>(get_be64(key, 9) ^ (1ULL << 63));
}
std::string token_key(std::string_view hash) {
  std::string k(1, 'T');
  k.append(hash);
  return k;
}

}  // namespace cho4::ledger::schema
