// backup SLUG FILE: the store's schema and its control rows, compressed, written atomically
// (mode 0600: it holds customers' password hashes and orders). See provisioning/store_backup.h.
#include <cstdio>

#include "http/json_writer.h"
#include "provision_cli/cli.h"
#include "provisioning/store_backup.h"

namespace ecom::provision_cli {

int cmd_backup(CliContext& ctx) {
  if (!ctx.flags.empty()) {
    std::fputs("usage: ecom-provision backup SLUG FILE\n", stderr);
    return kExitUsage;
  }
  if (ctx.args[1].empty()) {
    print_error(ctx, "FILE must not be empty");
    return kExitUsage;
  }
  auto o = provisioning::backup_store(*ctx.p, ctx.cfg, ctx.args[0], ctx.args[1]);
  if (ctx.json) {
    std::string out;
    http::JsonWriter w(out);
    w.begin_object().field("file", o.file).field("bytes", o.bytes);
    provisioning::write_header_fields(w, o.header);
    w.end_object();
    print_json(out);
  } else {
    std::printf("store %s backed up to %s (%lld bytes, migration level %lld)\n", o.header.slug.c_str(),
                o.file.c_str(), static_cast<long long>(o.bytes), static_cast<long long>(o.header.migration_level));
  }
  return kExitOk;
}

}  // namespace ecom::provision_cli
