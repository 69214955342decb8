#include "provision_cli/cli.h"

#include <cstdio>
#include <cstring>

#include "http/json_writer.h"
#include "provisioning/steps_json.h"

namespace ecom::provision_cli {
namespace {

const Command kCommands[] = {
    {"setup", "setup", "create or upgrade the control database and register the default database server", 0, 0,
     true, cmd_setup},
    {"create", "create SLUG NAME PLANCODE [--admin-email E]", "create a store now (CreateDatabase, ApplyMigrations, SeedData)", 3, 3,
     true, cmd_create, true},
    {"repair", "repair SLUG", "re-run whatever is missing for a store (schema, migrations, seed)", 1, 1, true,
     cmd_repair, true},
    {"migrate", "migrate [--jobs N]", "apply pending tenant migrations to every Ready or Suspended store (N at once)", 0, 0, true,
     cmd_migrate},
    {"status", "status SLUG", "show a store and its provisioning steps", 1, 1, true, cmd_status},
    {"list", "list", "list every store", 0, 0, true, cmd_list},
    {"run", "run [--loop SECONDS]", "process queued provisioning jobs (once, or every SECONDS)", 0, 0, true, cmd_run},
    {"token", "token superadmin [--ttl SECONDS]", "print a super-admin token (default 1 hour)", 1, 1, false,
     cmd_token},
    {"admin", "admin create SLUG EMAIL", "invite a store admin; prints the activation token (48 hours)", 3, 3, true,
     cmd_admin},
    {"gc", "gc", "delete expired sign-ups and old limit records; list sign-ups never activated", 0, 0, true,
     cmd_gc},
};

void usage(FILE* out) {
  std::fputs("usage: ecom-provision [--config FILE] [--json] COMMAND [ARGS]\n\ncommands:\n", out);
  for (const auto& c : kCommands) std::fprintf(out, "  %-28s %s\n", c.usage, c.summary);
  std::fputs(
      "\noptions:\n"
      "  --config FILE   configuration (default: $ECOM_CONFIG or /etc/ecom/ecom.conf)\n"
      "  --json          machine-readable output on stdout\n"
      "\nexit codes: 0 success, 1 failure, 2 usage error\n",
      out);
}

}  // namespace

void print_error(const CliContext& ctx, const std::string& message) {
  std::fprintf(stderr, "ecom-provision: %s\n", message.c_str());
  if (ctx.json) {
    std::string out;
    http::JsonWriter w(out);
    w.begin_object().field("error", message).end_object();
    print_json(out);
  }
}

void print_json(const std::string& json) {
  std::fwrite(json.data(), 1, json.size(), stdout);
  std::fputc('\n', stdout);
}

std::string tenant_json(const provisioning::TenantRecord& t, const std::vector<provisioning::StepRecord>* steps) {
  std::string out;
  http::JsonWriter w(out);
  w.begin_object();
  w.field("id", t.id);
  provisioning::write_tenant_summary(w, t);
  if (steps) provisioning::write_steps(w, *steps, provisioning::StepDetail::Full);
  w.end_object();
  return out;
}

int exit_code_for(const provisioning::ProvisionError& e) {
  return e.kind() == provisioning::ProvisionError::Invalid ? kExitUsage : kExitFailure;
}

int cli_main(int argc, char** argv) {
  std::string config_path = default_config_path();
  bool json = false;
  std::vector<std::string> rest;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--config") {
      if (i + 1 >= argc) {
        usage(stderr);
        return kExitUsage;
      }
      config_path = argv[++i];
    } else if (a.rfind("--config=", 0) == 0) {
      config_path = a.substr(9);
    } else if (a == "--json") {
      json = true;
    } else if (a == "-h" || a == "--help" || a == "help") {
      usage(stdout);
      return kExitOk;
    } else {
      rest.push_back(a);
    }
  }
  if (rest.empty()) {
    usage(stderr);
    return kExitUsage;
  }
  const Command* cmd = nullptr;
  for (const auto& c : kCommands)
    if (rest[0] == c.name) cmd = &c;
  if (!cmd) {
    std::fprintf(stderr, "ecom-provision: unknown command '%s'\n\n", rest[0].c_str());
    usage(stderr);
    return kExitUsage;
  }
  auto loaded = load_config(config_path);
  if (!loaded.ok()) {
    for (const auto& e : loaded.errors) std::fprintf(stderr, "ecom-provision: %s\n", e.c_str());
    return kExitFailure;
  }
  if (cmd->needs_db) {
    std::string error;
    auto pw = admin_password(loaded.config, error);
    if (!pw) {
      std::fprintf(stderr, "ecom-provision: %s\n", error.c_str());
      return kExitFailure;
    }
    loaded.config.admin_password = *pw;
  }
  CliContext ctx{loaded.config, json, {}, {}, nullptr};
  for (size_t i = 1; i < rest.size(); ++i) {
    if (rest[i].rfind("--", 0) == 0) {
      ctx.flags.push_back(rest[i]);
      if (i + 1 < rest.size() && rest[i + 1].rfind("--", 0) != 0) ctx.flags.push_back(rest[++i]);
    } else {
      ctx.args.push_back(rest[i]);
    }
  }
  if (static_cast<int>(ctx.args.size()) < cmd->min_args || static_cast<int>(ctx.args.size()) > cmd->max_args) {
    std::fprintf(stderr, "usage: ecom-provision %s\n", cmd->usage);
    return kExitUsage;
  }
  try {
    std::unique_ptr<provisioning::Provisioner> p;
    if (cmd->needs_db) {
      p = std::make_unique<provisioning::Provisioner>(ctx.cfg);
      if (cmd->fn != cmd_setup) p->control().use_schema(ctx.cfg.control_schema);
      ctx.p = p.get();
    }
    int code = cmd->fn(ctx);
    if (cmd->changes_stores) notify_master(ctx.cfg);
    return code;
  } catch (const provisioning::ProvisionError& e) {
    print_error(ctx, e.what());
    if (cmd->changes_stores) notify_master(ctx.cfg);  // a failed step changed the store's status too
    return exit_code_for(e);
  } catch (const std::exception& e) {
    print_error(ctx, e.what());
    if (cmd->changes_stores) notify_master(ctx.cfg);
    return kExitFailure;
  }
}

}  // namespace ecom::provision_cli
