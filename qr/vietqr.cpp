#include "qr/vietqr.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstring>

#include "core/vn_text.h"
#include "qr/crc16.h"

namespace cho4::qr {
namespace {

constexpr std::string_view kVietQrGuid = "A000000727";
constexpr std::string_view kVnpayGuid = "A000000775";
constexpr std::string_view kServiceAccount = "QRIBFTTA";
constexpr std::string_view kServiceCard = "QRIBFTTC";

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), is_digit);
}
bool is_alnum(char c) {
  return is_digit(c) || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}
bool is_printable_ascii(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= 0x20 && c <= 0x7E; });
}

// Ids whose values the encoder builds itself; extra_fields may not use them.
bool is_managed_root_id(std::string_view id) {
  static constexpr std::array<std::string_view, 10> kManaged = {"00", "01", "38", "53", "54",
                                                                "58", "59", "60", "62", "63"};
  return std::find(kManaged.begin(), kManaged.end(), id) != kManaged.end();
}

// EMVCo templates: merchant account information (26–51), additional data (62), alternate
// language (64) and unreserved templates (80–99).
bool is_template_id(std::string_view id) {
  const int n = (id[0] - '0') * 10 + (id[1] - '0');
  return (n >= 26 && n <= 51) || n == 62 || n == 64 || n >= 80;
}

// ---------------------------------------------------------------- encoding

// Appends "id" + 2-digit length + value; `chars` is the value's length in characters.
void append_tlv(std::string& out, std::string_view id, std::string_view value, std::size_t chars) {
  out.append(id);
  out.push_back(static_cast<char>('0' + chars / 10));
  out.push_back(static_cast<char>('0' + chars % 10));
  out.append(value);
}
void append_tlv(std::string& out, std::string_view id, std::string_view value) {
  append_tlv(out, id, value, value.size());
}

EncodeError encode_error(EncodeErrorKind kind, std::string field, std::string detail) {
  return EncodeError{kind, std::move(field), std::move(detail)};
}

// Makes a text field safe for bank apps: folded when asked, else refused when not ASCII.
Result<std::string, EncodeError> prepare_text(std::string_view value, const char* field,
                                              std::size_t max_chars, const EncodeOptions& o) {
  if (!is_valid_utf8(value))
    return Err(encode_error(EncodeErrorKind::invalid_utf8, field, "text is not valid UTF-8"));
  std::string text;
  if (o.fold_text) {
    text = fold_to_qr_text(value);
  } else if (!is_printable_ascii(value)) {
    return Err(encode_error(EncodeErrorKind::non_ascii_text, field,
                            "only printable ASCII is allowed (enable folding for Vietnamese)"));
  } else {
    text.assign(value);
  }
  if (text.size() > max_chars)
    return Err(encode_error(
        EncodeErrorKind::field_too_long, field,
        std::to_string(text.size()) + " characters, at most " + std::to_string(max_chars)));
  return text;
}

std::size_t write_decimal(char* buf, std::int64_t v) {
  char tmp[20];
  std::size_t n = 0;
  do {
    tmp[n++] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v > 0);
  for (std::size_t i = 0; i < n; ++i) buf[i] = tmp[n - 1 - i];
  return n;
}

}  // namespace

std::string EncodeError::message() const {
  std::string m = "field " + field + ": " + detail;
  return m;
}

Result<std::string, EncodeError> encode(const Payload& payload, const EncodeOptions& options) {
  std::string out;
  CHO4_ASSIGN_OR_RETURN([[maybe_unused]] std::size_t n, encode_into(payload, out, options));
  return out;
}

