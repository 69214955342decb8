// gc: delete sign-ups whose confirmation token expired unconfirmed (their slugs
// become free again).
#include <cstdio>

#include "http/json_writer.h"
#include "provisioner/cli.h"

namespace ecom::provisioner {

int cmd_gc(CliContext& ctx) {
  int64_t expired = ctx.p->store().delete_expired_pending();
  if (ctx.json) {
    std::string out;
    http::JsonWriter w(out);
    w.begin_object().field("expiredInits", expired).end_object();
    print_json(out);
  } else {
    std::printf("%lld expired sign-up(s) removed\n", static_cast<long long>(expired));
  }
  return kExitOk;
}

}  // namespace ecom::provisioner
