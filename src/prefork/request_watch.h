// request_timeout and slow requests, watched by the master from the scoreboard (PHP-FPM's
// request_terminate_timeout and request_slowlog_timeout): a worker busy on one request for
// longer than request_timeout is killed (SIGKILL; reaped and replaced like any dead worker);
// a request running longer than slow_request_ms is logged once while still running.
#pragma once

#include <cstdint>
#include <vector>

#include "common/config.h"
#include "prefork/children.h"
#include "prefork/scoreboard.h"

namespace ecom::prefork {

void watch_requests(Scoreboard& sb, const Config& c, const std::vector<RunningWorker>& workers, int64_t now_ms);

}  // namespace ecom::prefork
