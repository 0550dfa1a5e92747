// Fuzz target: the bank-statement CSV importer (POST /v1/stalls/{id}/statement), which reads a
// file a person exported from a bank or aggregator and may have edited.
//
// Properties: every accepted line has a positive amount and a line number past the header, in
// increasing order; a failure is an invalid_argument Status, never a crash or a hang.
#include <cstddef>
#include <cstdint>

#include "fuzz/fuzz_check.h"
#include "ledger/statement.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto lines = cho4::ledger::parse_statement_csv(cho4::fuzz::as_view(data, size));
  if (!lines.ok()) {
    FUZZ_CHECK(lines.error().code() == cho4::StatusCode::invalid_argument,
               "a bad statement fails with something other than invalid_argument");
    return 0;
  }
  std::size_t previous = 1;
  for (const auto& l : *lines) {
    FUZZ_CHECK(l.amount.vnd() > 0, "a statement line without a positive amount");
    FUZZ_CHECK(l.line_number > previous, "line numbers not increasing past the header");
    previous = l.line_number;
  }
  return 0;
}
