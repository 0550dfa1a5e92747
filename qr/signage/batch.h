// Batch printing: a whole market's stall list to one PDF.
//
// Two passes over the file. The first checks every row (fields, bank, payload, fit on the layout)
// and writes nothing; if any row is bad the batch fails with every bad row's line and field, unless
// the caller asked to skip bad rows. The second pass draws the cards, one page at a time, into a
// temporary file renamed at the end: memory stays flat and a failure leaves no partial PDF.
// Not thread-safe (one batch per call); callbacks run on the calling thread.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "qr/signage/check_code.h"
#include "qr/signage/layout.h"
#include "qr/signage/sign.h"
#include "qr/signage/stall.h"
#include "qr/signage/stall_file.h"

namespace cho4::signage {

// A failed batch reports at most this many rows (and counts the rest).
inline constexpr std::size_t kBatchErrorsReportedMax = 100;

struct BatchOptions {
  std::string stalls_path;
  StallFileFormat format = StallFileFormat::automatic;
  Layout layout = Layout::a6x4;
  std::string out_path;
  std::string market;                     // overrides the file's market for rows without one
  std::optional<CheckCodeKey> check_key;  // none: signs carry no check code
  bool skip_bad_rows = false;
};

struct BatchReport {
  std::size_t cards = 0;
  std::size_t pages = 0;
  std::size_t skipped = 0;         // bad rows left out (skip_bad_rows)
  std::vector<RowError> bad_rows;  // the first kBatchErrorsReportedMax of them
};

struct BatchError {
  Status status;                   // what failed, in one line
  std::vector<RowError> bad_rows;  // the rows at fault (first kBatchErrorsReportedMax)
  std::size_t bad_row_count = 0;
};

// Called after each card with (cards drawn, cards to draw).
using BatchProgress = std::function<void(std::size_t done, std::size_t total)>;
// Called after each card with where it went (tests measure the printed QR with it).
using BatchPlacement = std::function<void(const SignInput& input, const CardPlacement& placement)>;

Result<BatchReport, BatchError> print_batch(const BatchOptions& options,
                                            const BatchProgress& progress = {},
                                            const BatchPlacement& placement = {});

// One row to a SignInput: the stall, its payload and (with a key) its check code. Used by
// print_batch and by single-sign commands.
Result<SignInput, RowError> sign_input_from_fields(const RawFields& fields, std::size_t line,
                                                   std::string_view default_market,
                                                   const CheckCodeKey* key);

}  // namespace cho4::signage