Result<std::size_t, EncodeError> encode_into(const Payload& p, std::string& out,
                                             const EncodeOptions& options) {
  if (p.bank_bin.size() != 6 || !all_digits(p.bank_bin))
    return Err(encode_error(EncodeErrorKind::bad_bin, "38.01.00", "the bank BIN must be 6 digits"));
  if (p.account.empty() || p.account.size() > kAccountMaxChars ||
      !std::all_of(p.account.begin(), p.account.end(), is_alnum))
    return Err(encode_error(EncodeErrorKind::bad_account, "38.01.01",
                            "the account must be 1 to 19 letters or digits"));
  if (p.amount && (*p.amount < kQrAmountMin || *p.amount > kQrAmountMax))
    return Err(encode_error(EncodeErrorKind::amount_out_of_range, "54",
                            "the amount must be 1 to 499,999,999 dong"));

  // Text fields; the common case (all empty) costs nothing.
  std::string purpose, bill, reference, name, city;
  if (!p.purpose.empty()) {
    CHO4_ASSIGN_OR_RETURN(purpose,
                          prepare_text(p.purpose, "62.08", kAdditionalFieldMaxChars, options));
  }
  if (!p.bill_number.empty()) {
    CHO4_ASSIGN_OR_RETURN(bill,
                          prepare_text(p.bill_number, "62.01", kAdditionalFieldMaxChars, options));
  }
  if (!p.reference_label.empty()) {
    CHO4_ASSIGN_OR_RETURN(
        reference, prepare_text(p.reference_label, "62.05", kAdditionalFieldMaxChars, options));
  }
  if (!p.merchant_name.empty()) {
    CHO4_ASSIGN_OR_RETURN(name,
                          prepare_text(p.merchant_name, "59", kMerchantNameMaxChars, options));
  }
  if (!p.merchant_city.empty()) {
    CHO4_ASSIGN_OR_RETURN(city,
                          prepare_text(p.merchant_city, "60", kMerchantCityMaxChars, options));
  }
  const std::size_t additional_chars = (bill.empty() ? 0 : 4 + bill.size()) +
                                       (reference.empty() ? 0 : 4 + reference.size()) +
                                       (purpose.empty() ? 0 : 4 + purpose.size());
  // Three sub-fields of at most 25 characters always fit template 62's 99.
  static_assert(3 * (4 + kAdditionalFieldMaxChars) <= kTemplateMaxChars);

  // Extra root fields, validated and sorted by id so the output stays in ascending order.
  std::array<const std::pair<std::string, std::string>*, 16> extras{};
  std::size_t extra_count = 0;
  for (const auto& f : p.extra_fields) {
    if (f.first.size() != 2 || !all_digits(f.first) || is_managed_root_id(f.first))
      return Err(encode_error(EncodeErrorKind::bad_extra_field, f.first,
                              "extra fields need a 2-digit id not used by VietQR itself"));
    const auto chars = utf8_length(f.second);
    if (!chars) return Err(encode_error(EncodeErrorKind::invalid_utf8, f.first, "not valid UTF-8"));
    if (*chars > kTemplateMaxChars)
      return Err(encode_error(EncodeErrorKind::field_too_long, f.first, "over 99 characters"));
    if (extra_count == extras.size())
      return Err(encode_error(EncodeErrorKind::bad_extra_field, f.first, "too many extra fields"));
    extras[extra_count++] = &f;
  }
  std::sort(extras.begin(), extras.begin() + extra_count,
            [](auto* a, auto* b) { return a->first < b->first; });
  std::size_t next_extra = 0;
  const auto emit_extras_below = [&](std::string_view id) {
    while (next_extra < extra_count && extras[next_extra]->first < id) {
      const auto& f = *extras[next_extra++];
      append_tlv(out, f.first, f.second, *utf8_length(f.second));
    }
  };

  out.clear();
  out.reserve(96 + p.account.size() + additional_chars + name.size() + city.size());
  out.append("000201");
  out.append(p.amount ? "010212" : "010211");
  emit_extras_below("38");
  // 38: GUID, beneficiary organisation (BIN + account), service code.
  const std::size_t beneficiary_chars = 10 + 4 + p.account.size();
  const std::size_t t38_chars = 14 + 4 + beneficiary_chars + 12;
  out.append("38");
  out.push_back(static_cast<char>('0' + t38_chars / 10));
  out.push_back(static_cast<char>('0' + t38_chars % 10));
  out.append("0010A000000727");
  out.append("01");
  out.push_back(static_cast<char>('0' + beneficiary_chars / 10));
  out.push_back(static_cast<char>('0' + beneficiary_chars % 10));
  out.append("0006");
  out.append(p.bank_bin);
  append_tlv(out, "01", p.account);
  append_tlv(out, "02", p.service == ServiceCode::to_card ? kServiceCard : kServiceAccount);
  emit_extras_below("53");
  out.append("5303704");
  if (p.amount) {
    char digits[20];
    const std::size_t n = write_decimal(digits, p.amount->vnd());
    append_tlv(out, "54", std::string_view(digits, n));
  }
  emit_extras_below("58");
  out.append("5802VN");
  if (!name.empty()) append_tlv(out, "59", name);
  if (!city.empty()) append_tlv(out, "60", city);
  emit_extras_below("62");
  if (additional_chars > 0) {
    out.append("62");
    out.push_back(static_cast<char>('0' + additional_chars / 10));
    out.push_back(static_cast<char>('0' + additional_chars % 10));
    if (!bill.empty()) append_tlv(out, "01", bill);
    if (!reference.empty()) append_tlv(out, "05", reference);
    if (!purpose.empty()) append_tlv(out, "08", purpose);
  }
  emit_extras_below("63");
  emit_extras_below(":");  // anything above 63 (64, 80–99): ':' sorts after every digit
  out.append("6304");
  char crc[4];
  format_crc(crc16_ccitt_false(out), crc);
  out.append(crc, 4);
  return out.size();
}

