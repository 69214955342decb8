// server add|list|drain|resume|capacity|remove: the database servers that hold store schemas.
// Their addresses, capacities and states live in the control database (db_servers); their
// accounts never do: each server's come from ecom.conf ([db_server.NAME], else the default
// server's [database] and [admin_database]).
#include <algorithm>
#include <cstdio>

#include "common/strings.h"
#include "http/json_writer.h"
#include "provision_cli/cli.h"
#include "provisioning/db_servers.h"

namespace ecom::provision_cli {
namespace {

using provisioning::DbServer;
using provisioning::ServerChange;

constexpr const char* kUsage =
    "usage: ecom-provision server add NAME URL [--capacity N]\n"
    "       ecom-provision server list\n"
    "       ecom-provision server drain|resume|remove NAME\n"
    "       ecom-provision server capacity NAME N|derived\n";
constexpr int64_t kMaxCapacity = 1'000'000;

int usage_error(const CliContext& ctx, const std::string& message) {
  print_error(ctx, message);
  std::fputs(kUsage, stderr);
  return kExitUsage;
}

std::optional<int64_t> capacity_of(const std::string& text) {
  auto n = parse_int(text);
  if (!n || *n < 0 || *n > kMaxCapacity) return std::nullopt;
  return n;
}

// Whether the provisioner's account on `s` gets an answer (its own connection, closed after).
bool reachable(CliContext& ctx, const DbServer& s) {
  try {
    return ctx.p->open_admin(s.url, s.is_default ? "" : s.name)->ping();
  } catch (const std::exception&) {
    return false;
  }
}

// The outcome of a change as an exit code, with a message when it did not happen.
int changed(const CliContext& ctx, ServerChange r, const std::string& name, const std::string& done) {
  switch (r) {
    case ServerChange::Done:
      if (ctx.json) {
        std::string out;
        http::JsonWriter w(out);
        w.begin_object().field("server", name).field("result", done).end_object();
        print_json(out);
      } else {
        std::printf("database server %s %s\n", name.c_str(), done.c_str());
      }
      return kExitOk;
    case ServerChange::NotFound: print_error(ctx, "no database server named '" + name + "'"); break;
    case ServerChange::Exists: print_error(ctx, "a database server named '" + name + "' already exists"); break;
    case ServerChange::IsDefault:
      print_error(ctx, "'" + name + "' is the default database server (database.url); it cannot be removed");
      break;
    case ServerChange::NotEmpty: {
      auto s = provisioning::find_db_server(ctx.p->control(), name);
      print_error(ctx, "database server '" + name + "' still holds " + std::to_string(s ? s->stores : 1) +
                           " store(s); it can be removed only once it holds none (drain it, then move or "
                           "delete its stores)");
      break;
    }
  }
  return kExitFailure;
}

int add(CliContext& ctx) {
  if (ctx.args.size() != 3) return usage_error(ctx, "server add takes NAME and URL");
  const std::string& name = ctx.args[1];
  const std::string& url = ctx.args[2];
  std::optional<int64_t> capacity;  // derived from the server's limits unless given
  for (size_t i = 0; i < ctx.flags.size(); ++i) {
    std::optional<int64_t> n;
    if (ctx.flags[i] == "--capacity" && i + 1 < ctx.flags.size() && (n = capacity_of(ctx.flags[++i]))) {
      capacity = *n;
    } else {
      return usage_error(ctx, "--capacity takes a number of stores from 0 to " + std::to_string(kMaxCapacity));
    }
  }
  if (!valid_db_server_name(name)) return usage_error(ctx, "a server name is 1-64 of [a-z0-9_-]");
  if (!provisioning::valid_db_url(url)) return usage_error(ctx, "the URL must be unix:///path or tcp://host:port");
  int code = changed(ctx, provisioning::add_db_server(ctx.p->control(), name, url, capacity), name, "added");
  if (code == kExitOk) ctx.p->refresh_capacities(0);
  if (code == kExitOk && !ctx.json) {
    auto s = provisioning::find_db_server(ctx.p->control(), name);
    if (s && !reachable(ctx, *s))
      std::printf("warning: %s does not answer with the provisioner's account yet "
                  "(ecom-provision db-init --db-server %s creates the accounts there)\n",
                  url.c_str(), name.c_str());
  }
  return code;
}

int list(CliContext& ctx) {
  if (ctx.args.size() != 1 || !ctx.flags.empty()) return usage_error(ctx, "server list takes no argument");
  auto unreachable = ctx.p->refresh_capacities(0);
  auto servers = provisioning::list_db_servers(ctx.p->control());
  std::string out;
  http::JsonWriter w(out);
  w.begin_object().key("servers").begin_array();
  if (!ctx.json) std::printf("%s %-10s %s\n", provisioning::capacity_columns_header().c_str(), "REACHABLE", "URL");
  for (const auto& s : servers) {
    bool up = std::find(unreachable.begin(), unreachable.end(), s.name) == unreachable.end() && reachable(ctx, s);
    if (ctx.json) {
      w.begin_object().field("name", s.name).field("url", s.url).field("default", s.is_default).field("state", s.state);
      provisioning::write_capacity_fields(w, s);
      w.field("reachable", up).end_object();
    } else {
      std::printf("%s %-10s %s%s\n", provisioning::capacity_columns(s).c_str(), up ? "yes" : "no", s.url.c_str(),
                  s.is_default ? " (default)" : "");
      if (!s.configured && !s.limits.empty()) std::printf("  derived from %s\n", s.limits.c_str());
    }
  }
  w.end_array().end_object();
  if (ctx.json) print_json(out);
  return kExitOk;
}

}  // namespace

int cmd_server(CliContext& ctx) {
  const std::string& sub = ctx.args[0];
  if (sub == "add") return add(ctx);
  if (sub == "list") return list(ctx);
  if (sub != "drain" && sub != "resume" && sub != "remove" && sub != "capacity")
    return usage_error(ctx, "unknown server command '" + sub + "'");
  size_t want = sub == "capacity" ? 3 : 2;
  if (ctx.args.size() != want || !ctx.flags.empty()) return usage_error(ctx, "server " + sub + ": wrong arguments");
  const std::string& name = ctx.args[1];
  auto& c = ctx.p->control();
  if (sub == "drain")
    return changed(ctx, provisioning::set_db_server_state(c, name, provisioning::kServerDraining), name,
                   "draining: no new store goes there");
  if (sub == "resume")
    return changed(ctx, provisioning::set_db_server_state(c, name, provisioning::kServerActive), name,
                   "active: new stores may go there");
  if (sub == "remove") return changed(ctx, provisioning::remove_db_server(c, name), name, "removed");
  if (ctx.args[2] == "derived") {
    int code = changed(ctx, provisioning::set_db_server_capacity(c, name, std::nullopt), name,
                       "capacity derived from its limits");
    if (code == kExitOk) ctx.p->refresh_capacities(0);
    return code;
  }
  auto n = capacity_of(ctx.args[2]);
  if (!n)
    return usage_error(ctx, "a capacity is a number of stores from 0 to " + std::to_string(kMaxCapacity) +
                                ", or 'derived'");
  return changed(ctx, provisioning::set_db_server_capacity(c, name, *n), name,
                 "capacity set to " + std::to_string(*n));
}

}  // namespace ecom::provision_cli
