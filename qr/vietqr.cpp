#include "qr/vietqr.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <optional>

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

// One TLV data object as a view into the input. Decoding validates over these and builds the
// public Field tree (std::string copies) only once the whole payload has been accepted.
struct RawField {
  const char* head;     // the id's first byte; the value starts 4 bytes later
  std::size_t offset;   // character offset of the id
  std::uint32_t first;  // children: pool indexes [first, first + child_count)
  std::uint16_t size;   // value bytes (at most 99 characters of at most 4 bytes)
  std::uint8_t id;      // 0 … 99
  std::uint8_t child_count;

  std::string_view id_text() const { return {head, 2}; }
  std::string_view value() const { return {head + 4, size}; }
};

// Every decoded field of every level, flat. A level holds at most 100 fields (ids 00–99, a
// duplicate is refused) and every field takes at least 4 characters of its parent, so
// min(100, n/4) root fields + n/4 template children + 24 children of 38.01 (99 / 4) bound the
// count for an n-byte payload: the pool is sized once and never grows while views point into it.
class FieldPool {
 public:
  explicit FieldPool(std::size_t text_bytes) {
    const std::size_t quarter = text_bytes / 4;
    const std::size_t capacity = std::min<std::size_t>(100, quarter) + quarter + 24;
    if (capacity > kInline) {
      heap_.resize(capacity);
      data_ = heap_.data();
    }
  }
  FieldPool(const FieldPool&) = delete;
  FieldPool& operator=(const FieldPool&) = delete;

  std::uint32_t size() const { return size_; }
  void truncate(std::uint32_t n) { size_ = n; }
  RawField& operator[](std::uint32_t i) { return data_[i]; }
  const RawField& operator[](std::uint32_t i) const { return data_[i]; }
  void push(const RawField& f) { data_[size_++] = f; }

 private:
  static constexpr std::size_t kInline = 256;  // payloads up to ~460 bytes stay on the stack
  RawField inline_[kInline];                   // left uninitialised: written before read
  std::vector<RawField> heap_;
  RawField* data_ = inline_;
  std::uint32_t size_ = 0;
};

// True when data[0, n) is all ASCII, 8 bytes per step.
bool all_ascii(const char* data, std::size_t n) {
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    std::uint64_t w;
    std::memcpy(&w, data + i, 8);
    if (w & 0x8080808080808080ULL) return false;
  }
  for (; i < n; ++i)
    if (static_cast<unsigned char>(data[i]) >= 0x80) return false;
  return true;
}

// Parses one level of TLV data objects into the pool, setting parent's children when `parent`
// is given. `char_base` is the character offset of data[0] in the whole payload. Lengths count
// characters, so a non-ASCII value is walked code point by code point. On an error the pool is
// left as it was.
std::optional<DecodeError> parse_level(std::string_view data, std::size_t char_base,
                                       std::string_view path, FieldPool& pool, RawField* parent) {
  const std::uint32_t first = pool.size();
  std::uint64_t seen[2] = {0, 0};  // ids found at this level, bit per id
  std::size_t pos = 0, cpos = char_base;
  const auto fail = [&](DecodeError e) {
    pool.truncate(first);
    return std::optional<DecodeError>(std::move(e));
  };
  while (pos < data.size()) {
    if (data.size() - pos < 4)
      return fail(decode_error(DecodeErrorKind::truncated_header, cpos, std::string(path),
                               std::to_string(data.size() - pos) +
                                   " character(s) left where an id and a length must start; the "
                                   "lengths do not add up"));
    const char* head = data.data() + pos;
    if (!is_digit(head[0]) || !is_digit(head[1]) || !is_digit(head[2]) || !is_digit(head[3]))
      return fail(decode_error(DecodeErrorKind::bad_header, cpos, std::string(path),
                               "id and length must be two digits each, found '" +
                                   std::string(data.substr(pos, 4)) + "'"));
    const std::string_view id(head, 2);
    const unsigned id_number = static_cast<unsigned>((head[0] - '0') * 10 + (head[1] - '0'));
    const std::size_t len = static_cast<std::size_t>((head[2] - '0') * 10 + (head[3] - '0'));
    const std::size_t field_cpos = cpos;
    std::size_t vpos = pos + 4;
    if (len <= data.size() - vpos && all_ascii(data.data() + vpos, len)) {
      vpos += len;  // the common case: one byte per character
    } else {
      std::size_t chars = 0;
      while (chars < len && vpos < data.size()) {
        const unsigned char b = static_cast<unsigned char>(data[vpos]);
        if (b < 0x80) {
          ++vpos;
        } else if (!next_code_point(data, vpos)) {
          return fail(decode_error(DecodeErrorKind::invalid_utf8, cpos + 4 + chars,
                                   child_path(path, id), "the value is not valid UTF-8"));
        }
        ++chars;
      }
      if (chars < len)
        return fail(decode_error(DecodeErrorKind::length_overrun, field_cpos, child_path(path, id),
                                 "declares " + std::to_string(len) + " characters but only " +
                                     std::to_string(chars) + " remain"));
    }
    std::uint64_t& word = seen[id_number >> 6];
    const std::uint64_t bit = std::uint64_t{1} << (id_number & 63);
    if (word & bit)
      return fail(decode_error(DecodeErrorKind::duplicate_field, field_cpos, child_path(path, id),
                               "the id appears twice"));
    word |= bit;
    pool.push(RawField{head, field_cpos, 0, static_cast<std::uint16_t>(vpos - pos - 4),
                       static_cast<std::uint8_t>(id_number), 0});
    pos = vpos;
    cpos += 4 + len;
  }
  if (parent) {
    parent->first = first;
    parent->child_count = static_cast<std::uint8_t>(pool.size() - first);
  }
  return std::nullopt;
}

