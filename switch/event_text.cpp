#include "switch/event_text.h"

#include <boost/json.hpp>

#include "core/clock.h"
#include "core/ids.h"
#include "core/vn_text.h"

namespace cho4::server {
namespace {

std::string amount(Money m) {
  return format_amount(m);
}
std::string words(Money m) {
  return amount_in_words(m);
}

}  // namespace

boost::json::array flag_names(std::uint32_t flags) {
  boost::json::array a;
  if (flags & ledger::kFlagLate) a.emplace_back("late");
  if (flags & ledger::kFlagBelowMinimum) a.emplace_back("below_minimum");
  if (flags & ledger::kFlagDateOnly) a.emplace_back("date_only");
  if (flags & ledger::kFlagOrderCancelled) a.emplace_back("order_cancelled");
  if (flags & ledger::kFlagAmbiguousReference) a.emplace_back("ambiguous_reference");
  if (flags & ledger::kFlagForeignReference) a.emplace_back("foreign_reference");
  if (flags & ledger::kFlagUnknownAccount) a.emplace_back("unknown_account");
  if (flags & ledger::kFlagResolved) a.emplace_back("resolved");
  return a;
}

EventText event_text(const ledger::OutboxEvent& e) {
  using ledger::Outcome;
  EventText t;
  const std::string received = "Đã nhận " + amount(e.amount);
  const std::string received_said = "Đã nhận " + words(e.amount);
  if (e.kind == ledger::EventKind::resolution) {
    t.display = received + " (điều chỉnh)";
    t.speech = received_said + ", khoản điều chỉnh";
    return t;
  }
  if (e.direction == Direction::out || e.outcome == Outcome::outgoing) {
    t.display = "Đã chuyển đi " + amount(e.amount);
    t.speech = "Đã chuyển đi " + words(e.amount);
    return t;
  }
  const bool short_of_order = e.shortfall.positive() && e.order_amount.positive();
  switch (e.outcome) {
    case Outcome::underpaid:
    case Outcome::late:
    case Outcome::paid:
    case Outcome::overpaid:
      if (short_of_order) {
        // Loud on purpose: the stall owner must not hand over goods.
        t.display = "THIẾU " + amount(e.shortfall) + " — đã nhận " + amount(e.paid_total) + " / " +
                    amount(e.order_amount);
        t.speech = "Thiếu " + words(e.shortfall) + ". " + received_said;
      } else if (e.excess.positive()) {
        t.display = received + " — thừa " + amount(e.excess);
        t.speech = received_said + ". Thừa " + words(e.excess);
      } else {
        t.display = received;
        t.speech = received_said;
      }
      if (e.outcome == Outcome::late) {
        t.display += " (đơn quá hạn)";
        t.speech += ", đơn đã quá hạn";
      }
      return t;
    case Outcome::paid_again:
      t.display = received + " — đơn đã trả trước đó, cần hoàn lại";
      t.speech = received_said + ". Đơn này đã được trả trước đó";
      return t;
    case Outcome::static_qr:
      t.display = received;
      t.speech = received_said;
      if (e.flags & ledger::kFlagBelowMinimum) {
        t.display += " (dưới ngưỡng)";
      }
      return t;
    case Outcome::suspense:
      t.display = received + " — chờ kiểm tra";
      t.speech = received_said + ", chờ kiểm tra";
      return t;
    case Outcome::outgoing:
    case Outcome::duplicate:
    case Outcome::conflict:
    case Outcome::probable_duplicate:
      break;
  }
  t.display = received;
  t.speech = received_said;
  return t;
}

boost::json::object event_json(const ledger::OutboxEvent& e, bool replayed) {
  boost::json::object o;
  o["type"] = "credit";
  o["seq"] = e.seq;
  o["stall_id"] = e.stall.value;
  o["kind"] = e.kind == ledger::EventKind::resolution ? "resolution" : "credit";
  o["credit_id"] = to_string_id(e.credit_id.value);
  o["outcome"] = ledger::to_string(e.outcome);
  o["direction"] = to_string(e.direction);
  o["amount_vnd"] = e.amount.vnd();
  if (e.order.valid())
    o["order_id"] = to_string_id(e.order.value);
  else
    o["order_id"] = nullptr;
  if (!e.reference.empty())
    o["order_reference"] = e.reference;
  else
    o["order_reference"] = nullptr;
  o["order_amount_vnd"] = e.order_amount.vnd();
  o["paid_vnd"] = e.paid_total.vnd();
  o["shortfall_vnd"] = e.shortfall.vnd();
  o["excess_vnd"] = e.excess.vnd();
  o["flags"] = flag_names(e.flags);
  o["description"] = e.description;
  o["occurred_at"] = format_rfc3339_utc(e.occurred_at_ms);
  o["received_at"] = format_rfc3339_utc(e.received_at_ms);
  auto text = event_text(e);
  o["display"] = text.display;
  o["speech"] = text.speech;
  o["replayed"] = replayed;
  return o;
}

std::string event_json_text(const ledger::OutboxEvent& e, bool replayed) {
  return boost::json::serialize(event_json(e, replayed));
}

}  // namespace cho4::server
