// Canonical composition (NFC) of Latin letters, enough for Vietnamese names in any input form.
//
// Stall lists come from spreadsheets on phones and Macs (NFD: "o" + U+031B + U+0300) and from old
// Windows encodings (CP1258: "ê" + a combining tone mark). Printed as they are, separate marks sit
// badly on their letters and PDF text search misses them; composed, every Vietnamese letter is
// one glyph of the font. Pure function; thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace cho4::signage {

// Composes each Latin base letter with the combining marks that follow it, when Unicode has a
// precomposed letter for the result (marks in any order are put in canonical order first);
// everything else passes through unchanged. `text` must be valid UTF-8.
std::string compose_vietnamese(std::string_view text);

}  // namespace cho4::signage
