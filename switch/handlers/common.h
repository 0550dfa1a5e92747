// Shared pieces of the route handlers: the handler signature, JSON body parsing, auth helpers,
// submitting a ledger command whose completion becomes the response, and the JSON shapes of
// ledger objects (docs/api.md). Internal to switch/handlers/ and switch/api.cpp.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include <boost/json.hpp>

#include "core/status.h"
#include "ledger/engine.h"
#include "switch/api.h"
#include "switch/auth.h"
#include "switch/limits.h"
#include "switch/problem.h"
#include "switch/services.h"

// `TRY(x, expr);` declares x from an Or<T> or returns its Response.
#define TRY(decl, expr)                                     \
  auto decl##_or = (expr);                                  \
  if (!decl##_or.ok()) return std::move(decl##_or).error(); \
  auto decl = std::move(decl##_or).value()

namespace cho4::server::handlers {

namespace json = boost::json;

// Every route handler: pure (no sockets); Deferred means `reply` will be called via `exec`.
using Handler = Decision (*)(const Request&, const RouteMatch&, Services&, Reply, Executor);

// A handler's early exit: either a value or the Response to send instead.
template <class T>
using Or = Result<T, Response>;

Response json_response(int status, const json::value& v);
Response problem(Problem p, std::string_view detail, const Request& r);
Response problem(const Status& s, const Request& r);

// The body as a JSON object; 415 unless the media type is application/json, 400 on bad JSON.
Or<json::object> json_body(const Request& r);
// Optional/required fields with typed errors (invalid-field naming the key).
Or<std::string> str_field(const Request& r, const json::object& o, std::string_view key,
                          bool required, std::size_t max_len = 200);
Or<std::optional<std::int64_t>> int_field(const Request& r, const json::object& o,
                                          std::string_view key);

Or<Principal> authenticate(const Request& r, Services& s);
Or<std::uint64_t> id_param(const Request& r, const RouteMatch& m, std::string_view name = "id");
// Loads a stall and checks that the caller may read (or manage) it.
Or<ledger::Stall> stall_for(const Request& r, Services& s, const Principal& p, StallId id,
                            bool manage);
Or<ledger::Market> market_for(const Request& r, Services& s, const Principal& p, MarketId id);

// Submits `cmd`; when it is durable, `done(result)` runs on `exec` and its Response is sent.
// Errors from submit (queue full, store down) answer at once with 503.
Decision submit(const Request& r, Services& s, ledger::Command cmd, Reply reply, Executor exec,
                std::function<Response(ledger::CommandResult&)> done);

// A stall is verified once a first real credit has reached it (its sign is known to pay it).
bool stall_verified(Services& s, const ledger::Stall& st);

// JSON shapes (docs/api.md).
json::object market_json(Services& s, const ledger::Market& m);
json::object stall_json(Services& s, const ledger::Stall& st);
json::object order_json(Services& s, const ledger::Order& o);
json::object credit_json(const ledger::CreditRecord& c);
json::object totals_json(const ledger::DailyTotals& t);
json::object dead_letter_json(const ledger::DeadLetter& d, bool with_body);

// ---- VietQR (handlers/qr.cpp with cho4::qr; handlers/qr_absent.cpp in a build without it) ----
// The stall's static VietQR payload and an order's dynamic one ("" when they cannot be encoded).
std::string static_payload(Services& s, const ledger::Stall& st);
std::string order_payload(Services& s, const ledger::Stall& st, const ledger::Order& o);
struct BankInfo {
  std::string bin;   // "970436"
  std::string code;  // "VCB"
  std::string name;  // "Vietcombank"
};
// A bank named by BIN, short code or name; nullopt when unknown.
std::optional<BankInfo> find_bank(std::string_view bin_code_or_name);
BankInfo describe_bank(std::string_view bin);
// The bank and account of an owner's bank-app QR payload (stall set-up by scanning).
struct ScannedAccount {
  std::string bank_bin;
  std::string account;
};
Result<ScannedAccount> account_from_qr(std::string_view payload);
// Whether QR images, decode/lint and sign-check are available in this build.
bool qr_available();
// Whether signs can be printed (qr/signage/ is built): handlers/signage.cpp.
bool signage_available();

// Today's Vietnamese date by the injected clock, or ?date=YYYY-MM-DD.
Or<CivilDate> date_param(const Request& r, Services& s);

}  // namespace cho4::server::handlers
