#include "switch/router.h"

namespace cho4::server {
namespace {

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> out;
  std::size_t i = 1;  // skip the leading '/'
  while (i <= path.size()) {
    auto slash = path.find('/', i);
    if (slash == std::string_view::npos) slash = path.size();
    out.push_back(path.substr(i, slash - i));
    i = slash + 1;
  }
  return out;
}

bool is_capture(std::string_view seg) {
  return seg.size() > 2 && seg.front() == '{' && seg.back() == '}';
}

}  // namespace

std::string_view RouteMatch::param(std::string_view name) const {
  for (const auto& [k, v] : params)
    if (k == name) return v;
  return {};
}

void Router::add(std::string method, std::string pattern, std::size_t index) {
  Entry e{std::move(method), std::move(pattern), {}, index};
  for (auto seg : split_path(e.pattern)) e.segments.emplace_back(seg);
  entries_.push_back(std::move(e));
}

Router::Outcome Router::match(std::string_view method, std::string_view path) const {
  Outcome out;
  if (path.empty() || path.front() != '/') return out;
  auto segs = split_path(path);
  for (const auto& e : entries_) {
    if (e.segments.size() != segs.size()) continue;
    RouteMatch m;
    bool ok = true;
    for (std::size_t i = 0; i < segs.size() && ok; ++i) {
      const auto& want = e.segments[i];
      if (is_capture(want)) {
        if (segs[i].empty())
          ok = false;
        else
          m.params.emplace_back(std::string_view(want).substr(1, want.size() - 2),
                                std::string(segs[i]));
      } else if (want != segs[i]) {
        ok = false;
      }
    }
    if (!ok) continue;
    if (e.method == method || (method == "HEAD" && e.method == "GET")) {
      m.index = e.index;
      m.pattern = e.pattern;
      out.match = std::move(m);
      return out;
    }
    out.miss = Miss::method_not_allowed;
    if (!out.allow.empty()) out.allow += ", ";
    out.allow += e.method;
  }
  return out;
}

}  // namespace cho4::server
