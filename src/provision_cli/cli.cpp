#include "provision_cli/cli.h"

#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>

#include "http/json_writer.h"
#include "provisioning/steps_json.h"

namespace ecom::provision_cli {
namespace {

const Command kCommands[] = {
    {"db-init", "db-init [--server-user U] [--server-password-file F] [--hosts H,..] [--app-password-file F] [--db-server NAME [--url URL]]",
     "create the control database and both database accounts (as the server's administrator)", 0, 0, false,
     cmd_db_init},
    {"setup", "setup", "create or upgrade the control database and register the default database server", 0, 0,
     true, cmd_setup},
    {"create", "create SLUG NAME PLANCODE [--admin-email E] [--server NAME]",
     "create a store now (CreateDatabase, ApplyMigrations, SeedData)", 3, 3, true, cmd_create, true},
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
    {"server", "server add|list|drain|resume|capacity|remove ...",
     "database servers for stores: add NAME URL [--capacity N], list, drain NAME, resume NAME, "
     "capacity NAME N|derived, "
     "remove NAME",
     1, 3, true, cmd_server},
    {"move", "move SLUG SERVER [--drop-source] | move SLUG --abort",
     "move a store to another database server (423 only while it switches); run again to finish an "
     "interrupted move, --abort to roll it back",
     1, 2, true, cmd_move, true},
    {"backup", "backup SLUG FILE", "write a store's data and control rows to FILE (gzip, mode 0600)", 2, 2, true,
     cmd_backup},
    {"restore", "restore FILE [--as NEWSLUG] [--server NAME]", "create a store from a backup, Ready at once", 1, 1,
     true, cmd_restore, true},
    {"refresh", "refresh",
     "tell this host's running ecom-fcgi that stores changed (after editing the control database by hand): "
     "its workers look every store up again from the next request on",
     0, 0, false, cmd_refresh},
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
  w.field("server", t.server_name);
  if (steps) provisioning::write_steps(w, *steps, provisioning::StepDetail::Full);
  w.end_object();
  return out;
}

int exit_code_for(const provisioning::ProvisionError& e) {
  return e.kind() == provisioning::ProvisionError::Invalid || e.kind() == provisioning::ProvisionError::UnknownServer
             ? kExitUsage
             : kExitFailure;
}

namespace {

// The global flags, anywhere on the command line, and the rest in order.
struct CommandLine {
  std::string config_path = default_config_path();
  bool json = false;
  std::vector<std::string> rest;  // the subcommand, its arguments and flags
};

// Reads argv into `line`; an exit code when there is nothing to run (help, a usage error).
std::optional<int> read_command_line(int argc, char** argv, CommandLine& line) {
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--config") {
      if (i + 1 >= argc) {
        usage(stderr);
        return kExitUsage;
      }
      line.config_path = argv[++i];
    } else if (a.rfind("--config=", 0) == 0) {
      line.config_path = a.substr(9);
    } else if (a == "--json") {
      line.json = true;
    } else if (a == "-h" || a == "--help" || a == "help") {
      usage(stdout);
      return kExitOk;
    } else {
      line.rest.push_back(a);
    }
  }
  if (line.rest.empty()) {
    usage(stderr);
    return kExitUsage;
  }
  return std::nullopt;
}

const Command* find_command(const std::string& name) {
  const Command* cmd = nullptr;
  for (const auto& c : kCommands)
    if (name == c.name) cmd = &c;
  return cmd;
}

// The configuration, with the administrative password when `cmd` needs the database; an exit
// code (the problems said on stderr) when it cannot be had.
std::optional<int> load_configuration(const Command& cmd, const std::string& path, ConfigResult& loaded) {
  loaded = load_config(path);
  if (!loaded.ok()) {
    for (const auto& e : loaded.errors) std::fprintf(stderr, "ecom-provision: %s\n", e.c_str());
    return kExitFailure;
  }
  if (cmd.needs_db) {
    std::string error;
    auto pw = admin_password(loaded.config, error);
    if (!pw) {
      std::fprintf(stderr, "ecom-provision: %s\n", error.c_str());
      return kExitFailure;
    }
    loaded.config.admin_password = *pw;
  }
  return std::nullopt;
}

// Flags that take no value, wherever they stand.
bool is_switch(const std::string& flag) { return flag == "--abort" || flag == "--drop-source"; }

// The subcommand's words after its name: "--flag" (with the value that follows it, unless that
// is a flag too or the flag is a switch) into ctx.flags, the others into ctx.args.
void split_arguments(const std::vector<std::string>& rest, CliContext& ctx) {
  for (size_t i = 1; i < rest.size(); ++i) {
    if (rest[i].rfind("--", 0) == 0) {
      ctx.flags.push_back(rest[i]);
      if (!is_switch(rest[i]) && i + 1 < rest.size() && rest[i + 1].rfind("--", 0) != 0)
        ctx.flags.push_back(rest[++i]);
    } else {
      ctx.args.push_back(rest[i]);
    }
  }
}

// Runs `cmd` (with the database opened when it needs it); errors become messages and exit codes.
// The master is told of changed stores in every case: a failed step changes a store's status too.
int run_command(const Command& cmd, CliContext& ctx) {
  try {
    std::unique_ptr<provisioning::Provisioner> p;
    if (cmd.needs_db) {
      p = std::make_unique<provisioning::Provisioner>(ctx.cfg);
      if (cmd.fn != cmd_setup) p->control().use_schema(ctx.cfg.control_schema);
      ctx.p = p.get();
    }
    int code = cmd.fn(ctx);
    if (cmd.changes_stores) notify_master(ctx.cfg);
    return code;
  } catch (const provisioning::ProvisionError& e) {
    print_error(ctx, e.what());
    if (cmd.changes_stores) notify_master(ctx.cfg);
    return exit_code_for(e);
  } catch (const std::exception& e) {
    print_error(ctx, e.what());
    if (cmd.changes_stores) notify_master(ctx.cfg);
    return kExitFailure;
  }
}

}  // namespace

int cli_main(int argc, char** argv) {
  CommandLine line;
  if (auto code = read_command_line(argc, argv, line)) return *code;
  const Command* cmd = find_command(line.rest[0]);
  if (!cmd) {
    std::fprintf(stderr, "ecom-provision: unknown command '%s'\n\n", line.rest[0].c_str());
    usage(stderr);
    return kExitUsage;
  }
  ConfigResult loaded;
  if (auto code = load_configuration(*cmd, line.config_path, loaded)) return *code;
  CliContext ctx{loaded.config, line.json, {}, {}, nullptr};
  split_arguments(line.rest, ctx);
  if (static_cast<int>(ctx.args.size()) < cmd->min_args || static_cast<int>(ctx.args.size()) > cmd->max_args) {
    std::fprintf(stderr, "usage: ecom-provision %s\n", cmd->usage);
    return kExitUsage;
  }
  return run_command(*cmd, ctx);
}

}  // namespace ecom::provision_cli
