// `cho4 serve`: builds the object graph (ledger engine, adapters, auth, hub, metrics, API,
// server) once, bootstraps the admin token and, with --demo, a demo market, then serves until
// SIGTERM/SIGINT and flushes the ledger on the way out.
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>
#include <sstream>

#include <boost/json.hpp>

#include "adapters/registry.h"
#include "ledger/engine.h"
#include "switch/api.h"
#include "switch/auth.h"
#include "switch/auth_limiter.h"
#include "switch/cli/command.h"
#include "switch/config.h"
#include "switch/handlers/static_files.h"
#include "switch/logger.h"
#include "switch/metrics.h"
#include "switch/notify_hub.h"
#include "switch/profiles.h"
#include "switch/serve_setup.h"
#include "switch/server.h"
#include "switch/services.h"

#ifdef CHO4_HAVE_SIGNAGE
#include "qr/signage/check_code.h"
#endif

namespace cho4::cli {

namespace fs = std::filesystem;
using namespace cho4::server;

namespace {

const char kUsage[] =
    "usage: cho4 serve [--config FILE] [--data DIR] [--listen HOST:PORT] [--threads N] [--demo]\n"
    "\n"
    "Runs the payment switch: webhooks in, ledger, notifications out (docs/server.md).\n"
    "  --config FILE       JSON configuration (examples/cho4.json)\n"
    "  --data DIR          data folder (ledger, admin.token, demo.json); created 0700\n"
    "  --listen HOST:PORT  address to listen on; port 0 picks a free one (written to "
    "DIR/server.port)\n"
    "  --threads N         I/O threads\n"
    "  --demo              loopback demo: a demo market with stalls on first start, tokens in "
    "DIR/demo.json\n"
    "  --quiet             no per-request log lines\n";

void raise_fd_limit() {
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return;
  rlim_t want = std::min<rlim_t>(rl.rlim_max, kFileDescriptorsWanted);
  if (rl.rlim_cur < want) {
    rl.rlim_cur = want;
    setrlimit(RLIMIT_NOFILE, &rl);
  }
}

}  // namespace

int run_serve(Args args) {
  std::string config_file, data_dir, listen, threads;
  bool demo = false, quiet = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    auto a = args[i];
    auto value = [&](std::string& out) {
      if (i + 1 >= args.size()) return false;
      out = std::string(args[++i]);
      return true;
    };
    if (a == "--help" || a == "-h") {
      std::fputs(kUsage, stdout);
      return kExitOk;
    } else if (a == "--config") {
      if (!value(config_file)) return std::fputs(kUsage, stderr), kExitUsage;
    } else if (a == "--data") {
      if (!value(data_dir)) return std::fputs(kUsage, stderr), kExitUsage;
    } else if (a == "--listen") {
      if (!value(listen)) return std::fputs(kUsage, stderr), kExitUsage;
    } else if (a == "--threads") {
      if (!value(threads)) return std::fputs(kUsage, stderr), kExitUsage;
    } else if (a == "--demo") {
      demo = true;
    } else if (a == "--quiet") {
      quiet = true;
    } else {
      std::fprintf(stderr, "cho4 serve: unknown option '%.*s'\n%s", int(a.size()), a.data(),
                   kUsage);
      return kExitUsage;
    }
  }

  ServerConfig config;
  if (!config_file.empty()) {
    auto c = load_config_file(config_file);
    if (!c.ok()) {
      std::fprintf(stderr, "cho4 serve: %s\n", c.error().message().c_str());
      return kExitInvalidInput;
    }
    config = std::move(*c);
  } else if (demo) {
    config.data_dir = "cho4-demo-data";
  }
  if (auto st = apply_env(config, std::getenv); !st.ok()) {
    std::fprintf(stderr, "cho4 serve: %s\n", st.message().c_str());
    return kExitInvalidInput;
  }
  if (!data_dir.empty()) config.data_dir = data_dir;
  if (!listen.empty()) {
    if (auto st = parse_listen(listen, config.listen_host, config.listen_port); !st.ok()) {
      std::fprintf(stderr, "cho4 serve: %s\n", st.message().c_str());
      return kExitUsage;
    }
  }
  if (!threads.empty()) config.io_threads = static_cast<std::size_t>(std::atoi(threads.c_str()));
  config.demo = demo;
  if (quiet) config.log_requests = false;
  if (demo) {
    // The demo never listens beyond this machine.
    if (listen.empty()) config.listen_host = "127.0.0.1";
    add_demo_adapters(config);
  }
  if (auto st = validate(config); !st.ok()) {
    std::fprintf(stderr, "cho4 serve: %s\n", st.message().c_str());
    return kExitInvalidInput;
  }

  raise_fd_limit();
  SystemClock clock;
  Logger log(clock);
  std::error_code ec;
  fs::create_directories(config.data_dir, ec);
  if (ec) {
    std::fprintf(stderr, "cho4 serve: cannot create %s: %s\n", config.data_dir.c_str(),
                 ec.message().c_str());
    return kExitInternal;
  }
  ::chmod(config.data_dir.c_str(), 0700);

