// Parsing and expanding hostile-input case files (corpus.h).
#include "tests/hostile/corpus.h"

#include <algorithm>
#include <charconv>
#include <sstream>

#include "tests/hostile/harness.h"

namespace cho4::hostile {
namespace {

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == sep) {
      out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  out.push_back(cur);
  return out;
}

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\r')) s.pop_back();
  std::size_t i = 0;
  while (i < s.size() && s[i] == ' ') ++i;
  return s.substr(i);
}

bool parse_int(const std::string& s, long long& out) {
  const auto r = std::from_chars(s.data(), s.data() + s.size(), out);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

std::string to_crlf(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '\n') out += '\r';
    out += c;
  }
  return out;
}

// The value of `name:` in a head template (after expansion), for signatures over headers.
std::string hex_decode(const std::string& hex, bool& ok) {
  std::string out;
  ok = hex.size() % 2 == 0;
  for (std::size_t i = 0; ok && i + 1 < hex.size(); i += 2) {
    int v = 0;
    const auto r = std::from_chars(hex.data() + i, hex.data() + i + 2, v, 16);
    if (r.ec != std::errc() || r.ptr != hex.data() + i + 2) ok = false;
    out += static_cast<char>(v);
  }
  return out;
}

}  // namespace

std::optional<Case> parse_case(const std::string& name, const std::string& text,
                               std::string& error) {
  Case c;
  c.name = name;
  std::istringstream in(text);
  std::string line;
  std::size_t consumed = 0;
  bool have_expect = false;
  while (std::getline(in, line)) {
    if (line.rfind("# ", 0) != 0 && line != "#") break;
    consumed += line.size() + 1;
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    const std::string key = trim(line.substr(2, colon - 2));
    const std::string value = trim(line.substr(colon + 1));
    if (key == "why") {
      c.why = value;
    } else if (key == "mode") {
      if (value == "http")
        c.mode = CaseMode::http;
      else if (value == "raw")
        c.mode = CaseMode::raw;
      else if (value == "ws")
        c.mode = CaseMode::ws;
      else {
        error = "unknown mode '" + value + "'";
        return std::nullopt;
      }
    } else if (key == "forbid") {
      c.forbid.push_back(value);
    } else if (key == "expect") {
      have_expect = true;
      const auto words = split(value, ' ');
      std::size_t i = 0;
      if (!words.empty() && words[0] == "ws") {
        i = 1;
        if (words.size() < 2) {
          error = "ws expectation needs close codes";
          return std::nullopt;
        }
        for (const auto& code : split(words[1], '|')) {
          long long v = 0;
          if (!parse_int(code, v)) {
            error = "bad close code '" + code + "'";
            return std::nullopt;
          }
          c.expect.ws_close_codes.push_back(static_cast<int>(v));
        }
        for (std::size_t j = 2; j < words.size(); ++j) {
          if (words[j] == "drop") c.expect.ws_drop_ok = true;
        }
        continue;
      }
      if (words.size() < 2) {
        error = "expect needs a status and a problem slug ('*' any, '-' none)";
        return std::nullopt;
      }
      for (const auto& s : split(words[i], '|')) {
        long long v = 0;
        // 0: the server closes the connection without an answer (a framing error mid-body).
        if (!parse_int(s, v) || ((v < 100 || v > 599) && v != 0)) {
          error = "bad status '" + s + "'";
          return std::nullopt;
        }
        c.expect.statuses.push_back(static_cast<int>(v));
      }
      if (words[i + 1] == "-")
        c.expect.no_problem = true;
      else if (words[i + 1] != "*")
        c.expect.slugs = split(words[i + 1], '|');
      for (std::size_t j = i + 2; j < words.size(); ++j) {
        if (words[j] == "close") c.expect.must_close = true;
      }
    } else {
      error = "unknown header '" + key + "'";
      return std::nullopt;
    }
  }
  if (!have_expect) {
    error = "no '# expect:' line";
    return std::nullopt;
  }
  if (c.why.empty()) {
    error = "no '# why:' line";
    return std::nullopt;
  }
  if ((c.mode == CaseMode::ws) != !c.expect.ws_close_codes.empty()) {
    error = "ws mode and a ws expectation go together";
    return std::nullopt;
  }
  std::string rest = text.substr(std::min(consumed, text.size()));
  if (c.mode == CaseMode::raw) {
    if (!rest.empty() && rest.back() == '\n') rest.pop_back();
    c.body = rest;
    return c;
  }
  const auto blank = rest.find("\n\n");
  if (blank == std::string::npos) {
    c.head = rest;
    while (!c.head.empty() && c.head.back() == '\n') c.head.pop_back();
  } else {
    c.head = rest.substr(0, blank);
    c.body = rest.substr(blank + 2);
    if (!c.body.empty() && c.body.back() == '\n') c.body.pop_back();
  }
  if (c.head.empty()) {
    error = "no request line";
    return std::nullopt;
  }
  return c;
}

