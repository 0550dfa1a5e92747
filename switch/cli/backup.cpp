// `cho4 backup` and `cho4 restore`: RocksDB checkpoints of a ledger store.
//   cho4 backup --data DIR --to BACKUP_DIR
//   cho4 backup --server http://HOST:PORT --to BACKUP_DIR [--token-file F]
//   cho4 restore --from BACKUP_DIR --data DIR      (also: cho4 backup --restore --from … --data …)
// A running server holds the store's lock, so a second process cannot open it: the backup of a
// live store is asked of the server (POST /v1/admin/backup), which checkpoints from its own handle.
// With --data DIR of a running server (DIR/server.port exists and the store is locked), that
// happens by itself, with the admin token from DIR/admin.token.
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "ledger/backup.h"
#include "ledger/check.h"
#include "switch/cli/command.h"
#include "switch/cli/data_dir.h"

namespace cho4::cli {
namespace {

void usage(std::FILE* out) {
  std::fprintf(out,
               "usage:\n"
               "  cho4 backup --data DIR --to BACKUP_DIR     checkpoint a store (a running\n"
               "                                             server's, through that server)\n"
               "  cho4 backup --server http://HOST:PORT --to BACKUP_DIR [--token-file F]\n"
               "                                             ask a running server for a backup;\n"
               "                                             token: F, or $CHO4_ADMIN_TOKEN\n"
               "  cho4 restore --from BACKUP_DIR --data DIR  restore into an empty directory\n"
               "  cho4 backup --restore --from BACKUP_DIR --data DIR\n");
}

int restore(const std::string& from, const std::string& data) {
  Status s = ledger::restore_store(from, data);
  if (!s.ok()) {
    std::fprintf(stderr, "cho4 restore: %s\n", s.to_string().c_str());
    return s.code() == StatusCode::already_exists || s.code() == StatusCode::not_found
               ? kExitInvalidInput
               : kExitInternal;
  }
  auto report = ledger::check_store(data);
  if (!report.ok() || !report->ok()) {
    std::fprintf(stderr, "cho4 restore: the restored store fails `cho4 ledger check`\n");
    return kExitInternal;
  }
  std::printf("restored %s into %s (%llu credits, check ok)\n", from.c_str(), data.c_str(),
              (unsigned long long)report->credits);
  return kExitOk;
}

// Reads the first line of a file (a token or a port), trimmed; empty when unreadable.
std::string first_line(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::string line;
  std::getline(in, line);
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
  return line;
}

// POST /v1/admin/backup on a running server. `to` is made absolute here: the server resolves
// relative paths against its own data folder, which is not what a shell user means.
int backup_through_server(const std::string& server, const std::string& token,
                          const std::string& to) {
  namespace beast = boost::beast;
  namespace http = beast::http;
  using boost::asio::ip::tcp;
  std::string_view url = server;
  if (url.starts_with("http://")) url.remove_prefix(7);
  while (url.ends_with("/")) url.remove_suffix(1);
  auto colon = url.rfind(':');
  if (url.empty() || colon == std::string_view::npos || url.find('/') != std::string_view::npos) {
    std::fprintf(stderr, "cho4 backup: --server wants http://HOST:PORT, got '%s'\n",
                 server.c_str());
    return kExitUsage;
  }
  if (token.empty()) {
    std::fprintf(stderr,
                 "cho4 backup: no admin token (--token-file F, $CHO4_ADMIN_TOKEN, or --data DIR "
                 "with DIR/admin.token)\n");
    return kExitUsage;
  }
  std::string host(url.substr(0, colon)), port(url.substr(colon + 1));
  std::error_code fec;
  std::string dest = std::filesystem::absolute(to, fec).lexically_normal().string();
  try {
    boost::asio::io_context io;
    tcp::resolver resolver(io);
    tcp::socket socket(io);
    boost::asio::connect(socket, resolver.resolve(host, port));
    http::request<http::string_body> req(http::verb::post, "/v1/admin/backup", 11);
    req.set(http::field::host, host);
    req.set(http::field::authorization, "Bearer " + token);
    req.set(http::field::content_type, "application/json");
    req.body() = boost::json::serialize(boost::json::object{{"to", dest}});
    req.prepare_payload();
    http::write(socket, req);
    beast::flat_buffer buffer;
    http::response<http::string_body> res;
    http::read(socket, buffer, res);
    beast::error_code ec;
    socket.shutdown(tcp::socket::shutdown_both, ec);
    if (res.result_int() != 201) {
      // A problem+json body: its title and detail say what went wrong.
      std::string why = res.body();
      boost::system::error_code jec;
      auto v = boost::json::parse(res.body(), jec);
      if (!jec && v.is_object()) {
        const auto& o = v.as_object();
        why.clear();
        for (const char* k : {"title", "detail"})
          if (auto* f = o.if_contains(k); f && f->is_string())
            why += (why.empty() ? "" : ": ") + std::string(f->as_string());
      }
      std::fprintf(stderr, "cho4 backup: the server answered %u: %s\n", res.result_int(),
                   why.c_str());
      return res.result_int() == 401 || res.result_int() == 403 || res.result_int() == 409
                 ? kExitInvalidInput
                 : kExitInternal;
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "cho4 backup: cannot reach %s: %s\n", server.c_str(), e.what());
    return kExitInternal;
  }
  std::printf("backed up the running server at %s to %s\n", server.c_str(), dest.c_str());
  return kExitOk;
}

struct Flags {
  std::string data, to, from, server, token_file;
  bool restore = false;
  bool help = false;
};

bool parse(Args args, Flags& f) {
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string_view a = args[i];
    auto value = [&](std::string& out) {
      if (i + 1 >= args.size()) return false;
      out = std::string(args[++i]);
      return true;
    };
    bool ok = true;
    if (a == "--help" || a == "-h")
      f.help = true;
    else if (a == "--data")
      ok = value(f.data);
    else if (a == "--to")
      ok = value(f.to);
    else if (a == "--from")
      ok = value(f.from);
    else if (a == "--server")
      ok = value(f.server);
    else if (a == "--token-file")
      ok = value(f.token_file);
    else if (a == "--restore")
      f.restore = true;
    else
      ok = false;
    if (!ok) {
      std::fprintf(stderr, "cho4: bad argument '%.*s'\n", int(a.size()), a.data());
      return false;
    }
  }
  return true;
}

}  // namespace