  Metrics metrics;
  NotifyHub hub(&metrics);
  ledger::Options opts;
  opts.path = (fs::path(config.data_dir) / "ledger").string();
  opts.clock = &clock;
  opts.queue_capacity = config.limits.engine_queue_capacity;
  opts.batch_entries_max = config.ledger.batch_max_entries;
  opts.batch_wait_max = std::chrono::microseconds(config.ledger.batch_max_wait_us);
  opts.background_low_priority = config.ledger.background_low_priority;
  opts.order_lifetime_ms = config.ledger.order_lifetime_s * 1000;
  opts.outbox_retention_ms = config.ledger.outbox_retention_s * 1000;
  auto engine_or = ledger::Engine::open(opts);
  if (!engine_or.ok()) {
    std::fprintf(stderr, "cho4 serve: cannot open the ledger: %s\n",
                 engine_or.error().message().c_str());
    return kExitInternal;
  }
  std::unique_ptr<ledger::Engine> engine = std::move(*engine_or);
  engine->set_on_commit([&hub, &metrics](std::span<const ledger::OutboxEvent> events) {
    metrics.batch_size().observe(static_cast<double>(events.size()));
    hub.publish(events);
  });

  adapters::Registry registry;
  for (const auto& st : registry.configure(boost::json::value(config.adapters))) {
    std::fprintf(stderr, "cho4 serve: adapter configuration: %s\n", st.message().c_str());
    return kExitInvalidInput;
  }

  auto profiles_or = Profiles::open((fs::path(config.data_dir) / "profiles.json").string());
  if (!profiles_or.ok()) {
    std::fprintf(stderr, "cho4 serve: %s\n", profiles_or.error().message().c_str());
    return kExitInternal;
  }
  auto profiles = std::move(*profiles_or);
  Auth auth(*engine, clock, random_hex(32));

  if (auto st = bootstrap_admin(*engine, config.data_dir); !st.ok()) {
    std::fprintf(stderr, "cho4 serve: %s\n", st.message().c_str());
    return kExitInternal;
  }

  Services services{config, clock,   *engine,   registry, auth,
                    hub,    metrics, *profiles, log,      load_openapi()};
  StaticFiles web(config.web_dir.empty() ? default_web_dir() : config.web_dir);
  services.web = &web;
  if (!config.signage_secret_env.empty()) {
    const char* secret = std::getenv(config.signage_secret_env.c_str());
    if (secret == nullptr || *secret == '\0') {
      std::fprintf(stderr, "cho4 serve: signage_secret_env: %s is not set\n",
                   config.signage_secret_env.c_str());
      return kExitInvalidInput;
    }
#ifdef CHO4_HAVE_SIGNAGE
    if (auto key = signage::CheckCodeKey::from_secret(secret); !key.ok()) {
      std::fprintf(stderr, "cho4 serve: signage_secret_env: %s\n", key.error().message().c_str());
      return kExitInvalidInput;
    }
#endif
    services.signage_secret = secret;
  }
  AuthFailureLimiter auth_limiter(clock, log);
  services.auth_limiter = &auth_limiter;
  Api api(services);
  if (demo) {
    if (auto st = ensure_demo(services, config.data_dir); !st.ok()) {
      std::fprintf(stderr, "cho4 serve: demo set-up failed: %s\n", st.message().c_str());
      return kExitInternal;
    }
  }

  Server server(config, api, metrics, hub, *engine, log);
  services.connections = [&server] { return server.connections(); };
  server.on_shutdown([&services] { services.draining = true; });
  if (auto st = server.open(); !st.ok()) {
    std::fprintf(stderr, "cho4 serve: %s\n", st.message().c_str());
    return kExitInternal;
  }
  std::string scheme = config.tls.enabled() ? "https" : "http";
  std::string base = scheme + "://" +
                     (config.listen_host == "0.0.0.0" ? "127.0.0.1" : config.listen_host) + ":" +
                     std::to_string(server.port());
  {
    std::ofstream pf((fs::path(config.data_dir) / "server.port").string(), std::ios::trunc);
    pf << server.port() << "\n";
  }
  if (!config.port_file.empty()) {
    std::ofstream pf(config.port_file, std::ios::trunc);
    pf << server.port() << "\n";
  }
  std::printf("cho4 serve: listening on %s (data in %s)\n", base.c_str(), config.data_dir.c_str());
  std::printf("  health:   %s/healthz\n  metrics:  %s/metrics\n  api:      %s/openapi.json\n",
              base.c_str(), base.c_str(), base.c_str());
  std::printf("  screens:  %s/ (market dashboard), %s/stall/{id} (stall screen)\n", base.c_str(),
              base.c_str());
  if (demo) print_demo(base, config.data_dir);
  std::fflush(stdout);
  log.info("serving",
           {{"listen", base}, {"threads", config.io_threads}, {"tls", config.tls.enabled()}});

  server.run(true);
  services.draining = true;
  // Every accepted ledger command completes (and is durable) before the engine goes away.
  engine.reset();
  log.info("stopped", {});
  return kExitOk;
}

}  // namespace cho4::cli
