// The master's children (PHP-FPM's fpm_children.c is the model): the workers and the
// provisioning agent, each with the configuration generation it was started with.
//   spawn    fork with every signal blocked; the child is named at once, then runs its program
//   reap     waitpid; the exit is described in the log and the worker's scoreboard slot freed;
//            a child that is not retiring is respawned — later and later while children keep
//            crashing (the crash window)
//   retire   TERM (the child finishes the request in hand); KILL once past its deadline
#pragma once

#include <sys/types.h>

#include <deque>
#include <list>
#include <memory>
#include <vector>

#include "common/config.h"
#include "prefork/child_program.h"
#include "prefork/scoreboard.h"

namespace ecom::prefork {

// Crash-loop protection: five abnormal exits within 10 s delay respawning (0.5 s, doubling with
// each further exit in the window, at most 30 s).
class CrashWindow {
 public:
  void record(double now);
  double delay(double now);  // 0 while under the threshold
  size_t count() const { return deaths_.size(); }

 private:
  void trim(double now);
  static constexpr size_t kThreshold = 5;
  static constexpr double kWindow = 10.0, kMaxDelay = 30.0;
  std::deque<double> deaths_;
};

struct Child {
  enum class Kind { Worker, Agent };
  enum class Life { Serving, Retiring };  // Retiring: told to stop; never respawned

  Kind kind = Kind::Worker;
  std::shared_ptr<const Config> config;  // the generation it runs with, kept alive while it does
  Life life = Life::Serving;
  int slot = -1;  // scoreboard slot (workers)
  pid_t pid = 0;  // 0: not running, spawned again at respawn_at
  double started = 0;
  double respawn_at = 0;
  double deadline = 0;  // retiring: killed if still running then
};

// A running worker, as the request watch sees it.
struct RunningWorker {
  pid_t pid;
  int slot;
};

// The sockets the children inherit: the FastCGI one (workers) and the agent's (-1 when none).
struct ChildSockets {
  int listen_fd = -1;
  int agent_fd = -1;
};

class Children {
 public:
  Children(Scoreboard& sb, ChildSockets sockets, const WorkerProgram& worker, const AgentProgram& agent);

  // A full set running `config`: worker_count() workers (common/config.h), and the agent when
  // there is one.
  void start_generation(const std::shared_ptr<const Config>& config);

  // Collects every child that ended (never blocks): a retiring one is gone, any other is
  // scheduled to be respawned.
  void reap(double now);

  // Spawns the serving children whose respawn time has come.
  void respawn_due(double now);

  // Every child not running `keep` (all when null) retires: TERM now, KILL after `deadline`
  // (kill_overdue). Those not running are forgotten.
  void retire(double deadline, const Config* keep = nullptr);

  // KILL to the retiring children past their deadline.
  void kill_overdue(double now);

  // KILL to every child (the graceful stop's timeout).
  void kill_all();

  // `sig` to every running child; returns how many were sent it.
  int signal_running(int sig);

  bool empty() const { return list_.empty(); }
  bool any_retiring() const;
  std::vector<RunningWorker> running_workers() const;

 private:
  void spawn(Child& c);
  [[noreturn]] void become(const Child& c);  // in the forked child
  void bury(std::list<Child>::iterator it, int status, double now);
  int free_slot() const;

  Scoreboard& sb_;
  ChildSockets sockets_;
  const WorkerProgram& worker_;
  const AgentProgram& agent_;
  std::list<Child> list_;
  CrashWindow crashes_;
};

}  // namespace ecom::prefork
