#include "prefork/master.h"

#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <deque>
#include <fstream>
#include <vector>

#include "common/clock.h"
#include "common/log.h"
#include "prefork/listener.h"
#include "prefork/signals.h"

namespace ecom::prefork {
namespace {

struct Slot {
  bool agent = false;
  pid_t pid = 0;
  double started = 0;
  double respawn_at = 0;  // when pid == 0
};

// Crash-loop protection: abnormal exits within the window slow respawning down.
class CrashWindow {
 public:
  void record(double now) {
    deaths_.push_back(now);
    trim(now);
  }
  // Seconds to wait before the next respawn (0 when workers are healthy).
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

}  // namespace

int master_run(const Config& cfg, const WorkerMain& worker_main, const AgentMain& agent_main) {
  std::string err;
  int listen_fd = listener_open(cfg.listen, static_cast<int>(cfg.backlog), static_cast<int>(cfg.listen_mode), err);
  if (listen_fd < 0) {
    log::error("master: " + err);
    return 1;
  }
  std::string agent_path = agent_main ? agent_socket_path(cfg) : "";
  int agent_fd = -1;
  if (!agent_path.empty()) {
    agent_fd = listener_open(agent_path, 16, 0600, err);
    if (agent_fd < 0) {
      log::error("master: provisioning agent: " + err);
      return 1;
    }
  }
  int sigfd = signals_install_master();
  if (sigfd < 0) {
    log::error("master: cannot create the signal pipe");
    return 1;
  }
  prctl(PR_SET_NAME, "ecom: master");
  if (!cfg.pid_file.empty()) {
    std::ofstream(cfg.pid_file) << getpid() << "\n";
  }
  int n = cfg.workers > 0 ? static_cast<int>(cfg.workers) : cpu_count();
  log::info("master: listening on " + cfg.listen + ", " + std::to_string(n) + " workers");

  std::vector<Slot> slots(static_cast<size_t>(n));
  if (agent_fd >= 0) {
    slots.emplace_back();
    slots.back().agent = true;
  }
  CrashWindow crashes;
  bool stopping = false;
  double stop_deadline = 0;

  auto spawn = [&](Slot& s) {
    // Block signals around fork so the child cannot run the master's handlers.
    sigset_t all, old;
    sigfillset(&all);
    sigprocmask(SIG_BLOCK, &all, &old);
    pid_t pid = fork();
    if (pid == 0) {
      signals_reset_in_child();
      sigprocmask(SIG_SETMASK, &old, nullptr);
      int code;
      if (s.agent) {
        close(listen_fd);
        code = agent_main(agent_fd);
      } else {
        if (agent_fd >= 0) close(agent_fd);
        code = worker_main(listen_fd);
      }
      _exit(code);
    }
    sigprocmask(SIG_SETMASK, &old, nullptr);
    if (pid < 0) {
      log::error("master: fork failed; retrying in 1 s");
      s.respawn_at = clock::mono_seconds() + 1;
      return;
    }
    s.pid = pid;
    s.started = clock::mono_seconds();
  };

  for (auto& s : slots) spawn(s);

  auto reap = [&] {
    int status;
    pid_t pid;
    while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
      double now = clock::mono_seconds();
      for (auto& s : slots) {
        if (s.pid != pid) continue;
        double lived = now - s.started;
        bool clean = WIFEXITED(status) && WEXITSTATUS(status) == 0;
        char lifetime[32];
        std::snprintf(lifetime, sizeof lifetime, "%.1f", lived);
        std::string msg = std::string("master: ") + (s.agent ? "provisioning agent " : "worker ") + std::to_string(pid) + " " + describe_exit(status) + " after " +
                          lifetime + " s";
        s.pid = 0;
        if (stopping) {
          log::info(msg);
          break;
        }
        if (!clean) crashes.record(now);
        double delay = clean ? 0 : crashes.delay(now);
        s.respawn_at = now + delay;
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
    stop_deadline = clock::mono_seconds() + static_cast<double>(cfg.graceful_timeout);
    log::info(std::string("master: ") + why + "; stopping workers gracefully");
    for (auto& s : slots)
      if (s.pid > 0) kill(s.pid, SIGTERM);
  };

  for (;;) {
    struct pollfd p {sigfd, POLLIN, 0};
    poll(&p, 1, 200);
    while (int sig = signals_next(sigfd)) {
      if (sig == SIGCHLD) reap();
      else if (sig == SIGTERM) begin_stop("SIGTERM");
      else if (sig == SIGINT) begin_stop("SIGINT");
      else if (sig == SIGQUIT) begin_stop("SIGQUIT");
      else if (sig == SIGHUP) log::info("master: SIGHUP ignored (reload is not supported yet)");
    }
    reap();
    double now = clock::mono_seconds();
    if (stopping) {
      bool any = false;
      for (auto& s : slots) any = any || s.pid > 0;
      if (!any) break;
      if (now >= stop_deadline) {
        log::warn("master: graceful timeout reached; killing remaining workers");
        for (auto& s : slots)
          if (s.pid > 0) kill(s.pid, SIGKILL);
        stop_deadline = now + 3600;
      }
      continue;
    }
    for (auto& s : slots)
      if (s.pid == 0 && now >= s.respawn_at) spawn(s);
  }
  close(listen_fd);
  listener_cleanup(cfg.listen);
  if (agent_fd >= 0) {
    close(agent_fd);
    listener_cleanup(agent_path);
  }
  if (!cfg.pid_file.empty()) unlink(cfg.pid_file.c_str());
  log::info("master: stopped");
  return 0;
}

}  // namespace ecom::prefork
