// Verdict: compares what the simulator knows it sent (its own model) with what the server says
// it stored (read back through the API) and what every device received, and lists every
// discrepancy. Pure functions over plain values, so the rules are unit-tested without a server.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "simulators/histogram.h"

namespace cho4::sim {

// One bank transfer the simulator delivered (or tried to), with the outcome the model expects.
struct ExpectedCredit {
  std::uint64_t payment = 0;  // scenario payment index
  std::string instance;       // adapter instance name
  std::string provider_txn_id;
  std::string bank_reference;
  std::string stall_id;  // server id of the stall it belongs to; "" for suspense
  std::int64_t amount_vnd = 0;
  std::string outcome;             // API outcome name ("paid", "static", …)
  bool acknowledged = false;       // some delivery got the provider's 2xx
  std::int64_t first_send_us = 0;  // intended send time of the first delivery (run clock, µs)
};

// A credit as the API lists it (GET /v1/stalls/{id}/credits, suspense and held lists).
struct ObservedCredit {
  std::string id;
  std::string instance;
  std::string provider_txn_id;
  std::string bank_reference;
  std::string stall_id;  // the list it was read from; "" for suspense / held
  std::int64_t amount_vnd = 0;
  std::string outcome;
};

// One event as a device received it.
struct DeviceEvent {
  std::uint64_t seq = 0;
  std::string credit_id;
  bool replayed = false;
  std::int64_t received_us = 0;  // run clock
};

struct DeviceLog {
  std::string stall_id;
  std::string label;                // "ws 12/1" for reports
  std::vector<DeviceEvent> events;  // in arrival order, duplicates included
};

struct StallTotals {
  std::int64_t total_in_vnd = 0;
  std::uint64_t count = 0;
};

struct VerdictInput {
  std::vector<ExpectedCredit> expected;
  std::vector<std::pair<std::string, std::string>> forged;  // (instance, txn id): never stored
  std::vector<ObservedCredit> observed;
  std::vector<DeviceLog> devices;
  // Per stall: the complete event list read at the end with cursor 0 (the server's truth).
  std::map<std::string, std::vector<DeviceEvent>> catch_up;
  std::map<std::string, StallTotals> totals;  // from GET /v1/stalls/{id}/totals (all run days)
  bool ledger_check_ran = false;
  bool ledger_check_ok = false;
  std::string ledger_check_output;
};

struct Discrepancy {
  std::string category;  // "missing", "duplicated", "wrong-outcome", "device-gap", …
  std::string detail;
};

struct Verdict {
  std::vector<Discrepancy> discrepancies;
  std::map<std::string, std::uint64_t> counts_by_category;
  std::uint64_t acknowledged = 0;
  std::uint64_t unacknowledged = 0;
  std::uint64_t matched = 0;
  std::uint64_t duplicate_records = 0;
  std::uint64_t device_events = 0;
  std::uint64_t devices_checked = 0;
  LatencyHistogram send_to_device_us;  // first live delivery of each event to each device
  bool passed() const { return discrepancies.empty(); }
};

// Outcomes that move money into a stall (and so count in its totals and emit an event).
bool is_posted_to_stall(const std::string& outcome);

Verdict judge(const VerdictInput& input);

}  // namespace cho4::sim
