// The transfer description a bank delivers for a payment: the customer's memo (after the order's
// reference code, which the QR's 62.08 puts first), rewritten the way Vietnamese banks and
// aggregators do (webhooks.md, "What banks do to the description"). Pure functions.
#pragma once

#include <string>
#include <string_view>

#include "core/clock.h"
#include "simulators/model.h"

namespace cho4::sim {

struct DescriptionInput {
  std::string_view reference;  // the order's reference code, "" for static payments
  std::string_view memo;       // what the customer typed (UTF-8, may be "")
  DescriptionStyle style = DescriptionStyle::plain;
  const Customer* payer = nullptr;  // whose name and account the wrapper prints
  const BankModel* payer_bank = nullptr;
  std::string_view payee_account;
  std::string_view payee_name;       // bank-printed holder name
  std::string_view payee_bank_code;  // "VCB"
  std::string_view trace;            // the bank's trace / reference digits
  UnixMs occurred_at_ms = 0;
};

// The description as the webhook will carry it. The reference code, when present, always
// survives (banks truncate from the end and the code comes first).
std::string make_description(const DescriptionInput& in);

}  // namespace cho4::sim
