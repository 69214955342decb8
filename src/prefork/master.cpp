#include "prefork/master.h"

#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <deque>
#include <fstream>
#include <list>
#include <memory>

#include "common/clock.h"
#include "common/log.h"
#include "prefork/listener.h"
#include "prefork/run_as.h"
#include "prefork/scoreboard.h"
#include "prefork/signals.h"

namespace ecom::prefork {
namespace {

struct Child {
  bool agent = false;
  int generation = 0;   // configuration generation it was started with
  bool retiring = false;  // told to stop (reload); not respawned
  int sb = -1;          // scoreboard slot (workers)
  pid_t pid = 0;
  double started = 0;
  double respawn_at = 0;  // when pid == 0
  double retire_deadline = 0;  // retiring: killed if still running then
};

// Crash-loop protection: abnormal exits within the window slow respawning down.
class CrashWindow {
 public:
  void record(double now) {
    deaths_.push_back(now);
    trim(now);
  }
  double delay(double now) {
    trim(now);
    size_t n = deaths_.size();
    if (n < kThreshold) return 0;
    double d = 0.5;
    for (size_t i = kThreshold; i < n && d < kMaxDelay; ++i) d *= 2;
    return d > kMaxDelay ? kMaxDelay : d;
  }
  size_t count() const { return deaths_.size(); }

 private:
  void trim(double now) {
    while (!deaths_.empty() && now - deaths_.front() > kWindow) deaths_.pop_front();
  }
  static constexpr size_t kThreshold = 5;
  static constexpr double kWindow = 10.0, kMaxDelay = 30.0;
  std::deque<double> deaths_;
};

std::string describe_exit(int status) {
  if (WIFEXITED(status)) return "exited with code " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status))
    return std::string("killed by signal ") + std::to_string(WTERMSIG(status)) +
           (WCOREDUMP(status) ? " (core dumped)" : "");
  return "ended (status " + std::to_string(status) + ")";
}

// Default: two per CPU. A worker waits on the database for much of each request; with one per
// CPU a third of the CPU time went idle under load (README "Performance").
int worker_count(const Config& c) { return c.workers > 0 ? static_cast<int>(c.workers) : 2 * cpu_count(); }

}  // namespace

