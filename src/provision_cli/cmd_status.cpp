// status SLUG: a store, its provisioning steps and the room on its database server (stores,
// capacity, configured or derived, free); `server list` shows every server's.
#include <cstdio>

#include "http/json_writer.h"
#include "provision_cli/cli.h"
#include "provisioning/db_servers.h"

namespace ecom::provision_cli {

int cmd_status(CliContext& ctx) {
  auto t = ctx.p->store().find_by_slug(ctx.args[0]);
  if (!t) {
    print_error(ctx, "no store with slug '" + ctx.args[0] + "'");
    return kExitFailure;
  }
  auto steps = ctx.p->store().steps(t->id);
  auto server = provisioning::find_db_server(ctx.p->control(), t->server_name);
  if (ctx.json) {
    std::string out = tenant_json(*t, &steps);
    if (server) {
      std::string room;
      http::JsonWriter w(room);
      w.begin_object();
      provisioning::write_capacity_fields(w, *server);
      w.end_object();
      out.insert(out.size() - 1, ",\"serverCapacity\":" + room);
    }
    print_json(out);
    return kExitOk;
  }
  std::printf("%s  %s  plan %s  status %s  schema %s  created %s\n", t->slug.c_str(), t->name.c_str(),
              t->plan_name.c_str(), t->status.c_str(), t->schema.c_str(), t->created_at.c_str());
  if (server)
    std::printf("  database server %s: %lld store(s), capacity %lld (%s), %lld free\n", server->name.c_str(),
                static_cast<long long>(server->stores), static_cast<long long>(server->capacity),
                server->capacity_source(), static_cast<long long>(server->free()));
  for (const auto& s : steps) {
    std::printf("  %-16s %-10s %s -> %s  %s\n", s.step.c_str(), s.status.c_str(),
                s.started_at.value_or("-").c_str(), s.completed_at.value_or("-").c_str(),
                s.error_message ? s.error_message->c_str() : s.log.value_or("").c_str());
  }
  return kExitOk;
}

}  // namespace ecom::provision_cli
