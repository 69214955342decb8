// ecom-fcgi: the FastCGI application. Flags → config → pre-fork master.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>

#include "app/dispatcher.h"
#include "auth/password.h"
#include "auth/throttle.h"
#include "common/config.h"
#include "common/log.h"
#include "prefork/child_program.h"
#include "prefork/master.h"
#include "prefork/run_as.h"
#include "provisioning/agent.h"

namespace ecom {
namespace {

// What ecom-fcgi refuses so that a compromised worker can never become the database's
// administrator: the administrative password in its configuration or environment (every worker
// is a copy of the master, environment included), and workers running as root.
std::vector<std::string> credential_problems(const Config& c) {
  std::vector<std::string> out;
  if (!c.admin_password.empty())
    out.push_back(
        "admin_database.password (or ECOM_ADMIN_DATABASE_PASSWORD) is set: every worker would inherit it; put it "
        "in admin_database.password_file (mode 0600), which only the provisioning agent reads");
  std::string error;
  if (!prefork::resolve_run_as(c, error)) out.push_back(error);
  return out;
}

// The application in one worker, built after its init steps: its services (connections,
// caches) and the dispatcher, living as long as the worker.
prefork::RequestHandler application(const http::Router& router, const Config& c) {
  struct App {
    App(const http::Router& r, const Config& c) : services(c), dispatcher(r, services) {}
    Services services;
    Dispatcher dispatcher;
  };
  auto app = std::make_shared<App>(router, c);
  return [app](http::Request& req, http::Response& res) { app->dispatcher.handle(req, res); };
}

}  // namespace
}  // namespace ecom

namespace {

void usage(FILE* out) {
  std::fputs(
      "usage: ecom-fcgi [--config FILE] [--check-config]\n"
      "  --config FILE    INI configuration (default: $ECOM_CONFIG or /etc/ecom/ecom.conf)\n"
      "  --check-config   validate the configuration and exit (0 valid, 1 invalid)\n",
      out);
}

}  // namespace

int main(int argc, char** argv) {
  std::string config_path = ecom::default_config_path();
  bool check_only = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--config" && i + 1 < argc) config_path = argv[++i];
    else if (a.rfind("--config=", 0) == 0) config_path = a.substr(9);
    else if (a == "--check-config") check_only = true;
    else if (a == "-h" || a == "--help") { usage(stdout); return 0; }
    else { usage(stderr); return 2; }
  }
  auto loaded = ecom::load_config(config_path);
  if (!loaded.ok()) {
    for (const auto& e : loaded.errors) std::fprintf(stderr, "ecom-fcgi: %s\n", e.c_str());
    return 1;
  }
  const ecom::Config& cfg = loaded.config;
  auto secret_errors = ecom::secret_problems(cfg);
  if (!secret_errors.empty()) {
    for (const auto& e : secret_errors) std::fprintf(stderr, "ecom-fcgi: %s\n", e.c_str());
    std::fprintf(stderr, "ecom-fcgi: refusing to start without proper secrets\n");
    return 1;
  }
  auto credential_errors = ecom::credential_problems(cfg);
  if (!credential_errors.empty()) {
    for (const auto& e : credential_errors) std::fprintf(stderr, "ecom-fcgi: %s\n", e.c_str());
    return 1;
  }
  std::string run_as_error, run_as_warning;
  ecom::prefork::resolve_run_as(cfg, run_as_error, &run_as_warning);
  if (check_only) {
    std::printf("ecom-fcgi: configuration %s is valid\n", cfg.source.c_str());
    return 0;
  }
  if (!ecom::log::open(cfg.log_file)) {
    std::fprintf(stderr, "ecom-fcgi: cannot open log file %s\n", cfg.log_file.c_str());
    return 1;
  }
  if (!run_as_warning.empty()) ecom::log::warn("master: " + run_as_warning);
  // Built once in the master; workers inherit them copy-on-write.
  static const ecom::http::Router router = ecom::build_router();
  // The hash an unknown-email login is checked against, so that it costs what a wrong
  // password costs from a worker's first request on (see accounts/routes.cpp).
  ecom::auth::password_dummy_hash(cfg.password_iterations);
  // Limits on password hashing shared by every worker (per-address attempts, hashes at once):
  // mapped here, before the first fork, so all workers and those of later reloads share it.
  if (!ecom::auth::throttle_create()) {
    std::fprintf(stderr, "ecom-fcgi: cannot map the shared attempt table\n");
    return 1;
  }

  // What each child runs after the fork, in order (prefork/child_program.h).
  const ecom::prefork::WorkerProgram worker{
      .init = {ecom::prefork::switch_to_server_user()},  // first of all: never root (prefork/run_as.h)
      .application = [](const ecom::Config& c) { return ecom::application(router, c); },
  };
  const ecom::prefork::AgentProgram agent{
      .init = {ecom::provisioning::read_admin_password},  // in the agent only: the master never holds it
      .serve = ecom::provisioning::agent_run,
  };
  // SIGHUP: the same file again, validated like at start-up (secrets included).
  auto reload = [config_path]() {
    auto r = ecom::load_config(config_path);
    if (r.ok())
      for (auto& e : ecom::secret_problems(r.config)) r.errors.push_back(e);
    if (r.ok())
      for (auto& e : ecom::credential_problems(r.config)) r.errors.push_back(e);
    return r;
  };
  return ecom::prefork::master_run(cfg, reload, worker, agent);
}
