// StaticFiles: serves cho4's own screens (web/: the market dashboard at "/", the stall screen at
// "/stall/{id}", their scripts and styles under "/assets/") from a directory on disk. A pure
// handler: it sees a Request and returns a Response, no sockets (STYLE §7).
//
// Only three shapes of path are answered; anything else is not ours (nullopt) and the caller
// answers 404 as for any unknown route. Paths with "..", ".", empty or hidden segments,
// backslashes or NUL bytes are refused before touching the disk, and the resolved file must still
// lie inside the root after symlinks are followed, so no request can read outside web/.
//
// Immutable after construction; handle() is thread-safe (each call reads the file anew, so an
// edited page is served without a restart).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "switch/http_types.h"

namespace cho4::server {

// A screen file larger than this is a mistake (the whole web/ folder is about 100 KB).
inline constexpr std::size_t kStaticFileBytesMax = 2 * 1024 * 1024;

// The web/ folder of the source tree this binary was built from, when the build said so
// (CHO4_DEFAULT_WEB_DIR), else "web" relative to the working directory.
std::string default_web_dir();

class StaticFiles {
 public:
  // root: the folder holding index.html, stall.html and assets/. It need not exist yet; requests
  // are then answered 404 (nullopt).
  explicit StaticFiles(std::string root);

  // GET or HEAD of "/", "/index.html", "/stall/{id}" or "/assets/<file>": the file with its
  // content type and security headers. Another method on those paths: 405 with Allow. A path of
  // another shape, an unsafe path or a missing file: nullopt.
  std::optional<Response> handle(const Request& request) const;

  // "text/html; charset=utf-8" for "x.html", …; "application/octet-stream" when unknown.
  static std::string_view content_type(std::string_view file_name);

  // The file (relative to the root) that serves `path`, or nullopt when the path is not one of
  // ours or not safe. Exposed for tests.
  static std::optional<std::string> relative_file(std::string_view path);

  const std::string& root() const { return root_; }

 private:
  std::string root_;
};

}  // namespace cho4::server