std::vector<std::filesystem::path> case_files(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> out;
  std::error_code ec;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir, ec))
    if (e.is_regular_file() && e.path().extension() == ".http") out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

std::optional<std::string> expand(const std::string& text, const Vars& vars,
                                  const std::string& body, std::string& error) {
  std::string out;
  std::size_t i = 0;
  while (i < text.size()) {
    if (text[i] != '{') {
      out += text[i++];
      continue;
    }
    const auto close = text.find('}', i);
    if (close == std::string::npos) {
      out += text.substr(i);
      break;
    }
    const std::string token = text.substr(i + 1, close - i - 1);
    // A template is "{word}" or "{word:...}" with word in [a-z0-9_] starting with a letter; any
    // other brace (JSON's {"amount_vnd":1}) is literal text.
    std::size_t w = 0;
    while (w < token.size() && ((token[w] >= 'a' && token[w] <= 'z') ||
                                (token[w] >= '0' && token[w] <= '9') || token[w] == '_'))
      ++w;
    const bool is_template =
        w > 0 && token[0] >= 'a' && token[0] <= 'z' && (w == token.size() || token[w] == ':');
    if (!is_template) {
      out += '{';
      ++i;
      continue;
    }
    const auto parts = split(token, ':');
    if (parts[0] == "repeat" && parts.size() >= 3) {
      long long n = 0;
      if (!parse_int(parts[1], n) || n < 0 || n > 64LL << 20) {
        error = "bad repeat count in {" + token + "}";
        return std::nullopt;
      }
      std::string unit = token.substr(parts[0].size() + parts[1].size() + 2);
      if (unit == "\\n") unit = "\n";
      for (long long k = 0; k < n; ++k) out += unit;
    } else if (parts[0] == "hex" && parts.size() == 2) {
      bool ok = false;
      out += hex_decode(parts[1], ok);
      if (!ok) {
        error = "bad hex in {" + token + "}";
        return std::nullopt;
      }
    } else if (parts[0] == "sig" && parts.size() >= 3) {
      auto var = [&](const std::string& n) -> std::optional<std::string> {
        const auto it = vars.find(n);
        if (it == vars.end()) return std::nullopt;
        return it->second;
      };
      if (parts[1] == "sepay" && parts.size() == 3) {
        // SePay's HMAC mode: lower hex HMAC-SHA256(secret, "<timestamp>.<raw body>").
        const auto ts = var(parts[2]);
        const auto secret = var("sepay_secret");
        if (!ts || !secret) {
          error = "{" + token + "} needs sepay_secret and " + parts[2];
          return std::nullopt;
        }
        out += "sha256=" + hmac_hex("SHA256", *secret, *ts + "." + body);
      } else if (parts[1] == "stdwh" && parts.size() == 4) {
        // Standard Webhooks: "v1," + base64 HMAC-SHA256(base64-decoded secret, "id.ts.body").
        const auto id = var(parts[2]);
        const auto ts = var(parts[3]);
        const auto secret = var("stdwh_secret");
        if (!id || !ts || !secret || secret->rfind("whsec_", 0) != 0) {
          error = "{" + token + "} needs stdwh_secret (whsec_...), " + parts[2] + ", " + parts[3];
          return std::nullopt;
        }
        out += "v1," + hmac_base64("SHA256", base64_decode(secret->substr(6)),
                                   *id + "." + *ts + "." + body);
      } else {
        error = "unknown signature {" + token + "}";
        return std::nullopt;
      }
    } else if (token == "cr") {
      out += '\r';
    } else if (token == "lf") {
      out += '\n';
    } else if (token == "len") {
      out += std::to_string(body.size());
    } else if (parts.size() == 1 && vars.count(token)) {
      out += vars.at(token);
    } else {
      error = "unknown template {" + token + "}";
      return std::nullopt;
    }
    i = close + 1;
  }
  return out;
}

std::optional<std::string> build_request(const Case& c, const Vars& vars, std::string& error) {
  if (c.mode == CaseMode::raw) {
    // Line ends become CRLF before expansion, so {lf}/{cr}/{hex:..} put bare bytes exactly.
    return expand(to_crlf(c.body), vars, "", error);
  }
  std::string body;
  if (c.mode == CaseMode::http) {
    auto b = expand(c.body, vars, "", error);
    if (!b) return std::nullopt;
    body = std::move(*b);
  }
  auto head = expand(to_crlf(c.head), vars, body, error);
  if (!head) return std::nullopt;
  return *head + "\r\n\r\n" + body;
}