// ---------------------------------------------------------------- decoding

std::string_view to_string(Scheme s) {
  switch (s) {
    case Scheme::vietqr:
      return "vietqr";
    case Scheme::vnpay:
      return "vnpay";
    case Scheme::other_emvco:
      return "other_emvco";
  }
  return "unknown";
}

std::string_view to_string(DecodeErrorKind k) {
  switch (k) {
    case DecodeErrorKind::empty:
      return "empty";
    case DecodeErrorKind::truncated_header:
      return "truncated_header";
    case DecodeErrorKind::bad_header:
      return "bad_header";
    case DecodeErrorKind::length_overrun:
      return "length_overrun";
    case DecodeErrorKind::invalid_utf8:
      return "invalid_utf8";
    case DecodeErrorKind::bad_format_indicator:
      return "bad_format_indicator";
    case DecodeErrorKind::missing_crc:
      return "missing_crc";
    case DecodeErrorKind::crc_not_last:
      return "crc_not_last";
    case DecodeErrorKind::bad_crc_format:
      return "bad_crc_format";
    case DecodeErrorKind::bad_crc:
      return "bad_crc";
    case DecodeErrorKind::missing_field:
      return "missing_field";
    case DecodeErrorKind::bad_field_value:
      return "bad_field_value";
    case DecodeErrorKind::duplicate_field:
      return "duplicate_field";
  }
  return "unknown";
}

std::string DecodeError::message() const {
  std::string m;
  switch (kind) {
    case DecodeErrorKind::bad_crc: {
      char e[5] = {}, f[5] = {};
      format_crc(crc_expected, e);
      format_crc(crc_found, f);
      m = std::string("bad CRC: expected ") + e + ", found " + f;
      break;
    }
    case DecodeErrorKind::length_overrun:
    case DecodeErrorKind::truncated_header:
    case DecodeErrorKind::bad_header:
      m = "TLV length error: " + detail;
      break;
    default:
      m = std::string(to_string(kind)) + ": " + detail;
      break;
  }
  if (!field.empty()) {
    m += " (field " + field + " at offset " + std::to_string(offset) + ")";
  } else {
    m += " (at offset " + std::to_string(offset) + ")";
  }
  return m;
}