int master_run(const Config& initial, const ConfigLoader& reload, const WorkerProgram& worker,
               const AgentProgram& agent) {
  // Every configuration a child may still be running with stays alive here.
  std::vector<std::unique_ptr<Config>> generations;
  generations.push_back(std::make_unique<Config>(initial));
  int gen = 0;
  auto cfg = [&]() -> const Config& { return *generations[static_cast<size_t>(gen)]; };

  std::string err;
  int listen_fd = listener_open(cfg().listen, static_cast<int>(cfg().backlog), static_cast<int>(cfg().listen_mode), err);
  if (listen_fd < 0) {
    log::error("master: " + err);
    return 1;
  }
  std::string agent_path = agent.serve ? agent_socket_path(cfg()) : "";
  int agent_fd = -1;
  if (!agent_path.empty()) {
    agent_fd = listener_open(agent_path, 16, 0600, err);
    if (agent_fd < 0) {
      log::error("master: provisioning agent: " + err);
      return 1;
    }
  }
  // Sockets belong to the workers' account (PHP-FPM's listen.owner/group default): nginx reaches
  // the FastCGI socket through its group, the workers reach the agent's socket of mode 0600.
  {
    std::string run_as_error;
    auto run_as = resolve_run_as(cfg(), run_as_error);
    if (run_as && run_as->switch_user) {
      for (const std::string& path : {cfg().listen, agent_path}) {
        if (path.empty() || path[0] != '/') continue;
        if (chown(path.c_str(), run_as->uid, run_as->gid) != 0) {
          log::error("master: cannot hand " + path + " to server.user: " + std::strerror(errno));
          return 1;
        }
      }
    }
  }
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
  if (!cfg().pid_file.empty()) std::ofstream(cfg().pid_file) << getpid() << "\n";
  log::info("master: listening on " + cfg().listen + ", " + std::to_string(worker_count(cfg())) + " workers");

  std::list<Child> children;
  CrashWindow crashes;
  bool stopping = false;
  double stop_deadline = 0;

  auto free_slot = [&]() {
    for (int i = 0; i < kMaxSlots; ++i)
      if (sb->slots[i].pid.load() == 0) return i;
    return -1;
  };

  auto spawn = [&](Child& c) {
    if (!c.agent && c.sb < 0) c.sb = free_slot();
    if (!c.agent && c.sb < 0) {
      log::error("master: no free scoreboard slot");
      c.respawn_at = clock::mono_seconds() + 1;
      return;
    }
    const Config& conf = *generations[static_cast<size_t>(c.generation)];
    // Block signals around fork so the child cannot run the master's handlers.
    sigset_t all, old;
    sigfillset(&all);
    sigprocmask(SIG_BLOCK, &all, &old);
    pid_t pid = fork();
    if (pid == 0) {
      signals_reset_in_child();
      sigprocmask(SIG_SETMASK, &old, nullptr);
      // Named at once, so that the process is recognisable while it starts up.
      prctl(PR_SET_NAME, c.agent ? "ecom: agent" : "ecom: worker");
      int code;
      if (c.agent) {
        close(listen_fd);
        code = run_agent(agent, agent_fd, conf);
      } else {
        if (agent_fd >= 0) close(agent_fd);
        code = run_worker(worker, listen_fd, c.sb, conf);
      }
      _exit(code);
    }
    sigprocmask(SIG_SETMASK, &old, nullptr);
    if (pid < 0) {
      log::error("master: fork failed; retrying in 1 s");
      c.respawn_at = clock::mono_seconds() + 1;
      return;
    }
    c.pid = pid;
    c.started = clock::mono_seconds();
    if (!c.agent) {
      WorkerSlot& s = sb->slots[c.sb];
      s.requests = 0;
      s.request_start_ms = 0;
      s.started_unix = std::time(nullptr);
      s.state = static_cast<int32_t>(SlotState::Idle);
      s.pid = pid;
    }
  };

  auto add_children = [&]() {
    for (int i = 0; i < worker_count(cfg()); ++i) {
      children.push_back(Child{false, gen, false, -1, 0, 0, 0});
      spawn(children.back());
    }
    if (agent_fd >= 0) {
      children.push_back(Child{true, gen, false, -1, 0, 0, 0});
      spawn(children.back());
    }
  };
  add_children();

  auto reap = [&] {
    int status;
    pid_t pid;
    while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
      double now = clock::mono_seconds();
      for (auto it = children.begin(); it != children.end(); ++it) {
        Child& c = *it;
        if (c.pid != pid) continue;
        char lifetime[32];
        std::snprintf(lifetime, sizeof lifetime, "%.1f", now - c.started);
        std::string msg = std::string("master: ") + (c.agent ? "provisioning agent " : "worker ") +
                          std::to_string(pid) + " " + describe_exit(status) + " after " + lifetime + " s";
        bool clean = WIFEXITED(status) && WEXITSTATUS(status) == 0;
        if (!c.agent && c.sb >= 0) {
          sb->slots[c.sb].state = static_cast<int32_t>(SlotState::Free);
          sb->slots[c.sb].pid = 0;
        }
        c.pid = 0;
        if (stopping || c.retiring) {
          log::info(msg);
          children.erase(it);
          break;
        }
        sb->restarts.fetch_add(1);
        if (!clean) crashes.record(now);
        double delay = clean ? 0 : crashes.delay(now);
        c.respawn_at = now + delay;
        c.sb = -1;
        if (delay > 0) {
          log::error(msg + "; " + std::to_string(crashes.count()) +
                     " abnormal exits in 10 s: crash loop, respawn delayed " + std::to_string(delay) + " s");
        } else if (clean) {
          log::info(msg + "; respawning");
        } else {
          log::warn(msg + "; respawning");
        }
        break;
      }
    }
  };

  auto begin_stop = [&](const char* why) {
    if (stopping) return;
    stopping = true;
    stop_deadline = clock::mono_seconds() + static_cast<double>(cfg().graceful_timeout);
    log::info(std::string("master: ") + why + "; stopping workers gracefully");
    for (auto& c : children)
      if (c.pid > 0) kill(c.pid, SIGTERM);
    for (auto it = children.begin(); it != children.end();)
      it = it->pid > 0 ? std::next(it) : children.erase(it);
  };

  // SIGHUP: new children with the new configuration first, then the old ones stop
  // gracefully (each finishes the request in hand). The listening socket stays open.
  auto begin_reload = [&]() {
    auto loaded = reload();
    if (!loaded.ok()) {
      for (const auto& e : loaded.errors) log::error("master: reload refused: " + e);
      return;
    }
    if (loaded.config.listen != cfg().listen || agent_socket_path(loaded.config) != agent_path)
      log::warn("master: reload keeps listening on " + cfg().listen + "; changing the socket needs a restart");
    loaded.config.listen = cfg().listen;
    loaded.config.agent_socket = agent_path;
    generations.push_back(std::make_unique<Config>(loaded.config));
    gen = static_cast<int>(generations.size()) - 1;
    sb->reloads.fetch_add(1);
    std::vector<Child*> old;
    for (auto& c : children) old.push_back(&c);
    add_children();
    double deadline = clock::mono_seconds() + static_cast<double>(cfg().graceful_timeout);
    for (Child* c : old) {
      c->retiring = true;
      c->retire_deadline = deadline;
      if (c->pid > 0) kill(c->pid, SIGTERM);
    }
    for (auto it = children.begin(); it != children.end();)
      it = (it->retiring && it->pid == 0) ? children.erase(it) : std::next(it);
    log::info("master: reloaded configuration; " + std::to_string(worker_count(cfg())) + " workers");
  };

  // request_timeout and slow requests, from the scoreboard.
  auto watch_requests = [&]() {
    const Config& c = cfg();
    int64_t now = clock::mono_ms();
    for (auto& child : children) {
      if (child.agent || child.pid <= 0 || child.sb < 0) continue;
      WorkerSlot& s = sb->slots[child.sb];
      int64_t started = s.request_start_ms.load();
      if (s.state.load() != static_cast<int32_t>(SlotState::Busy) || started <= 0) continue;
      int64_t age = now - started;
      auto describe = [&] {
        for (const auto& v : scoreboard_snapshot(*sb))
          if (v.index == child.sb)
            return "request id=" + v.request_id + " tenant=" + (v.tenant.empty() ? "-" : v.tenant) + " " + v.method +
                   " " + v.path;
        return std::string("request");
      };
      if (c.request_timeout > 0 && age > c.request_timeout * 1000) {
        log::error("master: worker " + std::to_string(child.pid) + " exceeded request_timeout (" +
                   std::to_string(age) + " ms) on " + describe() + "; killing it");
        sb->timeouts.fetch_add(1);
        kill(child.pid, SIGKILL);
        s.request_start_ms = 0;
      } else if (c.slow_request_ms > 0 && age > c.slow_request_ms && s.slow_reported.exchange(1) == 0) {
        log::warn("master: slow request still running after " + std::to_string(age) + " ms on worker " +
                  std::to_string(child.pid) + ": " + describe());
      }
    }
  };

  for (;;) {
    struct pollfd p {sigfd, POLLIN, 0};
    poll(&p, 1, 100);
    bool hup = false;
    while (int sig = signals_next(sigfd)) {
      if (sig == SIGCHLD) reap();
      else if (sig == SIGTERM) begin_stop("SIGTERM");
      else if (sig == SIGINT) begin_stop("SIGINT");
      else if (sig == SIGQUIT) begin_stop("SIGQUIT");
      else if (sig == SIGHUP) hup = true;
    }
    reap();
    double now = clock::mono_seconds();
    if (stopping) {
      if (children.empty()) break;
      if (now >= stop_deadline) {
        log::warn("master: graceful timeout reached; killing remaining workers");
        for (auto& c : children)
          if (c.pid > 0) kill(c.pid, SIGKILL);
        stop_deadline = now + 3600;
      }
      continue;
    }
    if (hup) begin_reload();
    watch_requests();
    // Retiring children past the graceful timeout are killed, like on stop.
    for (auto& c : children) {
      if (c.retiring && c.pid > 0 && now > c.retire_deadline) {
        log::warn("master: worker " + std::to_string(c.pid) + " still busy after the graceful timeout; killing it");
        kill(c.pid, SIGKILL);
        c.retire_deadline = now + 3600;
      }
    }
    for (auto& c : children)
      if (!c.retiring && c.pid == 0 && now >= c.respawn_at) spawn(c);
  }
  close(listen_fd);
  listener_cleanup(cfg().listen);
  if (agent_fd >= 0) {
    close(agent_fd);
    listener_cleanup(agent_path);
  }
  if (!cfg().pid_file.empty()) unlink(cfg().pid_file.c_str());
  log::info("master: stopped");
  return 0;
}

}  // namespace ecom::prefork
