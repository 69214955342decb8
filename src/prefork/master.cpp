#include "prefork/master.h"

#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <memory>
#include <string>
#include <utility>

#include "common/clock.h"
#include "common/log.h"
#include "prefork/children.h"
#include "prefork/listener.h"
#include "prefork/request_watch.h"
#include "prefork/run_as.h"
#include "prefork/scoreboard.h"
#include "prefork/signals.h"

namespace ecom::prefork {
namespace {

struct Sockets {
  ChildSockets fds;
  std::string agent_path;  // "" without an agent
};

// The FastCGI socket, and the agent's when there is an agent. False when one cannot be opened (logged).
bool open_sockets(const Config& c, bool with_agent, Sockets& s) {
  std::string err;
  s.fds.listen_fd = listener_open(c.listen, static_cast<int>(c.backlog), static_cast<int>(c.listen_mode), err);
  if (s.fds.listen_fd < 0) {
    log::error("master: " + err);
    return false;
  }
  s.agent_path = with_agent ? agent_socket_path(c) : "";
  if (s.agent_path.empty()) return true;
  s.fds.agent_fd = listener_open(s.agent_path, 16, 0600, err);
  if (s.fds.agent_fd < 0) {
    log::error("master: provisioning agent: " + err);
    return false;
  }
  return true;
}

// Sockets belong to the workers' account (PHP-FPM's listen.owner/group default): nginx reaches
// the FastCGI socket through its group, the workers reach the agent's socket of mode 0600.
bool hand_to_server_user(const Config& c, const Sockets& s) {
  std::string run_as_error;
  auto run_as = resolve_run_as(c, run_as_error);
  if (!run_as || !run_as->switch_user) return true;
  for (const std::string& path : {c.listen, s.agent_path}) {
    if (path.empty() || path[0] != '/') continue;
    if (chown(path.c_str(), run_as->uid, run_as->gid) != 0) {
      log::error("master: cannot hand " + path + " to server.user: " + std::strerror(errno));
      return false;
    }
  }
  return true;
}

// The log file too belongs to the workers' account when they run as another user: a worker opens
// it again by name on SIGUSR1 (the file logrotate left or the master created may be root's).
void hand_log_to_server_user(const Config& c) {
  if (log::path()[0] == '\0') return;
  std::string run_as_error;
  auto run_as = resolve_run_as(c, run_as_error);
  if (!run_as || !run_as->switch_user) return;
  if (chown(log::path(), run_as->uid, run_as->gid) != 0)
    log::warn(std::string("master: cannot hand ") + log::path() + " to server.user: " + std::strerror(errno));
}

void close_sockets(const Config& c, const Sockets& s) {
  close(s.fds.listen_fd);
  listener_cleanup(c.listen);
  if (s.fds.agent_fd >= 0) {
    close(s.fds.agent_fd);
    listener_cleanup(s.agent_path);
  }
}

enum class State { Running, Reloading, Stopping, Stopped };

// The process state and what moves it: signals (on_signal) and time (step).
class Master {
 public:
  Master(std::shared_ptr<const Config> config, const ConfigLoader& loader, const Sockets& sockets, Scoreboard& sb,
         const WorkerProgram& worker, const AgentProgram& agent)
      : config_(std::move(config)), loader_(loader), sockets_(sockets), sb_(sb),
        children_(sb, sockets.fds, worker, agent) {}

  State state() const { return state_; }
  const Config& config() const { return *config_; }

  void start() { children_.start_generation(config_); }

  void on_signal(int sig) {
    if (sig == SIGCHLD) children_.reap(clock::mono_seconds());
    else if (sig == SIGTERM) begin_stop("SIGTERM");
    else if (sig == SIGINT) begin_stop("SIGINT");
    else if (sig == SIGQUIT) begin_stop("SIGQUIT");
    else if (sig == SIGHUP) reload_requested_ = true;
    else if (sig == SIGUSR1) reopen_requested_ = true;
  }

  // What time (and the signals since the last step) asks for in the current state.
  void step(double now) {
    children_.reap(now);
    bool reload = std::exchange(reload_requested_, false);
    if (std::exchange(reopen_requested_, false)) reopen_logs();
    switch (state_) {
      case State::Running:
      case State::Reloading:
        step_serving(now, reload);
        break;
      case State::Stopping:
        step_stopping(now);  // a reload asked for now is dropped
        break;
      case State::Stopped:
        break;
    }
  }

 private:
  void step_serving(double now, bool reload);
  void step_stopping(double now);
  void begin_stop(const char* why);
  void begin_reload();
  void reopen_logs();

