// ecom-fcgi: the FastCGI application. Flags → config → pre-fork master.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "app/dispatcher.h"
#include "auth/password.h"
#include "auth/throttle.h"
#include "common/config.h"
#include "common/log.h"
#include "prefork/master.h"
#include "prefork/run_as.h"
#include "prefork/worker.h"
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

  auto worker_main = [](int listen_fd, int slot, const ecom::Config& worker_cfg) {
    // First of all, the workers' own account (never root; see prefork/run_as.h).
    std::string err;
    auto run_as = ecom::prefork::resolve_run_as(worker_cfg, err);
    if (!run_as || !ecom::prefork::drop_privileges(*run_as, err)) {
      ecom::log::error("worker: cannot switch to server.user: " + err);
      return 1;
    }
    ecom::Services services(worker_cfg);  // per worker: connections, caches
    ecom::Dispatcher dispatcher(router, services);
    ecom::prefork::WorkerOptions o;
    o.listen_fd = listen_fd;
    o.slot = slot;
    o.max_body_bytes = static_cast<size_t>(worker_cfg.max_body_bytes);
    o.max_requests = worker_cfg.max_requests;
    o.max_requests_jitter = worker_cfg.max_requests_jitter;
    o.slow_request_ms = worker_cfg.slow_request_ms;
    return ecom::prefork::worker_run(o, [&](ecom::http::Request& req, ecom::http::Response& res) {
      dispatcher.handle(req, res);
    });
  };
  auto agent_main = [](int agent_fd, const ecom::Config& conf) {
    // The administrative password is read here, in the agent only, after the fork: the master
    // (of which every worker is a copy) never holds it.
    ecom::Config agent_cfg = conf;
    std::string err;
    if (auto pw = ecom::admin_password(conf, err)) agent_cfg.admin_password = *pw;
    else ecom::log::error("provisioning agent: " + err);
    int code = ecom::provisioning::agent_run(agent_cfg, agent_fd);
    ecom::wipe(agent_cfg.admin_password);
    return code;
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
  return ecom::prefork::master_run(cfg, reload, worker_main, agent_main);
}
