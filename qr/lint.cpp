#include "qr/lint.h"

#include <algorithm>

#include "core/vn_text.h"
#include "qr/banks.h"
#include "qr/vietqr.h"

namespace cho4::qr {
namespace {

// Several bank apps cut the transfer description at 19 characters; one aggregator at 9 when the
// account is not linked with it.
constexpr std::size_t kMemoSafeChars = 19;
constexpr std::size_t kMemoStrictChars = 9;

const Field* find(const std::vector<Field>& fields, std::string_view id) {
  for (const Field& f : fields)
    if (f.id == id) return &f;
  return nullptr;
}

bool is_ascii(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

class Linter {
 public:
  void add(Severity s, std::string code, std::string field, std::string message) {
    findings_.push_back({s, std::move(code), std::move(field), std::move(message)});
  }
  std::vector<Finding> take() {
    std::stable_sort(findings_.begin(), findings_.end(),
                     [](const Finding& a, const Finding& b) { return a.severity < b.severity; });
    return std::move(findings_);
  }

 private:
  std::vector<Finding> findings_;
};

void lint_ascii_field(Linter& l, const Field* f, const std::string& path, std::size_t max_chars) {
  if (!f) return;
  if (!is_ascii(f->value))
    l.add(Severity::error, "non_ascii_text", path,
          "field " + path + " has non-ASCII characters (" + f->value +
              "); many bank apps refuse or garble it: fold it to \"" + fold_to_qr_text(f->value) +
              "\"");
  const std::size_t chars = utf8_length(f->value).value_or(f->value.size());
  if (chars > max_chars)
    l.add(Severity::warning, "field_too_long", path,
          "field " + path + " has " + std::to_string(chars) + " characters, at most " +
              std::to_string(max_chars));
}

}  // namespace

std::string_view to_string(Severity s) {
  switch (s) {
    case Severity::error:
      return "error";
    case Severity::warning:
      return "warning";
    case Severity::info:
      return "info";
  }
  return "unknown";
}

bool has_errors(const std::vector<Finding>& findings) {
  return std::any_of(findings.begin(), findings.end(),
                     [](const Finding& f) { return f.severity == Severity::error; });
}

std::vector<Finding> lint(std::string_view text) {
  Linter l;
  auto decoded = decode(text);
  if (!decoded.ok()) {
    const DecodeError& e = decoded.error();
    l.add(Severity::error, std::string(to_string(e.kind)), e.field, e.message());
    return l.take();
  }
  const Decoded& d = *decoded;
  if (d.scheme == Scheme::vnpay) {
    l.add(Severity::info, "vnpay_qr", "26",
          "this is a VNPAY-QR merchant code (merchant " + d.merchant_id +
              "), not a VietQR bank transfer: only VNPAY-enabled apps pay it");
  } else if (d.scheme == Scheme::other_emvco) {
    l.add(Severity::warning, "not_vietqr", "",
          "a valid EMVCo code, but not a VietQR bank transfer (no template 38 with A000000727)");
  }

  const Field* amount = find(d.fields, "54");
  if (amount) {
    const auto money = parse_money(amount->value);
    if (money.ok() && *money >= Money::vnd(500'000'000))
      l.add(Severity::error, "amount_too_large", "54",
            "the amount is 500,000,000 dong or more: one NAPAS 247 transfer must be less");
    if (amount->value.find('.') != std::string::npos)
      l.add(Severity::warning, "amount_has_decimals", "54",
            "VND has no decimals: write the amount as a plain integer");
    if (amount->value.size() > 1 && amount->value[0] == '0')
      l.add(Severity::warning, "amount_leading_zero", "54", "the amount has leading zeros");
    if (d.poi == PointOfInitiation::static_code)
      l.add(Severity::warning, "poi_static_with_amount", "01",
            "point of initiation 11 (static) carries an amount: some apps ignore the amount or "
            "refuse the code; use 12 for a code with an amount");
  } else if (d.poi == PointOfInitiation::dynamic_code) {
    l.add(Severity::warning, "poi_dynamic_without_amount", "01",
          "point of initiation 12 (dynamic) without an amount: the payer must type it");
  }

  lint_ascii_field(l, find(d.fields, "59"), "59", kMerchantNameMaxChars);
  lint_ascii_field(l, find(d.fields, "60"), "60", kMerchantCityMaxChars);
  if (const Field* t62 = find(d.fields, "62")) {
    for (const Field& c : t62->children)
      lint_ascii_field(l, &c, "62." + c.id, kAdditionalFieldMaxChars);
    const Field* purpose = find(t62->children, "08");
    const Field* bill = find(t62->children, "01");
    if (bill && (!purpose || purpose->value.empty()))
      l.add(Severity::warning, "memo_in_bill_not_purpose", "62.01",
            "the memo is in 62.01 (bill number) but not in 62.08 (purpose): bank apps pre-fill "
            "the transfer description from 62.08, so it will be empty");
    if (purpose) {
      const std::size_t chars = utf8_length(purpose->value).value_or(purpose->value.size());
      if (purpose->value.empty())
        l.add(Severity::info, "empty_purpose", "62.08", "62.08 is present but empty");
      else if (purpose->value == "***")
        l.add(Severity::info, "purpose_payer_entered", "62.08", "the payer types the description");
      else if (chars > kMemoSafeChars)
        l.add(Severity::warning, "memo_too_long", "62.08",
              "the description has " + std::to_string(chars) +
                  " characters: several bank apps cut it at 19, so put the reference first");
      else if (chars > kMemoStrictChars)
        l.add(Severity::info, "memo_over_9", "62.08",
              "one aggregator keeps only 9 characters when the account is not linked with it");
    }
  }

  if (d.vietqr) {
    if (!find_bank(d.vietqr->bank_bin))
      l.add(Severity::warning, "unknown_bin", "38.01.00",
            "BIN " + d.vietqr->bank_bin + " is not a known NAPAS member bank");
    if (d.country != "VN")
      l.add(Severity::warning, "country_not_vn", "58", "country is '" + d.country + "', not VN");
  }
  if (std::any_of(d.crc_text.begin(), d.crc_text.end(),
                  [](char c) { return c >= 'a' && c <= 'f'; }))
    l.add(Severity::info, "crc_lower_case", "63",
          "the CRC is in lower case: accepted, but the standard writes upper case");
  // Field order: EMVCo lets fields come in any order, but some scanners expect ascending ids.
  for (std::size_t i = 2; i + 1 < d.fields.size(); ++i) {
    if (d.fields[i].id < d.fields[i - 1].id) {
      l.add(Severity::info, "fields_not_ascending", d.fields[i].id,
            "fields are not in ascending id order (valid, but unusual)");
      break;
    }
  }
  return l.take();
}

}  // namespace cho4::qr
