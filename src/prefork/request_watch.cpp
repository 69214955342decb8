#include "prefork/request_watch.h"

#include <signal.h>

#include <string>

#include "common/log.h"

namespace ecom::prefork {
namespace {

// "request id=… tenant=… METHOD /path" of the request in `slot`, as the worker published it.
std::string describe_request(const Scoreboard& sb, int slot) {
  for (const auto& v : scoreboard_snapshot(sb))
    if (v.index == slot)
      return "request id=" + v.request_id + " tenant=" + (v.tenant.empty() ? "-" : v.tenant) + " " + v.method + " " +
             v.path;
  return std::string("request");
}

}  // namespace

void watch_requests(Scoreboard& sb, const Config& c, const std::vector<RunningWorker>& workers, int64_t now_ms) {
  for (const RunningWorker& w : workers) {
    WorkerSlot& s = sb.slots[w.slot];
    int64_t started = s.request_start_ms.load();
    if (s.state.load() != static_cast<int32_t>(SlotState::Busy) || started <= 0) continue;
    int64_t age = now_ms - started;
    if (c.request_timeout > 0 && age > c.request_timeout * 1000) {
      log::error("master: worker " + std::to_string(w.pid) + " exceeded request_timeout (" + std::to_string(age) +
                 " ms) on " + describe_request(sb, w.slot) + "; killing it");
      sb.timeouts.fetch_add(1);
      kill(w.pid, SIGKILL);
      s.request_start_ms = 0;
    } else if (c.slow_request_ms > 0 && age > c.slow_request_ms && s.slow_reported.exchange(1) == 0) {
      log::warn("master: slow request still running after " + std::to_string(age) + " ms on worker " +
                std::to_string(w.pid) + ": " + describe_request(sb, w.slot));
    }
  }
}

}  // namespace ecom::prefork
