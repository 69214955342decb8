// admin create SLUG EMAIL: invite a store admin (or re-invite one that has not
// activated yet) and print the one-time activation token (valid 48 hours).
#include <cstdio>

#include "http/json_writer.h"
#include "provision_cli/cli.h"

namespace ecom::provision_cli {

int cmd_admin(CliContext& ctx) {
  if (ctx.args.size() != 3 || ctx.args[0] != "create") {
    std::fputs("usage: ecom-provision admin create SLUG EMAIL\n", stderr);
    return kExitUsage;
  }
  std::string token = ctx.p->invite_admin(ctx.args[1], ctx.args[2]);
  if (ctx.json) {
    std::string out;
    http::JsonWriter w(out);
    w.begin_object()
        .field("slug", ctx.args[1])
        .field("email", ctx.args[2])
        .field("activationToken", token)
        .field("expiresIn", static_cast<int64_t>(48 * 3600))
        .end_object();
    print_json(out);
  } else {
    std::printf("%s\n", token.c_str());
    std::fprintf(stderr,
                 "activation token for %s printed above (valid 48 hours); the admin sets a password with\n"
                 "POST /api/auth/activate-account {token, password, confirmPassword}\n",
                 ctx.args[2].c_str());
  }
  return kExitOk;
}

}  // namespace ecom::provision_cli
