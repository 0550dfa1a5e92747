// Fuzz target: the signage stall-list reader (`cho4 signage` reads a market's CSV or JSON list of
// stalls that a manager exported from a spreadsheet), through to building each stall's payload.
//
// Properties: the reader ends (every row, then nullopt, or a fatal error) without crashing; row
// line numbers never go backwards; a row the checker accepts has a payload that encodes.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <string>

#include "fuzz/fuzz_check.h"
#include "qr/signage/stall.h"
#include "qr/signage/stall_file.h"

namespace {

// One scratch file per process (libFuzzer runs one input at a time).
const std::string& scratch(bool json) {
  static const std::string base = "/tmp/cho4-fuzz-stalls-" + std::to_string(::getpid());
  static const std::string csv = base + ".csv", js = base + ".json";
  return json ? js : csv;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace cho4::signage;
  if (size == 0) return 0;
  const bool json = (data[0] & 1) != 0;
  const std::string& path = scratch(json);
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data + 1), static_cast<std::streamsize>(size - 1));
  }
  auto file = StallFile::open(path, json ? StallFileFormat::json : StallFileFormat::csv);
  if (!file.ok()) return 0;
  std::size_t last_line = 0;
  for (std::size_t rows = 0;; ++rows) {
    FUZZ_CHECK(rows <= size, "more rows than input bytes: the reader does not advance");
    auto row = (*file)->next();
    if (!row.ok() || !row->has_value()) break;
    const RawRow& r = **row;
    FUZZ_CHECK(r.line >= last_line, "row line numbers go backwards");
    last_line = r.line;
    if (r.error) continue;
    auto stall = stall_from_fields(r.fields, r.line, (*file)->file_market());
    if (stall.ok()) stall_payload(*stall).permit_unchecked();
  }
  std::remove(path.c_str());
  return 0;
}
