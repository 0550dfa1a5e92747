#include "qr/signage/stall_file.h"

#include <boost/json.hpp>

#include <algorithm>
#include <array>
#include <filesystem>
#include <vector>

namespace cho4::signage {
namespace {

namespace json = boost::json;

constexpr std::array<std::string_view, 10> kKnownFields = {
    field::market,  field::stall_number, field::stall_name, field::account_holder, field::bank,
    field::account, field::service,      field::amount,     field::item,           field::code};
constexpr std::array<std::string_view, 5> kRequiredColumns = {
    field::stall_number, field::stall_name, field::account_holder, field::bank, field::account};

bool known_field(std::string_view name) {
  return std::find(kKnownFields.begin(), kKnownFields.end(), name) != kKnownFields.end();
}

RowError file_error(std::size_t line, std::string message, std::string f = {}) {
  return RowError{line, std::move(f), std::move(message)};
}

// ---- CSV ----

class CsvStallFile final : public StallFile {
 public:
  explicit CsvStallFile(std::ifstream in) : in_(std::move(in)) {}

  // Reads the header record (skipping blank and '#' comment lines).
  Result<bool, RowError> read_header() {
    CHO4_ASSIGN_OR_RETURN(auto record, read_record());
    if (!record)
      return Err(file_error(0, "the file is empty (a header row of field names is needed)"));
    header_line_ = record_line_;
    for (auto& name : *record) {
      std::string n = name;
      std::erase(n, ' ');
      if (!known_field(n)) return Err(file_error(header_line_, "unknown column '" + n + "'", n));
      if (std::find(columns_.begin(), columns_.end(), n) != columns_.end())
        return Err(file_error(header_line_, "column '" + n + "' appears twice", n));
      columns_.push_back(n);
    }
    for (auto required : kRequiredColumns) {
      if (std::find(columns_.begin(), columns_.end(), required) == columns_.end())
        return Err(file_error(header_line_, "required column is absent", std::string(required)));
    }
    return true;
  }

  Result<std::optional<RawRow>, RowError> next() override {
    CHO4_ASSIGN_OR_RETURN(auto record, read_record());
    if (!record) return std::optional<RawRow>();
    RawRow row;
    row.line = record_line_;
    if (record->size() != columns_.size()) {
      row.error = file_error(record_line_, "has " + std::to_string(record->size()) +
                                               " fields, the header has " +
                                               std::to_string(columns_.size()));
      return std::optional<RawRow>(std::move(row));
    }
    for (std::size_t i = 0; i < columns_.size(); ++i)
      row.fields[columns_[i]] = std::move((*record)[i]);
    return std::optional<RawRow>(std::move(row));
  }

 private:
  // One RFC 4180 record; nullopt at the end of the file. Blank lines and lines starting with '#'
  // (outside quotes) are skipped. record_line_ is where the record starts.
  Result<std::optional<std::vector<std::string>>, RowError> read_record() {
    std::string line;
    while (true) {
      if (!std::getline(in_, line)) {
        if (in_.bad()) return Err(file_error(line_, "read error"));
        return std::optional<std::vector<std::string>>();
      }
      ++line_;
      if (line_ == 1 && line.starts_with("\xEF\xBB\xBF")) line.erase(0, 3);  // a BOM from Excel
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.empty() || line[0] == '#') continue;
      break;
    }
    record_line_ = line_;
    std::vector<std::string> fields(1);
    bool quoted = false;
    std::size_t bytes = 0;
    while (true) {
      bytes += line.size() + 1;
      if (bytes > kCsvRecordMaxBytes)
        return Err(file_error(
            record_line_, "record longer than " + std::to_string(kCsvRecordMaxBytes) + " bytes"));
      for (std::size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        std::string& cur = fields.back();
        if (quoted) {
          if (c == '"') {
            if (i + 1 < line.size() && line[i + 1] == '"') {
              cur.push_back('"');
              ++i;
            } else {
              quoted = false;
            }
          } else {
            cur.push_back(c);
          }
        } else if (c == ',') {
          fields.emplace_back();
        } else if (c == '"' &&
                   std::all_of(cur.begin(), cur.end(), [](char x) { return x == ' '; })) {
          cur.clear();
          quoted = true;
        } else {
          cur.push_back(c);
        }
      }
      if (!quoted) break;
      // A quoted field continues on the next line.
      fields.back().push_back('\n');
      if (!std::getline(in_, line))
        return Err(file_error(record_line_, "a quoted field is never closed"));
      ++line_;
      if (!line.empty() && line.back() == '\r') line.pop_back();
    }
    return std::optional<std::vector<std::string>>(std::move(fields));
  }