  std::shared_ptr<const Config> config_;  // the current generation
  const ConfigLoader& loader_;
  const Sockets& sockets_;
  Scoreboard& sb_;
  Children children_;
  State state_ = State::Running;
  bool reload_requested_ = false;  // SIGHUP seen; acted on at the next step
  bool reopen_requested_ = false;  // SIGUSR1 seen; acted on at the next step
  double stop_deadline_ = 0;
};

// Running or Reloading: children watched, retired ones killed past their deadline, dead ones
// respawned. Reloading lasts until the old generation's children are gone.
void Master::step_serving(double now, bool reload) {
  if (reload) begin_reload();
  if (state_ == State::Reloading && !children_.any_retiring()) state_ = State::Running;
  watch_requests(sb_, *config_, children_.running_workers(), clock::mono_ms());
  children_.kill_overdue(now);
  children_.respawn_due(now);
}

// TERM/INT/QUIT: every child finishes the request in hand; after graceful_timeout the rest are killed.
void Master::begin_stop(const char* why) {
  if (state_ == State::Stopping || state_ == State::Stopped) return;
  state_ = State::Stopping;
  stop_deadline_ = clock::mono_seconds() + static_cast<double>(config_->graceful_timeout);
  log::info(std::string("master: ") + why + "; stopping workers gracefully");
  children_.retire(stop_deadline_);
}

void Master::step_stopping(double now) {
  if (children_.empty()) {
    state_ = State::Stopped;
  } else if (now >= stop_deadline_) {
    log::warn("master: graceful timeout reached; killing remaining workers");
    children_.kill_all();
    stop_deadline_ = now + 3600;
  }
}

// SIGHUP: new children with the new configuration first, then the old ones stop
// gracefully (each finishes the request in hand). The listening socket stays open.
void Master::begin_reload() {
  auto loaded = loader_();
  if (!loaded.ok()) {
    for (const auto& e : loaded.errors) log::error("master: reload refused: " + e);
    return;
  }
  if (loaded.config.listen != config_->listen || agent_socket_path(loaded.config) != sockets_.agent_path)
    log::warn("master: reload keeps listening on " + config_->listen + "; changing the socket needs a restart");
  loaded.config.listen = config_->listen;
  loaded.config.agent_socket = sockets_.agent_path;
  config_ = std::make_shared<const Config>(loaded.config);
  sb_.reloads.fetch_add(1);
  children_.start_generation(config_);
  children_.retire(clock::mono_seconds() + static_cast<double>(config_->graceful_timeout), config_.get());
  state_ = State::Reloading;
  log::info("master: reloaded configuration; " + std::to_string(worker_count(*config_)) + " workers");
}

// SIGUSR1 (logrotate moved the log): the master's own log file first, then every running child
// (each reopens in its SIGUSR1 handler; a child forked from now on inherits the new file). Nobody
// restarts. In any state: a stopping child logs too.
void Master::reopen_logs() {
  if (!log::reopen()) {  // the reason is logged with the next line
    if (log::path()[0] != '\0') log::error("master: SIGUSR1: the log file was not reopened; children not told");
    return;
  }
  hand_log_to_server_user(*config_);
  int told = children_.signal_running(SIGUSR1);
  log::info("master: reopened the log file; " + std::to_string(told) + " children told to");
}

}  // namespace

int master_run(const Config& initial, const ConfigLoader& reload, const WorkerProgram& worker,
               const AgentProgram& agent) {
  auto config = std::make_shared<const Config>(initial);
  Sockets sockets;
  if (!open_sockets(*config, static_cast<bool>(agent.serve), sockets) || !hand_to_server_user(*config, sockets))
    return 1;
  Scoreboard* sb = scoreboard_create();
  if (!sb) {
    log::error("master: cannot map the scoreboard");
    return 1;
  }
  int sigfd = signals_install_master();
  if (sigfd < 0) {
    log::error("master: cannot create the signal pipe");
    return 1;
  }
  prctl(PR_SET_NAME, "ecom: master");
  hand_log_to_server_user(*config);
  if (!config->pid_file.empty()) std::ofstream(config->pid_file) << getpid() << "\n";
  log::info("master: listening on " + config->listen + ", " + std::to_string(worker_count(*config)) + " workers");

  Master master(config, reload, sockets, *sb, worker, agent);
  master.start();
  while (master.state() != State::Stopped) {
    struct pollfd p {sigfd, POLLIN, 0};
    poll(&p, 1, 100);
    while (int sig = signals_next(sigfd)) master.on_signal(sig);
    master.step(clock::mono_seconds());
  }
  close_sockets(master.config(), sockets);
  if (!master.config().pid_file.empty()) unlink(master.config().pid_file.c_str());
  log::info("master: stopped");
  return 0;
}

}  // namespace ecom::prefork
