// Reading a market's stall list: CSV (header row of field names, RFC 4180 quoting) or JSON (an
// array of objects, or {"market": "...", "stalls": [...]}), one row at a time with its line number.
//
// CSV is streamed (memory does not grow with the file); JSON is parsed whole (a market's list is
// kilobytes), then handed out row by row. A StallFile is used by one thread at a time.
#pragma once

#include <cstddef>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"
#include "qr/signage/stall.h"

namespace cho4::signage {

enum class StallFileFormat : std::uint8_t { automatic, csv, json };

// Files larger than this are refused: a market has hundreds to a few thousand stalls.
inline constexpr std::size_t kStallFileMaxBytes = 64u << 20;
inline constexpr std::size_t kCsvRecordMaxBytes = 16u << 10;

struct RawRow {
  std::size_t line = 0;  // where the row starts, 1-based
  RawFields fields;
  // A problem with this row alone (a CSV record with the wrong number of fields, a JSON value
  // that is not text): the caller reports it like a bad field and may skip the row.
  std::optional<RowError> error;
};

class StallFile {
 public:
  virtual ~StallFile() = default;
  StallFile(const StallFile&) = delete;
  StallFile& operator=(const StallFile&) = delete;

  // Opens `path`. A format of `automatic` is chosen from the extension (.json, else CSV). Fails
  // (with line 0 or the header's line) when the file cannot be read or its structure is wrong:
  // unknown or repeated columns, JSON syntax, a missing required column.
  static Result<std::unique_ptr<StallFile>, RowError> open(
      const std::string& path, StallFileFormat format = StallFileFormat::automatic);

  // The next row, or nullopt at the end. An error here is fatal (an unterminated quote, a record
  // longer than kCsvRecordMaxBytes, an I/O error): nothing after it can be trusted.
  virtual Result<std::optional<RawRow>, RowError> next() = 0;

  // The market named for the whole file (JSON's top-level "market"), or empty.
  virtual std::string_view file_market() const { return {}; }

 protected:
  StallFile() = default;
};

}  // namespace cho4::signage