  std::ifstream in_;
  std::size_t line_ = 0;
  std::size_t record_line_ = 0;
  std::size_t header_line_ = 0;
  std::vector<std::string> columns_;
};

// ---- JSON ----

// Lines where the elements of the stalls array begin (depth 1: a top-level array; depth 2: the
// "stalls" array inside a top-level object), in order, whatever their type. Boost.JSON keeps no
// positions, so this scan gives each stall its line for error messages.
std::vector<std::size_t> element_lines_at_depth(std::string_view text, int depth) {
  std::vector<std::size_t> lines;
  std::size_t line = 1;
  int d = 0;
  bool in_string = false;
  bool escaped = false;
  bool expect_element = false;
  for (char c : text) {
    if (c == '\n') ++line;
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    const bool space = c == ' ' || c == '\t' || c == '\r' || c == '\n';
    if (expect_element && !space && c != ']') {
      lines.push_back(line);
      expect_element = false;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      ++d;
      if (c == '[' && d == depth) expect_element = true;
    } else if (c == '}' || c == ']') {
      --d;
      expect_element = false;
    } else if (c == ',' && d == depth) {
      expect_element = true;
    }
  }
  return lines;
}

class JsonStallFile final : public StallFile {
 public:
  Result<bool, RowError> load(const std::string& text) {
    boost::system::error_code ec;
    json::value doc = json::parse(text, ec);
    if (ec) return Err(file_error(0, "not valid JSON: " + ec.message()));
    int depth = 1;
    if (doc.is_object()) {
      depth = 2;
      for (const auto& kv : doc.as_object()) {
        if (kv.key() == "market") {
          if (!kv.value().is_string())
            return Err(file_error(0, "top-level \"market\" must be text", "market"));
          market_ = std::string(kv.value().as_string());
        } else if (kv.key() != "stalls") {
          return Err(file_error(0, "unknown top-level key '" + std::string(kv.key()) +
                                       "' (expected \"market\" and \"stalls\")"));
        }
      }
      const json::value* stalls = doc.as_object().if_contains("stalls");
      if (stalls == nullptr || !stalls->is_array())
        return Err(file_error(0, "a top-level object needs a \"stalls\" array"));
      stalls_ = stalls->as_array();
    } else if (doc.is_array()) {
      stalls_ = std::move(doc.as_array());
    } else {
      return Err(file_error(0, "expected an array of stalls or {\"market\": …, \"stalls\": […]}"));
    }
    lines_ = element_lines_at_depth(text, depth);
    return true;
  }

  Result<std::optional<RawRow>, RowError> next() override {
    if (index_ >= stalls_.size()) return std::optional<RawRow>();
    const std::size_t i = index_++;
    RawRow row;
    // Every element has its line; the fallback (the last line seen) keeps lines non-decreasing.
    row.line = i < lines_.size() ? lines_[i] : (lines_.empty() ? 0 : lines_.back());
    const json::value& v = stalls_[i];
    if (!v.is_object()) {
      row.error = file_error(row.line, "stall #" + std::to_string(i + 1) + " is not an object");
      return std::optional<RawRow>(std::move(row));
    }
    for (const auto& kv : v.as_object()) {
      const std::string key(kv.key());
      if (!known_field(key)) {
        row.error = file_error(row.line, "unknown field", key);
        break;
      }
      const json::value& f = kv.value();
      if (f.is_string()) {
        row.fields[key] = std::string(f.as_string());
      } else if ((key == field::amount || key == field::stall_number) &&
                 (f.is_int64() || f.is_uint64())) {
        row.fields[key] = json::serialize(f);
      } else if (f.is_null()) {
        continue;
      } else {
        row.error = file_error(
            row.line,
            key == field::amount ? "must be a whole number or text" : "must be text (in quotes)",
            key);
        break;
      }
    }
    return std::optional<RawRow>(std::move(row));
  }

  std::string_view file_market() const override { return market_; }

 private:
  json::array stalls_;
  std::vector<std::size_t> lines_;
  std::size_t index_ = 0;
  std::string market_;
};

}  // namespace

Result<std::unique_ptr<StallFile>, RowError> StallFile::open(const std::string& path,
                                                             StallFileFormat format) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) return Err(file_error(0, "cannot read: " + ec.message()));
  if (size > kStallFileMaxBytes)
    return Err(file_error(0, "larger than " + std::to_string(kStallFileMaxBytes >> 20) + " MiB"));
  if (format == StallFileFormat::automatic) {
    std::string ext = std::filesystem::path(path).extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    format = ext == ".json" ? StallFileFormat::json : StallFileFormat::csv;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return Err(file_error(0, "cannot open for reading"));
  if (format == StallFileFormat::csv) {
    auto file = std::make_unique<CsvStallFile>(std::move(in));
    if (auto r = file->read_header(); !r.ok()) return Err(std::move(r).error());
    return std::unique_ptr<StallFile>(std::move(file));
  }
  std::string text(static_cast<std::size_t>(size), '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  if (!in) return Err(file_error(0, "read error"));
  auto file = std::make_unique<JsonStallFile>();
  if (auto r = file->load(text); !r.ok()) return Err(std::move(r).error());
  return std::unique_ptr<StallFile>(std::move(file));
}

}  // namespace cho4::signage
