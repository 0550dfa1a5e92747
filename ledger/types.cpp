#include "ledger/types.h"

#include <array>

namespace cho4::ledger {
namespace {

struct OutcomeName {
  Outcome outcome;
  std::string_view name;
};
constexpr std::array<OutcomeName, 11> kOutcomeNames = {{
    {Outcome::paid, "paid"},
    {Outcome::underpaid, "underpaid"},
    {Outcome::overpaid, "overpaid"},
    {Outcome::paid_again, "paid_again"},
    {Outcome::late, "late"},
    {Outcome::static_qr, "static"},
    {Outcome::suspense, "suspense"},
    {Outcome::outgoing, "outgoing"},
    {Outcome::duplicate, "duplicate"},
    {Outcome::conflict, "conflict"},
    {Outcome::probable_duplicate, "probable_duplicate"},
}};

}  // namespace

std::string_view to_string(Outcome o) {
  for (const auto& n : kOutcomeNames)
    if (n.outcome == o) return n.name;
  return "unknown";
}

std::optional<Outcome> outcome_from_string(std::string_view s) {
  for (const auto& n : kOutcomeNames)
    if (n.name == s) return n.outcome;
  return std::nullopt;
}

bool outcome_posts(Outcome o) {
  return o != Outcome::duplicate && o != Outcome::conflict && o != Outcome::probable_duplicate;
}

std::string bank_account_name(std::string_view bank, std::string_view account) {
  std::string s = "bank:";
  s.append(bank).append(":").append(account);
  return s;
}
std::string stall_received_account(StallId s) {
  return "stall:" + to_string_id(s.value) + ":received";
}
std::string stall_excess_account(StallId s) {
  return "stall:" + to_string_id(s.value) + ":excess";
}
std::string stall_paid_out_account(StallId s) {
  return "stall:" + to_string_id(s.value) + ":paid_out";
}

std::string_view to_string(OrderStatus s) {
  switch (s) {
    case OrderStatus::open:
      return "open";
    case OrderStatus::paid:
      return "paid";
    case OrderStatus::expired:
      return "expired";
    case OrderStatus::cancelled:
      return "cancelled";
  }
  return "unknown";
}

OrderStatus Order::status_at(UnixMs now_ms) const {
  if (cancelled_at_ms != 0) return OrderStatus::cancelled;
  if (paid_total >= amount) return OrderStatus::paid;
  if (now_ms >= expires_at_ms) return OrderStatus::expired;
  return OrderStatus::open;
}

}  // namespace cho4::ledger
