#include "switch/handlers/static_files.h"

#include <algorithm>
#include <array>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <system_error>
#include <utility>

namespace cho4::server {
namespace fs = std::filesystem;

namespace {

// Pages may load only what web/ and the API serve: no inline script, no third-party origin. QR
// images arrive as blob: (fetched with the device token) or data: (drawn locally) URLs.
constexpr std::string_view kContentSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "media-src 'self' blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'";

struct TypeByExtension {
  std::string_view extension;
  std::string_view type;
};
constexpr std::array<TypeByExtension, 12> kTypes{{
    {".html", "text/html; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".mjs", "text/javascript; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".json", "application/json"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".jpg", "image/jpeg"},
    {".ico", "image/x-icon"},
    {".webmanifest", "application/manifest+json"},
    {".txt", "text/plain; charset=utf-8"},
    {".woff2", "font/woff2"},
}};

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// One segment of an asset path: printable, not hidden, no separators of any platform.
bool safe_segment(std::string_view seg) {
  if (seg.empty() || seg.front() == '.') return false;  // "", ".", "..", ".git", ".env"
  for (char c : seg) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f || c == '\\' || c == ':') return false;
  }
  return true;
}

Response method_not_allowed() {
  Response r = Response::text(405, "method not allowed\n");
  r.headers.emplace_back("Allow", "GET, HEAD");
  return r;
}

}  // namespace

std::string default_web_dir() {
#ifdef CHO4_DEFAULT_WEB_DIR
  return CHO4_DEFAULT_WEB_DIR;
#else
  return "web";
#endif
}

StaticFiles::StaticFiles(std::string root) : root_(std::move(root)) {}

std::string_view StaticFiles::content_type(std::string_view file_name) {
  for (const auto& t : kTypes)
    if (ends_with(file_name, t.extension)) return t.type;
  return "application/octet-stream";
}

std::optional<std::string> StaticFiles::relative_file(std::string_view path) {
  if (path == "/" || path == "/index.html") return "index.html";
  constexpr std::string_view kStall = "/stall/";
  if (path.substr(0, kStall.size()) == kStall) {
    std::string_view id = path.substr(kStall.size());
    if (!id.empty() && id.back() == '/') id.remove_suffix(1);
    // One segment: the stall id. The page reads it from its own address.
    if (id.empty() || id.find('/') != std::string_view::npos || !safe_segment(id))
      return std::nullopt;
    return "stall.html";
  }
  constexpr std::string_view kAssets = "/assets/";
  if (path.substr(0, kAssets.size()) != kAssets) return std::nullopt;
  std::string_view rest = path.substr(kAssets.size());
  std::string out = "assets";
  while (!rest.empty()) {
    auto slash = rest.find('/');
    std::string_view seg = rest.substr(0, slash);
    if (!safe_segment(seg)) return std::nullopt;
    out += '/';
    out += seg;
    if (slash == std::string_view::npos) break;
    rest.remove_prefix(slash + 1);
    if (rest.empty()) return std::nullopt;  // "/assets/dir/" is not a file
  }
  if (out == "assets") return std::nullopt;
  return out;
}

std::optional<Response> StaticFiles::handle(const Request& request) const {
  auto rel = relative_file(request.path);
  if (!rel) return std::nullopt;
  const bool head = request.method == "HEAD";
  if (request.method != "GET" && !head) return method_not_allowed();

  std::error_code ec;
  const fs::path root = fs::canonical(root_, ec);
  if (ec) return std::nullopt;
  const fs::path file = fs::canonical(root / *rel, ec);
  if (ec) return std::nullopt;
  // Symlinks inside web/ must not lead out of it.
  auto [root_end, file_it] = std::mismatch(root.begin(), root.end(), file.begin(), file.end());
  if (root_end != root.end()) return std::nullopt;
  if (!fs::is_regular_file(file, ec) || ec) return std::nullopt;
  const auto size = fs::file_size(file, ec);
  if (ec || size > kStaticFileBytesMax) return std::nullopt;

  std::ifstream in(file, std::ios::binary);
  if (!in) return std::nullopt;
  std::string body{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  if (in.bad()) return std::nullopt;

  Response r =
      Response::text(200, head ? std::string() : std::move(body), std::string(content_type(*rel)));
  // Screens change with the binary; a stall phone must never run yesterday's script.
  r.headers.emplace_back("Cache-Control", "no-cache");
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  r.headers.emplace_back("Referrer-Policy", "no-referrer");
  if (ends_with(*rel, ".html")) {
    r.headers.emplace_back("Content-Security-Policy", std::string(kContentSecurityPolicy));
    r.headers.emplace_back("X-Frame-Options", "DENY");
  }
  return r;
}

}  // namespace cho4::server