int run_backup(Args args) {
  Flags f;
  if (!parse(args, f)) {
    usage(stderr);
    return kExitUsage;
  }
  if (f.help) {
    usage(stdout);
    return kExitOk;
  }
  if (f.restore) {
    if (f.from.empty() || f.data.empty()) {
      usage(stderr);
      return kExitUsage;
    }
    return restore(f.from, f.data);
  }
  if ((f.data.empty() && f.server.empty()) || f.to.empty()) {
    usage(stderr);
    return kExitUsage;
  }
  auto admin_token = [&] {
    if (!f.token_file.empty()) return first_line(f.token_file);
    if (const char* env = std::getenv("CHO4_ADMIN_TOKEN"); env && *env) return std::string(env);
    return f.data.empty() ? std::string()
                          : first_line(std::filesystem::path(f.data) / "admin.token");
  };
  if (!f.server.empty()) return backup_through_server(f.server, admin_token(), f.to);
  Status s = ledger::backup_store(ledger_store_dir(f.data), f.to);
  if (s.code() == StatusCode::unavailable) {
    // Locked: is a server running on this data folder?
    std::string port = first_line(std::filesystem::path(f.data) / "server.port");
    if (!port.empty()) {
      std::fprintf(stderr, "cho4 backup: the store is in use; asking the server on port %s\n",
                   port.c_str());
      return backup_through_server("http://127.0.0.1:" + port, admin_token(), f.to);
    }
  }
  if (!s.ok()) {
    std::fprintf(stderr, "cho4 backup: %s\n", s.to_string().c_str());
    return s.code() == StatusCode::unavailable || s.code() == StatusCode::internal
               ? kExitInternal
               : kExitInvalidInput;
  }
  std::printf("backed up %s to %s\n", f.data.c_str(), f.to.c_str());
  return kExitOk;
}

int run_restore(Args args) {
  Flags f;
  if (!parse(args, f) || (!f.help && (f.from.empty() || f.data.empty()))) {
    usage(stderr);
    return kExitUsage;
  }
  if (f.help) {
    usage(stdout);
    return kExitOk;
  }
  return restore(f.from, f.data);
}

}  // namespace cho4::cli
