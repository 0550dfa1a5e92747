// Signage: POST /v1/markets/{id}/signage prints the chosen stalls' signs into one PDF with
// qr/signage/ (the same cards `cho4 signage` prints). Each sign's QR is the stall's static payload
// exactly as the API reports it; number and holder come from the profiles. With a check-code
// secret configured each sign also carries its check code. Unverified stalls (no real credit yet)
// are printed and named in the Cho4-Unverified-Stalls header, for the dashboard to warn about.
#include <filesystem>
#include <fstream>
#include <iterator>
#include <unordered_set>

#include "core/ids.h"
#include "qr/signage/check_code.h"
#include "qr/signage/layout.h"
#include "qr/signage/sign.h"
#include "switch/auth.h"
#include "switch/handlers/handlers.h"
#include "switch/profiles.h"

namespace cho4::server::handlers {
namespace {

namespace fs = std::filesystem;

// The stall ids of the body, in order, without repeats.
Or<std::vector<StallId>> stall_ids(const Request& r, const json::object& body) {
  const json::value* v = body.if_contains("stall_ids");
  if (!v || !v->is_array())
    return Err(problem(Problem::invalid_field, "stall_ids: an array of stall ids", r));
  const auto& a = v->as_array();
  if (a.empty()) return Err(problem(Problem::invalid_field, "stall_ids: choose at least one", r));
  std::vector<StallId> out;
  std::unordered_set<std::uint64_t> seen;
  for (const auto& e : a) {
    Result<std::uint64_t> id = invalid_argument("not an id");
    if (e.is_string())
      id = parse_id(e.as_string());
    else if (e.is_uint64())
      id = e.as_uint64();
    else if (e.is_int64() && e.as_int64() > 0)
      id = static_cast<std::uint64_t>(e.as_int64());
    if (!id.ok() || *id == 0)
      return Err(problem(Problem::invalid_field, "stall_ids: each a stall id such as \"12\"", r));
    if (seen.insert(*id).second) out.push_back(StallId{*id});
  }
  if (out.size() > kSignageStallsMax)
    return Err(problem(Problem::payload_too_large,
                       "stall_ids: at most " + std::to_string(kSignageStallsMax) +
                           " stalls per PDF; print a big market in parts",
                       r));
  return out;
}

Or<signage::Layout> layout_param(const Request& r) {
  auto name = r.query_param("layout");
  if (!name) return signage::Layout::a6x4;
  auto l = signage::parse_layout(*name);
  if (!l.ok() || !signage::is_paper(*l))
    return Err(problem(Problem::invalid_field, "layout: a6x4, a6 or a5", r));
  return *l;
}

Result<std::string> read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return io_error("cannot read " + path.string());
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

}  // namespace

bool signage_available() {
  return true;
}

CHO4_HANDLER(market_signage) {
  (void)reply, (void)exec;
  TRY(p, authenticate(r, s));
  TRY(id, id_param(r, m));
  TRY(market, market_for(r, s, p, MarketId{id}));
  TRY(layout, layout_param(r));
  TRY(body, json_body(r));
  TRY(ids, stall_ids(r, body));

  std::optional<signage::CheckCodeKey> key;
  if (!s.signage_secret.empty()) {
    auto k = signage::CheckCodeKey::from_secret(s.signage_secret);
    if (!k.ok()) return problem(Problem::internal, "signage secret: " + k.error().message(), r);
    key = std::move(*k);
  }

  // Every stall is checked and laid out before anything is drawn: one bad stall, no PDF.
  std::vector<signage::SignLayout> signs;
  std::string unverified;
  for (StallId sid : ids) {
    auto st = s.engine.stall(sid);
    // A stall of another market answers like an unknown one: ids do not reveal other markets.
    if (!st.ok() || st->market != market.id)
      return problem(Problem::not_found,
                     "stall " + to_string_id(sid.value) + " is not a stall of market " +
                         to_string_id(market.id.value),
                     r);
    if (!st->active)
      return problem(Problem::conflict,
                     "stall " + to_string_id(sid.value) + " is inactive; reactivate it first", r);
    const std::string payload = static_payload(s, *st);
    if (payload.empty())
      return problem(Problem::invalid_qr,
                     "stall " + to_string_id(sid.value) + ": its account cannot be encoded", r);
    const auto prof = s.profiles.stall(sid.value);
    signage::SignInput in;
    in.stall.market = market.name;
    in.stall.stall_number = prof.number.empty() ? to_string_id(sid.value) : prof.number;
    in.stall.stall_name = st->name;
    in.stall.account_holder = prof.holder_name;
    in.stall.bank_bin = st->bank_bin;
    in.stall.bank_name = describe_bank(st->bank_bin).name;
    // The sign shows the account the payload pays (a virtual account when the stall has one).
    in.stall.account = st->virtual_account.empty() ? st->account : st->virtual_account;
    in.payload = payload;
    if (key) in.check_code = signage::format_check_code(key->code_for(payload));
    auto laid = signage::lay_out_sign(in, layout);
    if (!laid.ok())
      return problem(Problem::sign_not_printable,
                     "stall " + to_string_id(sid.value) + " (" + in.stall.stall_number +
                         "): " + laid.error().field + ": " + laid.error().message,
                     r);
    signs.push_back(std::move(*laid));
    if (!stall_verified(s, *st)) {
      if (!unverified.empty()) unverified += ",";
      unverified += to_string_id(sid.value);
    }
  }

  // SignPdf writes a file (temporary name, renamed when finished); the answer is its bytes.
  const fs::path path = fs::temp_directory_path() / ("cho4-signage-" + random_hex(8) + ".pdf");
  std::string pdf_bytes;
  {
    auto pdf = signage::SignPdf::create(path.string(), layout, "Bảng QR · " + market.name);
    if (!pdf.ok()) return problem(Problem::internal, pdf.error().message(), r);
    for (const auto& sign : signs) {
      auto placed = (**pdf).add(sign);
      if (!placed.ok()) return problem(Problem::internal, placed.error().message(), r);
    }
    if (auto st = (**pdf).finish(); !st.ok()) return problem(Problem::internal, st.message(), r);
    auto bytes = read_file(path);
    std::error_code ec;
    fs::remove(path, ec);  // best effort: a leftover temporary file harms nothing
    if (!bytes.ok()) return problem(Problem::internal, bytes.error().message(), r);
    pdf_bytes = std::move(*bytes);
  }
  Response res = Response::text(200, std::move(pdf_bytes), "application/pdf");
  res.headers.emplace_back("Content-Disposition", "attachment; filename=\"cho4-signs-market-" +
                                                      to_string_id(market.id.value) + ".pdf\"");
  res.headers.emplace_back("Cache-Control", "no-store");
  res.headers.emplace_back("Cho4-Sign-Count", std::to_string(signs.size()));
  if (!unverified.empty()) res.headers.emplace_back("Cho4-Unverified-Stalls", unverified);
  return res;
}

}  // namespace cho4::server::handlers