namespace {

DecodeError decode_error(DecodeErrorKind kind, std::size_t offset, std::string field,
                         std::string detail) {
  DecodeError e{kind, offset, std::move(field), std::move(detail)};
  return e;
}

std::string child_path(std::string_view parent, std::string_view id) {
  if (parent.empty()) return std::string(id);
  std::string p(parent);
  p += '.';
  p += id;
  return p;
}

// Parses one level of TLV data objects. `char_base` is the character offset of data[0] in the
// whole payload. Lengths count characters, so a value is walked code point by code point.
Result<std::vector<Field>, DecodeError> parse_level(std::string_view data, std::size_t char_base,
                                                    std::string_view parent) {
  std::vector<Field> fields;
  std::size_t pos = 0, cpos = char_base;
  while (pos < data.size()) {
    if (data.size() - pos < 4)
      return Err(decode_error(DecodeErrorKind::truncated_header, cpos, std::string(parent),
                              std::to_string(data.size() - pos) +
                                  " character(s) left where an id and a length must start; the "
                                  "lengths do not add up"));
    const std::string_view id = data.substr(pos, 2);
    const std::string_view len_text = data.substr(pos + 2, 2);
    if (!is_digit(id[0]) || !is_digit(id[1]) || !is_digit(len_text[0]) || !is_digit(len_text[1]))
      return Err(decode_error(DecodeErrorKind::bad_header, cpos, std::string(parent),
                              "id and length must be two digits each, found '" +
                                  std::string(data.substr(pos, 4)) + "'"));
    const std::size_t len =
        static_cast<std::size_t>((len_text[0] - '0') * 10 + (len_text[1] - '0'));
    const std::size_t field_cpos = cpos;
    std::size_t vpos = pos + 4;
    const std::size_t value_start = vpos;
    std::size_t chars = 0;
    while (chars < len && vpos < data.size()) {
      const unsigned char b = static_cast<unsigned char>(data[vpos]);
      if (b < 0x80) {
        ++vpos;
      } else if (!next_code_point(data, vpos)) {
        return Err(decode_error(DecodeErrorKind::invalid_utf8, cpos + 4 + chars,
                                child_path(parent, id), "the value is not valid UTF-8"));
      }
      ++chars;
    }
    if (chars < len)
      return Err(decode_error(DecodeErrorKind::length_overrun, field_cpos, child_path(parent, id),
                              "declares " + std::to_string(len) + " characters but only " +
                                  std::to_string(chars) + " remain"));
    for (const Field& f : fields) {
      if (f.id == id)
        return Err(decode_error(DecodeErrorKind::duplicate_field, field_cpos,
                                child_path(parent, id), "the id appears twice"));
    }
    Field f;
    f.id.assign(id);
    f.value.assign(data.substr(value_start, vpos - value_start));
    f.offset = field_cpos;
    fields.push_back(std::move(f));
    pos = vpos;
    cpos += 4 + len;
  }
  return fields;
}

const Field* find(const std::vector<Field>& fields, std::string_view id) {
  for (const Field& f : fields)
    if (f.id == id) return &f;
  return nullptr;
}
Field* find_mutable(std::vector<Field>& fields, std::string_view id) {
  for (Field& f : fields)
    if (f.id == id) return &f;
  return nullptr;
}

// Parses a template's sub-fields into f.children; strict templates report errors, others keep
// their raw value only.
Result<bool, DecodeError> parse_children(Field& f, std::string_view path, bool strict) {
  auto children = parse_level(f.value, f.offset + 4, path);
  if (!children.ok()) {
    if (strict) return Err(std::move(children).error());
    return false;
  }
  f.children = std::move(children).value();
  return true;
}

DecodeError missing(std::string field, std::size_t offset, std::string what) {
  return decode_error(DecodeErrorKind::missing_field, offset, std::move(field),
                      "mandatory " + std::move(what) + " is missing");
}
DecodeError bad_value(const Field& f, std::string path, std::string detail) {
  return decode_error(DecodeErrorKind::bad_field_value, f.offset, std::move(path),
                      std::move(detail));
}

Result<Money, DecodeError> parse_amount(const Field& f) {
  const std::string_view v = f.value;
  if (v.empty() || v.size() > 13)
    return Err(bad_value(f, "54", "the amount must be 1 to 13 characters"));
  std::size_t dots = 0;
  for (char c : v) {
    if (c == '.') {
      ++dots;
    } else if (!is_digit(c)) {
      return Err(bad_value(f, "54", "the amount may hold only digits and one '.'"));
    }
  }
  if (dots > 1) return Err(bad_value(f, "54", "the amount has more than one '.'"));
  auto money = parse_money(v);
  if (!money.ok()) return Err(bad_value(f, "54", "the amount has a fraction of a dong"));
  if (!money->positive()) return Err(bad_value(f, "54", "the amount must not be zero"));
  return *money;
}

}  // namespace