// Finds id among the n fields at pool[first].
const RawField* find(const FieldPool& pool, std::uint32_t first, std::uint32_t n, unsigned id) {
  for (std::uint32_t i = first; i < first + n; ++i)
    if (pool[i].id == id) return &pool[i];
  return nullptr;
}
const RawField* find_child(const FieldPool& pool, const RawField* parent, unsigned id) {
  return parent ? find(pool, parent->first, parent->child_count, id) : nullptr;
}

DecodeError missing(std::string field, std::size_t offset, std::string what) {
  return decode_error(DecodeErrorKind::missing_field, offset, std::move(field),
                      "mandatory " + std::move(what) + " is missing");
}
DecodeError bad_value(const RawField& f, std::string path, std::string detail) {
  return decode_error(DecodeErrorKind::bad_field_value, f.offset, std::move(path),
                      std::move(detail));
}

Result<Money, DecodeError> parse_amount(const RawField& f) {
  const std::string_view v = f.value();
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

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// Root ids the VietQR payload maps to its own members (see is_managed_root_id); all below 64.
constexpr std::uint64_t kManagedRootIds = (1ULL << 0) | (1ULL << 1) | (1ULL << 38) | (1ULL << 53) |
                                          (1ULL << 54) | (1ULL << 58) | (1ULL << 59) |
                                          (1ULL << 60) | (1ULL << 62) | (1ULL << 63);
bool is_managed_root_number(unsigned id) {
  return id < 64 && ((kManagedRootIds >> id) & 1) != 0;
}

// EMVCo templates: merchant account information (26–51), additional data (62), alternate
// language (64) and unreserved templates (80–99).
bool is_template_id(unsigned n) {
  return (n >= 26 && n <= 51) || n == 62 || n == 64 || n >= 80;
}

Field materialise(const FieldPool& pool, const RawField& raw) {
  Field out{std::string(raw.id_text()), std::string(raw.value()), raw.offset, {}};
  if (raw.child_count != 0) {
    out.children.reserve(raw.child_count);
    for (std::uint32_t i = 0; i < raw.child_count; ++i)
      out.children.push_back(materialise(pool, pool[raw.first + i]));
  }
  return out;
}

// What validation found; turned into the public Decoded once everything has been accepted.
struct Accepted {
  Scheme scheme = Scheme::other_emvco;
  PointOfInitiation poi = PointOfInitiation::static_code;
  std::uint32_t root_count = 0;
  const RawField* crc = nullptr;
  const RawField* currency = nullptr;
  const RawField* country = nullptr;
  const RawField* merchant_id = nullptr;  // VNPAY 26.01
  // VietQR only.
  const RawField* bin = nullptr;
  const RawField* account = nullptr;
  ServiceCode service = ServiceCode::to_account;
  std::optional<Money> amount;
  const RawField* name = nullptr;
  const RawField* city = nullptr;
  const RawField* bill = nullptr;
  const RawField* reference = nullptr;
  const RawField* purpose = nullptr;
};

Result<Decoded, DecodeError> build(const FieldPool& pool, const Accepted& a) {
  Result<Decoded, DecodeError> result{Decoded{}};
  Decoded& d = *result;
  d.scheme = a.scheme;
  d.poi = a.poi;
  d.currency.assign(a.currency->value());
  d.country.assign(a.country->value());
  d.crc_text.assign(a.crc->value());
  if (a.merchant_id) d.merchant_id.assign(a.merchant_id->value());
  if (a.scheme == Scheme::vietqr) {
    Payload& p = d.vietqr.emplace();
    p.bank_bin.assign(a.bin->value());
    p.account.assign(a.account->value());
    p.service = a.service;
    p.amount = a.amount;
    if (a.name) p.merchant_name.assign(a.name->value());
    if (a.city) p.merchant_city.assign(a.city->value());
    if (a.bill) p.bill_number.assign(a.bill->value());
    if (a.reference) p.reference_label.assign(a.reference->value());
    if (a.purpose) p.purpose.assign(a.purpose->value());
    // Other root fields by id (ids are unique at the root, so any order-preserving sort).
    std::array<const RawField*, 100> extras;
    std::size_t n = 0;
    for (std::uint32_t i = 0; i < a.root_count; ++i) {
      const RawField* f = &pool[i];
      if (is_managed_root_number(f->id)) continue;
      std::size_t j = n++;
      for (; j > 0 && extras[j - 1]->id > f->id; --j) extras[j] = extras[j - 1];
      extras[j] = f;
    }
    p.extra_fields.reserve(n);
    for (std::size_t i = 0; i < n; ++i)
      p.extra_fields.emplace_back(extras[i]->id_text(), extras[i]->value());
  }
  d.fields.reserve(a.root_count);
  for (std::uint32_t i = 0; i < a.root_count; ++i) d.fields.push_back(materialise(pool, pool[i]));
  return result;
}

}  // namespace

