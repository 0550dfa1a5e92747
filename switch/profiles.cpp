#include "switch/profiles.h"

#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>

#include <boost/json.hpp>

#include "core/ids.h"

namespace cho4::server {
namespace json = boost::json;

Result<std::unique_ptr<Profiles>> Profiles::open(std::string path) {
  std::unique_ptr<Profiles> p(new Profiles(path));
  if (path.empty()) return p;
  std::ifstream in(path, std::ios::binary);
  if (!in) return p;  // first start
  std::ostringstream ss;
  ss << in.rdbuf();
  boost::system::error_code ec;
  auto v = json::parse(ss.str(), ec);
  if (ec || !v.is_object()) return data_loss("profiles: " + path + " is not valid JSON");
  const auto& o = v.as_object();
  auto text = [](const json::object& obj, const char* key) {
    auto* f = obj.if_contains(key);
    return f && f->is_string() ? std::string(f->as_string()) : std::string();
  };
  if (auto* m = o.if_contains("markets"); m && m->is_object())
    for (const auto& kv : m->as_object()) {
      auto id = parse_id(kv.key());
      if (id.ok() && kv.value().is_object())
        p->markets_[*id] = MarketProfile{text(kv.value().as_object(), "city")};
    }
  if (auto* s = o.if_contains("stalls"); s && s->is_object())
    for (const auto& kv : s->as_object()) {
      auto id = parse_id(kv.key());
      if (id.ok() && kv.value().is_object())
        p->stalls_[*id] = StallProfile{text(kv.value().as_object(), "number"),
                                       text(kv.value().as_object(), "holder_name")};
    }
  return p;
}

MarketProfile Profiles::market(std::uint64_t id) const {
  std::lock_guard lock(mu_);
  auto it = markets_.find(id);
  return it == markets_.end() ? MarketProfile{} : it->second;
}

StallProfile Profiles::stall(std::uint64_t id) const {
  std::lock_guard lock(mu_);
  auto it = stalls_.find(id);
  return it == stalls_.end() ? StallProfile{} : it->second;
}

Status Profiles::set_market(std::uint64_t id, MarketProfile p) {
  std::lock_guard lock(mu_);
  markets_[id] = std::move(p);
  return save_locked();
}

Status Profiles::set_stall(std::uint64_t id, StallProfile p) {
  std::lock_guard lock(mu_);
  stalls_[id] = std::move(p);
  return save_locked();
}

Status Profiles::save_locked() const {
  if (path_.empty()) return {};
  json::object markets;
  for (const auto& [id, m] : markets_) markets[std::to_string(id)] = json::object{{"city", m.city}};
  json::object stalls;
  for (const auto& [id, s] : stalls_)
    stalls[std::to_string(id)] = json::object{{"number", s.number}, {"holder_name", s.holder_name}};
  std::string text = json::serialize(json::object{{"markets", markets}, {"stalls", stalls}});
  std::string tmp = path_ + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << text;
    out.flush();
    if (!out) return io_error("profiles: cannot write " + tmp);
  }
  if (std::rename(tmp.c_str(), path_.c_str()) != 0)
    return io_error("profiles: cannot replace " + path_);
  return {};
}

}  // namespace cho4::server
