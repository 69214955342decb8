// run [--loop SECONDS]: process every claimable provisioning job, once or
// repeatedly. SIGTERM/SIGINT end the loop after the job in hand. A store whose database server
// is full stays Queued (logged once) and is built by a later pass once there is room.
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <set>

#include "common/clock.h"
#include "common/log.h"
#include "common/strings.h"
#include "http/json_writer.h"
#include "provision_cli/cli.h"
#include "provisioning/jobs.h"
#include "tenancy/tenant.h"

namespace ecom::provision_cli {
namespace {

volatile sig_atomic_t g_stop = 0;
void on_stop(int) { g_stop = 1; }

struct Tally {
  int64_t done = 0, failed = 0, waiting = 0;
};

// The jobs this process said it leaves waiting for room (said once each, not every pass).
std::set<std::string> g_said_waiting;

// Works through the queue until it is empty (or holds only stores waiting for room). Throws
// db::Error on database trouble.
Tally drain(const Config& cfg, provisioning::Provisioner& p, provisioning::JobQueue& q) {
  Tally t;
  std::set<std::string> waiting;
  while (!g_stop) {
    auto job = q.claim(waiting);
    if (!job) break;
    auto tenant = p.store().find_by_id(job->tenant_id);
    if (!tenant) {
      q.finish(*job, false);
      continue;
    }
    if (tenant->provisioning_status == tenancy::state::kQueued) {
      // Not built yet: only where its server has room. Else it stays Queued, nothing made.
      if (auto why = p.no_room_for(*tenant)) {
        q.defer(*job);
        waiting.insert(job->id);
        ++t.waiting;
        if (g_said_waiting.insert(job->id).second)
          log::info("run: " + tenant->slug + " stays Queued: " + *why +
                    "; it is built once there is room (ecom-provision server capacity NAME N)");
        continue;
      }
    }
    log::info("run: job " + job->id + " (attempt " + std::to_string(job->attempts) + ") for " + tenant->slug);
    double started = clock::mono_seconds();
    auto outcome = p.run_steps(*tenant);
    q.finish(*job, outcome.ok);
    notify_master(cfg);  // a sign-up that was "not ready" on every worker is served at once
    char secs[32];
    std::snprintf(secs, sizeof secs, "%.2f", clock::mono_seconds() - started);
    if (outcome.ok) {
      ++t.done;
      log::info("run: " + tenant->slug + " Ready in " + secs + " s");
    } else {
      ++t.failed;
      log::error("run: " + tenant->slug + " Failed at " + outcome.failed_step + ": " + outcome.error);
    }
  }
  return t;
}

}  // namespace

int cmd_run(CliContext& ctx) {
  std::optional<int64_t> loop;
  for (size_t i = 0; i < ctx.flags.size(); ++i) {
    if (ctx.flags[i] == "--loop" && i + 1 < ctx.flags.size()) {
      loop = parse_int(ctx.flags[++i]);
      if (!loop || *loop < 1 || *loop > 86400) {
        std::fputs("ecom-provision: --loop takes a number of seconds (1-86400)\n", stderr);
        return kExitUsage;
      }
    } else {
      std::fprintf(stderr, "usage: ecom-provision run [--loop SECONDS]\n");
      return kExitUsage;
    }
  }
  struct sigaction sa {};
  sa.sa_handler = on_stop;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);

  std::string owner = "run:" + std::to_string(getpid());
  provisioning::JobQueue queue(ctx.p->control(), owner, ctx.cfg.lease_seconds);
  if (!loop) {
    Tally t = drain(ctx.cfg, *ctx.p, queue);
    if (ctx.json) {
      std::string out;
      http::JsonWriter w(out);
      w.begin_object().field("provisioned", t.done).field("failed", t.failed).field("waitingForRoom", t.waiting);
      w.end_object();
      print_json(out);
    } else {
      std::printf("%lld store(s) provisioned, %lld failed, %lld waiting for room on a full database server\n",
                  static_cast<long long>(t.done), static_cast<long long>(t.failed),
                  static_cast<long long>(t.waiting));
    }
    return t.failed ? kExitFailure : kExitOk;
  }
  log::info("run: polling every " + std::to_string(*loop) + " s");
  while (!g_stop) {
    try {
      drain(ctx.cfg, *ctx.p, queue);
    } catch (const std::exception& e) {
      log::error(std::string("run: ") + e.what() + "; retrying");
    }
    for (int64_t i = 0; i < *loop * 10 && !g_stop; ++i) usleep(100000);
  }
  log::info("run: stopped");
  return kExitOk;
}

}  // namespace ecom::provision_cli