std::optional<std::vector<std::string>> build_frames(const Case& c, const Vars& vars,
                                                     std::string& error) {
  std::vector<std::string> frames;
  std::istringstream in(c.body);
  std::string line;
  while (std::getline(in, line)) {
    if (trim(line).empty()) continue;
    int fin = 1, op = 1, mask = 1, rsv = 0;
    long long count = 1, declared = -1;
    std::string payload;
    // "fin=0 op=1 mask=1 rsv=0 count=N len=N payload=TEXT" (payload last: it may hold spaces).
    std::string rest = line;
    while (!rest.empty()) {
      const auto eq = rest.find('=');
      if (eq == std::string::npos) break;
      const std::string key = trim(rest.substr(0, eq));
      if (key == "payload") {
        auto p = expand(rest.substr(eq + 1), vars, "", error);
        if (!p) return std::nullopt;
        payload = *p;
        break;
      }
      const auto sp = rest.find(' ', eq);
      const std::string val = rest.substr(eq + 1, sp == std::string::npos ? sp : sp - eq - 1);
      long long v = 0;
      if (!parse_int(val, v)) {
        error = "bad frame field '" + key + "=" + val + "'";
        return std::nullopt;
      }
      if (key == "fin")
        fin = static_cast<int>(v);
      else if (key == "op")
        op = static_cast<int>(v);
      else if (key == "mask")
        mask = static_cast<int>(v);
      else if (key == "rsv")
        rsv = static_cast<int>(v);
      else if (key == "count")
        count = v;
      else if (key == "len")
        declared = v;
      else {
        error = "unknown frame field '" + key + "'";
        return std::nullopt;
      }
      rest = sp == std::string::npos ? "" : rest.substr(sp + 1);
    }
    std::string f;
    f += static_cast<char>((fin ? 0x80 : 0) | ((rsv & 7) << 4) | (op & 0x0F));
    const std::uint64_t len = declared >= 0 ? static_cast<std::uint64_t>(declared) : payload.size();
    const char mask_bit = mask ? static_cast<char>(0x80) : 0;
    if (len < 126) {
      f += static_cast<char>(mask_bit | static_cast<char>(len));
    } else if (len < 65536) {
      f += static_cast<char>(mask_bit | 126);
      f += static_cast<char>(len >> 8);
      f += static_cast<char>(len & 0xFF);
    } else {
      f += static_cast<char>(mask_bit | 127);
      for (int s = 56; s >= 0; s -= 8) f += static_cast<char>((len >> s) & 0xFF);
    }
    const unsigned char key[4] = {0x37, 0xfa, 0x21, 0x3d};
    if (mask) f.append(reinterpret_cast<const char*>(key), 4);
    for (std::size_t k = 0; k < payload.size(); ++k)
      f += mask ? static_cast<char>(payload[k] ^ key[k % 4]) : payload[k];
    for (long long k = 0; k < count; ++k) frames.push_back(f);
  }
  if (frames.empty()) {
    error = "ws case without frames";
    return std::nullopt;
  }
  return frames;
}

std::vector<WsFrame> parse_ws_frames(std::string& bytes) {
  std::vector<WsFrame> out;
  std::size_t pos = 0;
  for (;;) {
    if (bytes.size() - pos < 2) break;
    const auto b0 = static_cast<unsigned char>(bytes[pos]);
    const auto b1 = static_cast<unsigned char>(bytes[pos + 1]);
    std::size_t hdr = 2;
    std::uint64_t len = b1 & 0x7F;
    if (len == 126) {
      if (bytes.size() - pos < 4) break;
      len = (static_cast<unsigned char>(bytes[pos + 2]) << 8) |
            static_cast<unsigned char>(bytes[pos + 3]);
      hdr = 4;
    } else if (len == 127) {
      if (bytes.size() - pos < 10) break;
      len = 0;
      for (int k = 0; k < 8; ++k) len = (len << 8) | static_cast<unsigned char>(bytes[pos + 2 + k]);
      hdr = 10;
    }
    if (b1 & 0x80) hdr += 4;  // a masked server frame is a protocol error, but parse it
    if (bytes.size() - pos < hdr + len) break;
    WsFrame f;
    f.fin = (b0 & 0x80) != 0;
    f.opcode = b0 & 0x0F;
    f.payload = bytes.substr(pos + hdr, len);
    out.push_back(std::move(f));
    pos += hdr + len;
  }
  bytes.erase(0, pos);
  return out;
}

}  // namespace cho4::hostile
