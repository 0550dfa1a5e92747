#include "qr/signage/stall.h"

#include <cctype>

#include "core/vn_text.h"
#include "qr/banks.h"
#include "qr/signage/vn_compose.h"
#include "qr/vietqr.h"

namespace cho4::signage {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

RowError row_error(std::size_t line, std::string_view f, std::string message) {
  return RowError{line, std::string(f), std::move(message)};
}

// Reads one text field: valid UTF-8, no control characters, within max_chars code points.
// An absent field reads as empty.
Result<std::string, RowError> text_field(const RawFields& fields, std::string_view name,
                                         std::size_t line, std::size_t max_chars, bool required) {
  std::string_view raw;
  if (auto it = fields.find(name); it != fields.end()) raw = it->second;
  if (!is_valid_utf8(raw)) return Err(row_error(line, name, "not valid UTF-8"));
  const std::string_view value = trim(raw);
  for (unsigned char c : value) {
    if (c < 0x20 || c == 0x7F) return Err(row_error(line, name, "contains a control character"));
  }
  if (value.empty() && required) return Err(row_error(line, name, "missing"));
  // Composed, so that decomposed input prints as whole letters and counts as many characters.
  std::string composed = compose_vietnamese(value);
  const std::size_t chars = utf8_length(composed).value_or(0);
  if (chars > max_chars)
    return Err(row_error(line, name,
                         "too long (" + std::to_string(chars) + " characters, at most " +
                             std::to_string(max_chars) + ")"));
  return composed;
}

// "50000", "50.000" or "50,000" (thousands grouped by threes) → đồng.
Result<Money, RowError> amount_field(std::string_view text, std::size_t line) {
  std::string digits;
  std::size_t group = 0;
  bool grouped = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c >= '0' && c <= '9') {
      digits.push_back(c);
      ++group;
    } else if ((c == '.' || c == ',') && i > 0 && (grouped ? group == 3 : group <= 3)) {
      grouped = true;
      group = 0;
    } else {
      return Err(row_error(line, field::amount,
                           "'" + std::string(text) + "' is not a whole number of đồng"));
    }
  }
  if (grouped && group != 3)
    return Err(row_error(line, field::amount,
                         "'" + std::string(text) + "': thousands must be grouped by three digits"));
  auto money = parse_money(digits);
  if (!money.ok())
    return Err(row_error(line, field::amount,
                         "'" + std::string(text) + "' is not a whole number of đồng"));
  if (*money < kQrAmountMin || *money > kQrAmountMax)
    return Err(row_error(line, field::amount,
                         format_amount(*money, CurrencyMark::d) + " is outside " +
                             format_amount(kQrAmountMin, CurrencyMark::d) + " … " +
                             format_amount(kQrAmountMax, CurrencyMark::d)));
  return *money;
}

bool is_qr_text(std::string_view s) {
  for (unsigned char c : s) {
    if (!std::isalnum(c) && c != ' ') return false;
  }
  return true;
}

}  // namespace

std::string RowError::to_string(std::string_view file) const {
  std::string out(file);
  if (line != 0) out += ":" + std::to_string(line);
  out += ": ";
  if (!field.empty()) out += field + ": ";
  out += message;
  return out;
}

Result<Stall, RowError> stall_from_fields(const RawFields& fields, std::size_t line,
                                          std::string_view default_market) {
  Stall s;
  CHO4_ASSIGN_OR_RETURN(s.market,
                        text_field(fields, field::market, line, kMarketNameMaxChars, false));
  if (s.market.empty()) {
    if (default_market.empty()) return Err(row_error(line, field::market, "missing"));
    s.market = std::string(default_market);
  }
  CHO4_ASSIGN_OR_RETURN(s.stall_number,
                        text_field(fields, field::stall_number, line, kStallNumberMaxChars, true));
  CHO4_ASSIGN_OR_RETURN(s.stall_name,
                        text_field(fields, field::stall_name, line, kStallNameMaxChars, true));
  CHO4_ASSIGN_OR_RETURN(s.account_holder, text_field(fields, field::account_holder, line,
                                                     kAccountHolderMaxChars, true));

  CHO4_ASSIGN_OR_RETURN(const std::string bank, text_field(fields, field::bank, line, 64, true));
  const qr::Bank* b = qr::find_bank(bank);
  if (b == nullptr) return Err(row_error(line, field::bank, "unknown bank '" + bank + "'"));
  s.bank_bin = b->bin;
  s.bank_name = b->name;

  CHO4_ASSIGN_OR_RETURN(const std::string service,
                        text_field(fields, field::service, line, 16, false));
  if (service.empty() || service == "account" || service == "QRIBFTTA") {
    s.to_card = false;
  } else if (service == "card" || service == "QRIBFTTC") {
    s.to_card = true;
  } else {
    return Err(
        row_error(line, field::service, "'" + service + "' is neither 'account' nor 'card'"));
  }

  CHO4_ASSIGN_OR_RETURN(s.account,
                        text_field(fields, field::account, line, kAccountMaxChars, true));
  for (unsigned char c : s.account) {
    const bool ok = s.to_card ? std::isdigit(c) != 0 : std::isalnum(c) != 0;
    if (!ok)
      return Err(row_error(line, field::account,
                           s.to_card ? "a card number has only digits"
                                     : "an account number has only letters and digits"));
  }

  CHO4_ASSIGN_OR_RETURN(const std::string amount,
                        text_field(fields, field::amount, line, 20, false));
  if (!amount.empty()) {
    CHO4_ASSIGN_OR_RETURN(s.amount, amount_field(amount, line));
  }
  CHO4_ASSIGN_OR_RETURN(s.item, text_field(fields, field::item, line, kItemMaxChars, false));
  if (!s.item.empty() && !s.amount)
    return Err(row_error(line, field::item, "an item needs an amount (it is a price tag)"));

  CHO4_ASSIGN_OR_RETURN(s.code, text_field(fields, field::code, line, kPurposeMaxChars, false));
  if (!is_qr_text(s.code))
    return Err(
        row_error(line, field::code,
                  "only ASCII letters, digits and spaces can go in a VietQR purpose (62.08)"));
  if (s.code.empty() && s.amount) {
    // A price tag always says which stall was paid: the stall number, folded to what 62.08 holds.
    s.code = fold_to_qr_text(s.stall_number);
    if (s.code.size() > kPurposeMaxChars) s.code.resize(kPurposeMaxChars);
    if (s.code.empty())
      return Err(row_error(line, field::code,
                           "missing (a price tag needs a code, and the stall number has no "
                           "letters or digits to make one)"));
  }

  auto payload = stall_payload(s);
  if (!payload.ok()) return Err(row_error(line, field::account, payload.error().message()));
  return s;
}

Result<std::string> stall_payload(const Stall& stall) {
  qr::Payload p;
  p.bank_bin = stall.bank_bin;
  p.account = stall.account;
  p.service = stall.to_card ? qr::ServiceCode::to_card : qr::ServiceCode::to_account;
  p.amount = stall.amount;
  p.purpose = stall.code;
  auto text = qr::encode(p);
  if (!text.ok()) return invalid_argument(text.error().message());
  return std::move(text).value();
}

}  // namespace cho4::signage
