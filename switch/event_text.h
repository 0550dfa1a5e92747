// What a stall's devices are shown and told about one ledger event: the event JSON of docs/api.md
// with Vietnamese display and spoken text (core's format_amount / amount_in_words). Underpaid is
// said loudly, shortfall first. Pure functions; thread-safe.
#pragma once

#include <string>

#include <boost/json/object.hpp>

#include "ledger/types.h"

namespace cho4::server {

struct EventText {
  std::string display;  // "Đã nhận 60.000 ₫"
  std::string speech;   // "Đã nhận sáu mươi nghìn đồng"
};

EventText event_text(const ledger::OutboxEvent& e);

// {"type":"credit","seq",…,"display","speech","replayed"} (docs/api.md, Notifications).
boost::json::object event_json(const ledger::OutboxEvent& e, bool replayed);
std::string event_json_text(const ledger::OutboxEvent& e, bool replayed);

// The flags of a credit as the API names them: ["late","below_minimum","date_only",…].
boost::json::array flag_names(std::uint32_t flags);

}  // namespace cho4::server