Result<Decoded, DecodeError> decode(std::string_view text) {
  if (text.empty()) return Err(decode_error(DecodeErrorKind::empty, 0, "", "the payload is empty"));
  FieldPool pool(text.size());
  if (auto e = parse_level(text, 0, "", pool, nullptr)) return Err(std::move(*e));
  Accepted a;
  a.root_count = pool.size();
  const auto root = [&](unsigned id) { return find(pool, 0, a.root_count, id); };

  // 00 first, "01".
  const RawField& format = pool[0];
  if (format.id != 0)
    return Err(decode_error(DecodeErrorKind::bad_format_indicator, 0, "00",
                            "the payload must start with field 00"));
  if (format.value() != "01")
    return Err(decode_error(
        DecodeErrorKind::bad_format_indicator, 0, "00",
        "payload format indicator must be 01, found '" + std::string(format.value()) + "'"));

  // 63 last, 4 hex digits, matching the CRC of everything before its value.
  const RawField* crc_field = root(63);
  if (!crc_field)
    return Err(decode_error(DecodeErrorKind::missing_crc, text.size(), "63", "no CRC field"));
  if (crc_field != &pool[a.root_count - 1])
    return Err(decode_error(DecodeErrorKind::crc_not_last, crc_field->offset, "63",
                            "field 63 must be the last field"));
  const std::string_view crc_text = crc_field->value();
  int found = 0;
  bool hex = crc_text.size() == 4;
  for (std::size_t i = 0; hex && i < 4; ++i) {
    const int v = hex_value(crc_text[i]);
    hex = v >= 0;
    found = found * 16 + v;
  }
  if (!hex)
    return Err(decode_error(DecodeErrorKind::bad_crc_format, crc_field->offset, "63",
                            "the CRC must be 4 hex digits"));
  const std::size_t crc_bytes_end = text.size() - 4;  // 63 is last, with 4 ASCII characters
  const std::uint16_t expected = crc16_ccitt_false(text.substr(0, crc_bytes_end));
  if (expected != found) {
    DecodeError e = decode_error(DecodeErrorKind::bad_crc, crc_field->offset, "63", "");
    e.crc_expected = expected;
    e.crc_found = static_cast<std::uint16_t>(found);
    return Err(std::move(e));
  }
  a.crc = crc_field;

  // Templates. 38 (VietQR), 26 (VNPAY) and 62 are parsed strictly; others are kept raw if they are
  // not TLV.
  for (std::uint32_t i = 0; i < a.root_count; ++i) {
    RawField& f = pool[i];
    if (!is_template_id(f.id)) continue;
    auto e = parse_level(f.value(), f.offset + 4, f.id_text(), pool, &f);
    if (e && (f.id == 38 || f.id == 62)) return Err(std::move(*e));
  }

  const RawField* poi = root(1);
  if (!poi) return Err(missing("01", 0, "point of initiation (01)"));
  if (poi->value() == "11") {
    a.poi = PointOfInitiation::static_code;
  } else if (poi->value() == "12") {
    a.poi = PointOfInitiation::dynamic_code;
  } else {
    return Err(bad_value(
        *poi, "01",
        "point of initiation must be 11 or 12, found '" + std::string(poi->value()) + "'"));
  }
  const RawField* currency = root(53);
  if (!currency) return Err(missing("53", text.size(), "currency (53)"));
  if (currency->size != 3 || !all_digits(currency->value()))
    return Err(bad_value(*currency, "53", "currency must be 3 digits"));
  a.currency = currency;
  const RawField* country = root(58);
  if (!country) return Err(missing("58", text.size(), "country (58)"));
  if (country->size != 2) return Err(bad_value(*country, "58", "country must be 2 letters"));
  a.country = country;

  const RawField* t38 = root(38);
  const RawField* t26 = root(26);
  const RawField* guid38 = find_child(pool, t38, 0);
  const RawField* guid26 = find_child(pool, t26, 0);
  if (guid38 && guid38->value() == kVietQrGuid) {
    a.scheme = Scheme::vietqr;
  } else if (guid26 && guid26->value() == kVnpayGuid) {
    a.scheme = Scheme::vnpay;
    a.merchant_id = find_child(pool, t26, 1);
  } else {
    a.scheme = Scheme::other_emvco;
  }

  const RawField* amount = root(54);
  if (a.scheme == Scheme::vietqr) {
    if (currency->value() != "704")
      return Err(bad_value(*currency, "53", "VietQR currency must be 704 (VND)"));
    const RawField* found_beneficiary = find_child(pool, t38, 1);
    if (!found_beneficiary)
      return Err(missing("38.01", t38->offset, "beneficiary organisation (38.01)"));
    RawField& beneficiary = pool[static_cast<std::uint32_t>(found_beneficiary - &pool[0])];
    if (auto e =
            parse_level(beneficiary.value(), beneficiary.offset + 4, "38.01", pool, &beneficiary))
      return Err(std::move(*e));
    const RawField* bin = find_child(pool, &beneficiary, 0);
    const RawField* account = find_child(pool, &beneficiary, 1);
    if (!bin) return Err(missing("38.01.00", beneficiary.offset, "acquirer BIN (38.01.00)"));
    if (!account) return Err(missing("38.01.01", beneficiary.offset, "account number (38.01.01)"));
    if (bin->size != 6 || !all_digits(bin->value()))
      return Err(bad_value(*bin, "38.01.00", "the acquirer BIN must be 6 digits"));
    if (account->size == 0 || account->size > kAccountMaxChars)
      return Err(bad_value(*account, "38.01.01", "the account must be 1 to 19 characters"));
    a.bin = bin;
    a.account = account;
    const RawField* service = find_child(pool, t38, 2);
    if (!service) return Err(missing("38.02", t38->offset, "service code (38.02)"));
    if (service->value() == kServiceAccount) {
      a.service = ServiceCode::to_account;
    } else if (service->value() == kServiceCard) {
      a.service = ServiceCode::to_card;
    } else {
      return Err(bad_value(*service, "38.02", "service code must be QRIBFTTA or QRIBFTTC"));
    }
    if (amount) {
      CHO4_ASSIGN_OR_RETURN(Money m, parse_amount(*amount));
      a.amount = m;
    }
    a.name = root(59);
    a.city = root(60);
    const RawField* t62 = root(62);
    a.bill = find_child(pool, t62, 1);
    a.reference = find_child(pool, t62, 5);
    a.purpose = find_child(pool, t62, 8);
  } else if (amount) {
    CHO4_ASSIGN_OR_RETURN([[maybe_unused]] Money m, parse_amount(*amount));
  }
  return build(pool, a);
}

}  // namespace cho4::qr
