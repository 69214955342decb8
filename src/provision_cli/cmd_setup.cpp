// setup: create or upgrade the control database; register the default server.
#include <cstdio>

#include "http/json_writer.h"
#include "provision_cli/cli.h"

namespace ecom::provision_cli {

int cmd_setup(CliContext& ctx) {
  auto applied = ctx.p->setup_control();
  if (ctx.json) {
    std::string out;
    http::JsonWriter w(out);
    w.begin_object().field("controlSchema", ctx.cfg.control_schema).key("applied").begin_array();
    for (const auto& a : applied) w.string(a);
    w.end_array().end_object();
    print_json(out);
  } else {
    std::printf("control database %s ready (%zu migration(s) applied)\n", ctx.cfg.control_schema.c_str(),
                applied.size());
  }
  return kExitOk;
}

}  // namespace ecom::provision_cli
