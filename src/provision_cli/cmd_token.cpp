// token superadmin [--ttl SECONDS]: print a super-admin JWT (default 1 hour).
#include <cstdio>

#include "common/strings.h"
#include "http/json_writer.h"
#include "provision_cli/cli.h"
#include "superadmin/auth.h"

namespace ecom::provision_cli {

int cmd_token(CliContext& ctx) {
  if (ctx.args[0] != "superadmin") {
    std::fputs("usage: ecom-provision token superadmin [--ttl SECONDS]\n", stderr);
    return kExitUsage;
  }
  int64_t ttl = 3600;
  for (size_t i = 0; i < ctx.flags.size(); ++i) {
    std::optional<int64_t> v;
    if (ctx.flags[i] == "--ttl" && i + 1 < ctx.flags.size()) v = parse_int(ctx.flags[++i]);
    if (!v || *v < 1 || *v > 30 * 86400) {
      std::fputs("ecom-provision: --ttl takes a number of seconds (1-2592000)\n", stderr);
      return kExitUsage;
    }
    ttl = *v;
  }
  auto problems = secret_problems(ctx.cfg);
  for (const auto& p : problems)
    if (p.find("superadmin_token_secret") != std::string::npos) {
      print_error(ctx, p);
      return kExitFailure;
    }
  std::string token = superadmin::mint_superadmin_token(ctx.cfg, ttl);
  if (ctx.json) {
    std::string out;
    http::JsonWriter w(out);
    w.begin_object().field("token", token).field("expiresIn", ttl).end_object();
    print_json(out);
  } else {
    std::printf("%s\n", token.c_str());
  }
  return kExitOk;
}

}  // namespace ecom::provision_cli
