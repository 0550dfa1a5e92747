// The hostile-input corpus: malformed and malicious requests as data files under
// tests/hostile/cases/<group>/<name>.http, each with the answer the API contract documents
// (docs/hardening.md describes the format). This header parses a case file and expands its
// templates into the exact bytes to send. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace cho4::hostile {

// What the server must answer.
struct Expectation {
  std::vector<int> statuses;        // any of these HTTP statuses (empty in ws mode)
  std::vector<std::string> slugs;   // any of these problem `type` slugs; empty = no check ("*")
  bool no_problem = false;          // "-": the body must not be a problem (e.g. a webhook's 200)
  std::vector<int> ws_close_codes;  // ws mode: the close frame's code must be one of these
  bool ws_drop_ok = false;          // ws mode: a TCP close without a close frame is acceptable
  bool must_close = false;          // the connection must be closed after the response
};

enum class CaseMode { http, raw, ws };

struct Case {
  std::string name;  // "json/truncated-object"
  std::string why;
  CaseMode mode = CaseMode::http;
  Expectation expect;
  std::vector<std::string> forbid;  // substrings that must not appear in the response
  std::string head;                 // request line and fields (templates, LF line ends)
  std::string body;                 // body template (http), frame specs (ws), or all (raw)
};

// Parses one case file; nullopt plus `error` on a malformed file.
std::optional<Case> parse_case(const std::string& name, const std::string& text,
                               std::string& error);
// Every *.http file below `dir`, sorted by name.
std::vector<std::filesystem::path> case_files(const std::filesystem::path& dir);

// Values the templates refer to: {admin}, {device}, {stall}, {ts}, secrets, …
using Vars = std::map<std::string, std::string>;

// Expands the templates of a text: {name} (a variable), {repeat:N:TEXT}, {hex:HEX}, {cr}, {lf},
// {sig:sepay:TS_VAR}, {sig:stdwh:ID_VAR:TS_VAR} (computed over `body`, see docs/hardening.md).
// Fails with a message on an unknown name.
std::optional<std::string> expand(const std::string& text, const Vars& vars,
                                  const std::string& body, std::string& error);

// The bytes of a case's request (http and raw modes) or its upgrade request (ws mode).
std::optional<std::string> build_request(const Case& c, const Vars& vars, std::string& error);

// ws mode: the frames to send after the upgrade, in order.
std::optional<std::vector<std::string>> build_frames(const Case& c, const Vars& vars,
                                                     std::string& error);

// A WebSocket frame the server sent (unmasked).
struct WsFrame {
  bool fin = false;
  int opcode = 0;
  std::string payload;
};
// Parses the frames at the start of `bytes`, consuming what was parsed.
std::vector<WsFrame> parse_ws_frames(std::string& bytes);

}  // namespace cho4::hostile
