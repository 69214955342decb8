#include "prefork/children.h"

#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <ctime>
#include <string>

#include "common/clock.h"
#include "common/log.h"
#include "prefork/signals.h"

namespace ecom::prefork {
namespace {

std::string describe_exit(int status) {
  if (WIFEXITED(status)) return "exited with code " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status))
    return std::string("killed by signal ") + std::to_string(WTERMSIG(status)) +
           (WCOREDUMP(status) ? " (core dumped)" : "");
  return "ended (status " + std::to_string(status) + ")";
}

}  // namespace

void CrashWindow::record(double now) {
  deaths_.push_back(now);
  trim(now);
}

double CrashWindow::delay(double now) {
  trim(now);
  size_t n = deaths_.size();
  if (n < kThreshold) return 0;
  double d = 0.5;
  for (size_t i = kThreshold; i < n && d < kMaxDelay; ++i) d *= 2;
  return d > kMaxDelay ? kMaxDelay : d;
}

void CrashWindow::trim(double now) {
  while (!deaths_.empty() && now - deaths_.front() > kWindow) deaths_.pop_front();
}

Children::Children(Scoreboard& sb, ChildSockets sockets, const WorkerProgram& worker, const AgentProgram& agent)
    : sb_(sb), sockets_(sockets), worker_(worker), agent_(agent) {}

void Children::start_generation(const std::shared_ptr<const Config>& config) {
  for (int i = 0; i < worker_count(*config); ++i) {
    list_.push_back(Child{Child::Kind::Worker, config});
    spawn(list_.back());
  }
  if (sockets_.agent_fd >= 0) {
    list_.push_back(Child{Child::Kind::Agent, config});
    spawn(list_.back());
  }
}

int Children::free_slot() const {
  for (int i = 0; i < kMaxSlots; ++i)
    if (sb_.slots[i].pid.load() == 0) return i;
  return -1;
}

void Children::spawn(Child& c) {
  bool worker = c.kind == Child::Kind::Worker;
  if (worker && c.slot < 0) c.slot = free_slot();
  if (worker && c.slot < 0) {
    log::error("master: no free scoreboard slot");
    c.respawn_at = clock::mono_seconds() + 1;
    return;
  }
  // Block signals around fork so the child cannot run the master's handlers.
  sigset_t all, old;
  sigfillset(&all);
  sigprocmask(SIG_BLOCK, &all, &old);
  pid_t pid = fork();
  if (pid == 0) {
    signals_reset_in_child();
    sigprocmask(SIG_SETMASK, &old, nullptr);
    become(c);
  }
  sigprocmask(SIG_SETMASK, &old, nullptr);
  if (pid < 0) {
    log::error("master: fork failed; retrying in 1 s");
    c.respawn_at = clock::mono_seconds() + 1;
    return;
  }
  c.pid = pid;
  c.started = clock::mono_seconds();
  if (worker) {
    WorkerSlot& s = sb_.slots[c.slot];
    s.requests = 0;
    s.request_start_ms = 0;
    s.answer_cache_bytes = 0;
    s.started_unix = std::time(nullptr);
    s.state = static_cast<int32_t>(SlotState::Idle);
    s.pid = pid;
  }
}

void Children::become(const Child& c) {
  bool agent = c.kind == Child::Kind::Agent;
  // Named at once, so that the process is recognisable while it starts up.
  prctl(PR_SET_NAME, agent ? "ecom: agent" : "ecom: worker");
  int code;
  if (agent) {
    close(sockets_.listen_fd);
    code = run_agent(agent_, sockets_.agent_fd, *c.config);
  } else {
    if (sockets_.agent_fd >= 0) close(sockets_.agent_fd);
    code = run_worker(worker_, sockets_.listen_fd, c.slot, *c.config);
  }
  _exit(code);
}

void Children::reap(double now) {
  int status;
  pid_t pid;
  while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
    for (auto it = list_.begin(); it != list_.end(); ++it) {
      if (it->pid != pid) continue;
      bury(it, status, now);
      break;
    }
  }
}

void Children::bury(std::list<Child>::iterator it, int status, double now) {
  Child& c = *it;
  char lifetime[32];
  std::snprintf(lifetime, sizeof lifetime, "%.1f", now - c.started);
  std::string msg = std::string("master: ") + (c.kind == Child::Kind::Agent ? "provisioning agent " : "worker ") +
                    std::to_string(c.pid) + " " + describe_exit(status) + " after " + lifetime + " s";
  bool clean = WIFEXITED(status) && WEXITSTATUS(status) == 0;
  if (c.kind == Child::Kind::Worker && c.slot >= 0) {
    sb_.slots[c.slot].state = static_cast<int32_t>(SlotState::Free);
    sb_.slots[c.slot].pid = 0;
  }
  c.pid = 0;
  if (c.life == Child::Life::Retiring) {
    log::info(msg);
    list_.erase(it);
    return;
  }
  sb_.restarts.fetch_add(1);
  if (!clean) crashes_.record(now);
  double delay = clean ? 0 : crashes_.delay(now);
  c.respawn_at = now + delay;
  c.slot = -1;
  if (delay > 0) {
    log::error(msg + "; " + std::to_string(crashes_.count()) + " abnormal exits in 10 s: crash loop, respawn delayed " +
               std::to_string(delay) + " s");
  } else if (clean) {
    log::info(msg + "; respawning");
  } else {
    log::warn(msg + "; respawning");
  }
}

void Children::respawn_due(double now) {
  for (auto& c : list_)
    if (c.life == Child::Life::Serving && c.pid == 0 && now >= c.respawn_at) spawn(c);
}

void Children::retire(double deadline, const Config* keep) {
  for (auto& c : list_) {
    if (keep && c.config.get() == keep) continue;
    c.life = Child::Life::Retiring;
    c.deadline = deadline;
    if (c.pid > 0) kill(c.pid, SIGTERM);
  }
  for (auto it = list_.begin(); it != list_.end();)
    it = (it->life == Child::Life::Retiring && it->pid == 0) ? list_.erase(it) : std::next(it);
}

void Children::kill_overdue(double now) {
  for (auto& c : list_) {
    if (c.life == Child::Life::Retiring && c.pid > 0 && now > c.deadline) {
      log::warn("master: worker " + std::to_string(c.pid) + " still busy after the graceful timeout; killing it");
      kill(c.pid, SIGKILL);
      c.deadline = now + 3600;
    }
  }
}

void Children::kill_all() {
  for (auto& c : list_)
    if (c.pid > 0) kill(c.pid, SIGKILL);
}

int Children::signal_running(int sig) {
  int n = 0;
  for (auto& c : list_)
    if (c.pid > 0 && kill(c.pid, sig) == 0) ++n;
  return n;
}

bool Children::any_retiring() const {
  for (const auto& c : list_)
    if (c.life == Child::Life::Retiring) return true;
  return false;
}

std::vector<RunningWorker> Children::running_workers() const {
  std::vector<RunningWorker> out;
  for (const auto& c : list_)
    if (c.kind == Child::Kind::Worker && c.pid > 0 && c.slot >= 0) out.push_back({c.pid, c.slot});
  return out;
}

}  // namespace ecom::prefork
