// The provisioning agent: a process of its own, forked by the master beside
// the workers, that holds the administrative database account. Web workers
// (which must not CREATE or GRANT) ask it, over a unix socket only the
// service's user can open, to create or repair a store, and wait for the answer.
//
// Protocol: one JSON object per connection each way.
//   → {"op":"create","slug":..,"name":..,"plan":..,"adminEmail"?:..,"server"?:..}   {"op":"repair","slug":..}
//   ← {"ok":true,"slug":..,"status":..}
//   | {"ok":false,"kind":"Invalid|PlanNotFound|SlugTaken|NotFound|UnknownServer|Full|Failed","error":..}
#pragma once

#include <string>

#include "common/config.h"

namespace ecom::provisioning {

// The agent's init step, run after the fork (a prefork::InitStep): reads the administrative
// password (admin_database.password_file) into the agent's own configuration, so that the master,
// of which every worker is a copy, never holds it. When it cannot be read the agent logs why and
// runs all the same, answering every request "no administrative credentials".
bool read_admin_password(Config& cfg, std::string& error);

// The agent's accept loop (runs in the agent process); returns its exit code.
int agent_run(const Config& cfg, int listen_fd);

struct AgentReply {
  bool ok = false;
  std::string kind;  // on failure
  std::string error;
  std::string slug, status;
  std::string admin_activation_token;  // when an admin was invited
  bool in_progress = false;  // no answer within the wait: the agent goes on with it
};

// How long a web worker waits for the agent: within server.request_timeout (less 2 s for the
// rest of the request, at least 1 s), at most 60 s. Past it, the request is in progress.
int agent_wait_seconds(const Config& cfg);

// Client side, used by a web worker. A reply of kind "Unavailable" when the agent cannot be
// reached (not configured, not running, connection refused or closed, a malformed answer).
// No answer within `timeout_seconds` after the request was handed over: in_progress set.
AgentReply agent_call(const Config& cfg, const std::string& request_json, int timeout_seconds);

}  // namespace ecom::provisioning
