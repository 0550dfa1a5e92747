#include "qr/signage/batch.h"

#include <filesystem>

namespace cho4::signage {
namespace {

BatchError batch_error(Status status) {
  return BatchError{std::move(status), {}, 0};
}

BatchError open_error(const BatchOptions& o, const RowError& e) {
  return batch_error(invalid_argument(e.to_string(o.stalls_path)));
}

std::string effective_market(const BatchOptions& o, const StallFile& file) {
  return o.market.empty() ? std::string(file.file_market()) : o.market;
}

// Reads the next row and turns it into a card; the outer Result fails only for errors that stop
// the whole file, the inner one names a bad row.
using RowOutcome = std::optional<Result<SignLayout, RowError>>;
Result<RowOutcome, RowError> next_card(StallFile& file, const BatchOptions& o,
                                       const std::string& market, SignInput& input) {
  CHO4_ASSIGN_OR_RETURN(auto row, file.next());
  if (!row) return RowOutcome();
  if (row->error) return RowOutcome(Err(*row->error));
  auto in =
      sign_input_from_fields(row->fields, row->line, market, o.check_key ? &*o.check_key : nullptr);
  if (!in.ok()) return RowOutcome(Err(std::move(in).error()));
  input = std::move(in).value();
  auto laid = lay_out_sign(input, o.layout);
  if (!laid.ok()) {
    RowError e = std::move(laid).error();
    e.line = row->line;
    return RowOutcome(Err(std::move(e)));
  }
  return RowOutcome(std::move(laid));
}

}  // namespace

Result<SignInput, RowError> sign_input_from_fields(const RawFields& fields, std::size_t line,
                                                   std::string_view default_market,
                                                   const CheckCodeKey* key) {
  SignInput in;
  CHO4_ASSIGN_OR_RETURN(in.stall, stall_from_fields(fields, line, default_market));
  auto payload = stall_payload(in.stall);
  if (!payload.ok())
    return Err(RowError{line, std::string(field::account), payload.error().message()});
  in.payload = std::move(payload).value();
  if (key != nullptr) in.check_code = format_check_code(key->code_for(in.payload));
  return in;
}

Result<BatchReport, BatchError> print_batch(const BatchOptions& o, const BatchProgress& progress,
                                            const BatchPlacement& placement) {
  if (!is_paper(o.layout))
    return Err(batch_error(invalid_argument("a batch prints to PDF: use layout a6, a5 or a6x4")));

  // Pass 1: check every row, write nothing.
  BatchReport report;
  std::size_t good = 0;
  std::size_t bad = 0;
  {
    auto file = StallFile::open(o.stalls_path, o.format);
    if (!file.ok()) return Err(open_error(o, file.error()));
    const std::string market = effective_market(o, **file);
    SignInput input;
    while (true) {
      auto card = next_card(**file, o, market, input);
      if (!card.ok()) return Err(open_error(o, card.error()));
      if (!*card) break;
      if ((**card).ok()) {
        ++good;
      } else {
        ++bad;
        if (report.bad_rows.size() < kBatchErrorsReportedMax)
          report.bad_rows.push_back((**card).error());
      }
    }
  }
  if (bad > 0 && !o.skip_bad_rows) {
    return Err(BatchError{invalid_argument(o.stalls_path + ": " + std::to_string(bad) + " bad row" +
                                           (bad == 1 ? "" : "s") + "; nothing was written"),
                          std::move(report.bad_rows), bad});
  }
  if (good == 0) return Err(batch_error(invalid_argument(o.stalls_path + ": no stalls to print")));
  report.skipped = bad;

  // Pass 2: draw. The rows are the same, so the same ones are good.
  auto file = StallFile::open(o.stalls_path, o.format);
  if (!file.ok()) return Err(open_error(o, file.error()));
  const std::string market = effective_market(o, **file);
  const std::string title = market.empty() ? "cho4 signage" : market + " · cho4";
  auto pdf = SignPdf::create(o.out_path, o.layout, title);
  if (!pdf.ok()) return Err(batch_error(pdf.error()));
  SignInput input;
  while (true) {
    auto card = next_card(**file, o, market, input);
    if (!card.ok()) return Err(open_error(o, card.error()));
    if (!*card) break;
    if (!(**card).ok()) continue;
    auto placed = (**pdf).add((**card).value());
    if (!placed.ok()) return Err(batch_error(placed.error()));
    if (placement) placement(input, *placed);
    if (progress) progress((**pdf).cards(), good);
  }
  if ((**pdf).cards() != good)
    return Err(batch_error(data_loss(o.stalls_path + " changed while it was being printed")));
  if (auto st = (**pdf).finish(); !st.ok()) return Err(batch_error(st));
  report.cards = (**pdf).cards();
  report.pages = (**pdf).pages();
  return report;
}

}  // namespace cho4::signage