Result<Decoded, DecodeError> decode(std::string_view text) {
  if (text.empty()) return Err(decode_error(DecodeErrorKind::empty, 0, "", "the payload is empty"));
  CHO4_ASSIGN_OR_RETURN(std::vector<Field> fields, parse_level(text, 0, ""));

  // 00 first, "01".
  if (fields.front().id != "00")
    return Err(decode_error(DecodeErrorKind::bad_format_indicator, 0, "00",
                            "the payload must start with field 00"));
  if (fields.front().value != "01")
    return Err(
        decode_error(DecodeErrorKind::bad_format_indicator, 0, "00",
                     "payload format indicator must be 01, found '" + fields.front().value + "'"));

  // 63 last, 4 hex digits, matching the CRC of everything before its value.
  const Field* crc_field = find(fields, "63");
  if (!crc_field)
    return Err(decode_error(DecodeErrorKind::missing_crc, text.size(), "63", "no CRC field"));
  if (crc_field != &fields.back())
    return Err(decode_error(DecodeErrorKind::crc_not_last, crc_field->offset, "63",
                            "field 63 must be the last field"));
  if (crc_field->value.size() != 4 ||
      !std::all_of(crc_field->value.begin(), crc_field->value.end(),
                   [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; }))
    return Err(decode_error(DecodeErrorKind::bad_crc_format, crc_field->offset, "63",
                            "the CRC must be 4 hex digits"));
  const std::size_t crc_bytes_end = text.size() - 4;  // 63 is last, with 4 ASCII characters
  const std::uint16_t expected = crc16_ccitt_false(text.substr(0, crc_bytes_end));
  const std::uint16_t found = static_cast<std::uint16_t>(std::stoul(crc_field->value, nullptr, 16));
  if (expected != found) {
    DecodeError e = decode_error(DecodeErrorKind::bad_crc, crc_field->offset, "63", "");
    e.crc_expected = expected;
    e.crc_found = found;
    return Err(std::move(e));
  }

  // Templates. 38 (VietQR), 26 (VNPAY) and 62 are parsed strictly; others are kept raw if they are
  // not TLV.
  for (Field& f : fields) {
    if (!is_template_id(f.id)) continue;
    const bool strict = f.id == "38" || f.id == "62";
    CHO4_ASSIGN_OR_RETURN([[maybe_unused]] bool parsed, parse_children(f, f.id, strict));
  }

  Decoded d;
  d.crc_text = crc_field->value;
  const Field* poi = find(fields, "01");
  if (!poi) return Err(missing("01", 0, "point of initiation (01)"));
  if (poi->value == "11") {
    d.poi = PointOfInitiation::static_code;
  } else if (poi->value == "12") {
    d.poi = PointOfInitiation::dynamic_code;
  } else {
    return Err(
        bad_value(*poi, "01", "point of initiation must be 11 or 12, found '" + poi->value + "'"));
  }
  const Field* currency = find(fields, "53");
  if (!currency) return Err(missing("53", text.size(), "currency (53)"));
  if (currency->value.size() != 3 || !all_digits(currency->value))
    return Err(bad_value(*currency, "53", "currency must be 3 digits"));
  d.currency = currency->value;
  const Field* country = find(fields, "58");
  if (!country) return Err(missing("58", text.size(), "country (58)"));
  if (country->value.size() != 2)
    return Err(bad_value(*country, "58", "country must be 2 letters"));
  d.country = country->value;

  const Field* t38 = find(fields, "38");
  const Field* t26 = find(fields, "26");
  const Field* guid38 = t38 ? find(t38->children, "00") : nullptr;
  const Field* guid26 = t26 ? find(t26->children, "00") : nullptr;
  if (guid38 && guid38->value == kVietQrGuid) {
    d.scheme = Scheme::vietqr;
  } else if (guid26 && guid26->value == kVnpayGuid) {
    d.scheme = Scheme::vnpay;
    if (const Field* mid = find(t26->children, "01")) d.merchant_id = mid->value;
  } else {
    d.scheme = Scheme::other_emvco;
  }

  if (d.scheme == Scheme::vietqr) {
    if (d.currency != "704")
      return Err(bad_value(*currency, "53", "VietQR currency must be 704 (VND)"));
    Payload p;
    Field* beneficiary = find_mutable(find_mutable(fields, "38")->children, "01");
    if (!beneficiary) return Err(missing("38.01", t38->offset, "beneficiary organisation (38.01)"));
    CHO4_ASSIGN_OR_RETURN([[maybe_unused]] bool ok, parse_children(*beneficiary, "38.01", true));
    const Field* bin = find(beneficiary->children, "00");
    const Field* account = find(beneficiary->children, "01");
    if (!bin) return Err(missing("38.01.00", beneficiary->offset, "acquirer BIN (38.01.00)"));
    if (!account) return Err(missing("38.01.01", beneficiary->offset, "account number (38.01.01)"));
    if (bin->value.size() != 6 || !all_digits(bin->value))
      return Err(bad_value(*bin, "38.01.00", "the acquirer BIN must be 6 digits"));
    if (account->value.empty() || account->value.size() > kAccountMaxChars)
      return Err(bad_value(*account, "38.01.01", "the account must be 1 to 19 characters"));
    p.bank_bin = bin->value;
    p.account = account->value;
    const Field* service = find(t38->children, "02");
    if (!service) return Err(missing("38.02", t38->offset, "service code (38.02)"));
    if (service->value == kServiceAccount) {
      p.service = ServiceCode::to_account;
    } else if (service->value == kServiceCard) {
      p.service = ServiceCode::to_card;
    } else {
      return Err(bad_value(*service, "38.02", "service code must be QRIBFTTA or QRIBFTTC"));
    }
    if (const Field* amount = find(fields, "54")) {
      CHO4_ASSIGN_OR_RETURN(Money m, parse_amount(*amount));
      p.amount = m;
    }
    if (const Field* f = find(fields, "59")) p.merchant_name = f->value;
    if (const Field* f = find(fields, "60")) p.merchant_city = f->value;
    if (const Field* t62 = find(fields, "62")) {
      if (const Field* f = find(t62->children, "01")) p.bill_number = f->value;
      if (const Field* f = find(t62->children, "05")) p.reference_label = f->value;
      if (const Field* f = find(t62->children, "08")) p.purpose = f->value;
    }
    for (const Field& f : fields)
      if (!is_managed_root_id(f.id)) p.extra_fields.emplace_back(f.id, f.value);
    std::stable_sort(p.extra_fields.begin(), p.extra_fields.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    d.vietqr = std::move(p);
  } else if (const Field* amount = find(fields, "54")) {
    CHO4_ASSIGN_OR_RETURN([[maybe_unused]] Money m, parse_amount(*amount));
  }
  d.fields = std::move(fields);
  return d;
}

}  // namespace cho4::qr
