// Admin: a consistent backup of the live store (a RocksDB checkpoint), which `cho4 backup
// --server URL` calls, since a second process cannot open the live store.
#include <filesystem>
#include <vector>

#include "switch/handlers/handlers.h"
#include "switch/logger.h"

namespace cho4::server::handlers {

CHO4_HANDLER(admin_backup) {
  (void)m, (void)reply, (void)exec;
  TRY(p, authenticate(r, s));
  if (auto a = Auth::require_admin(p); !a.ok()) return problem(a, r);
  TRY(body, json_body(r));
  TRY(to, str_field(r, body, "to", true, 4096));
  std::filesystem::path dir(to);
  if (!dir.is_absolute()) dir = std::filesystem::path(s.config.data_dir).parent_path() / dir;
  std::error_code ec;
  if (std::filesystem::exists(dir, ec))
    return problem(Problem::conflict, "the backup directory must not exist", r);
  // Folders above the backup that do not exist yet are created owner-only, like the backup.
  std::vector<std::filesystem::path> missing;
  for (auto up = dir.parent_path(); up.has_relative_path() && !std::filesystem::exists(up, ec);
       up = up.parent_path())
    missing.push_back(up);
  for (auto it = missing.rbegin(); it != missing.rend(); ++it) {
    std::filesystem::create_directory(*it, ec);
    std::filesystem::permissions(*it, std::filesystem::perms::owner_all, ec);
  }
  auto st = s.engine.checkpoint_to(dir.string());
  if (!st.ok()) return problem(st, r);
  s.log.info("backup written", {{"request_id", r.request_id}, {"to", dir.string()}});
  return json_response(201, json::object{{"to", dir.string()}});
}

}  // namespace cho4::server::handlers
