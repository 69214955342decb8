// ecom-provision's command line: global flags (--config FILE, --json) anywhere,
// one subcommand per file behind one signature, exit codes scripts can trust.
#pragma once

#include <string>
#include <vector>

#include "common/config.h"
#include "provisioning/provisioner.h"

namespace ecom::provision_cli {

inline constexpr int kExitOk = 0, kExitFailure = 1, kExitUsage = 2;

struct CliContext {
  const Config& cfg;
  bool json = false;
  std::vector<std::string> args;  // after the subcommand name, flags removed
  std::vector<std::string> flags;  // subcommand flags (e.g. "--loop", "2")
  provisioning::Provisioner* p = nullptr;  // opened for commands that need the database
};

using CommandFn = int (*)(CliContext&);

struct Command {
  const char* name;
  const char* usage;
  const char* summary;
  int min_args, max_args;
  bool needs_db;
  CommandFn fn;
  bool changes_stores = false;  // the running ecom-fcgi is told afterwards (notify_master)
};

int cli_main(int argc, char** argv);

// Output helpers shared by the subcommands.
void print_error(const CliContext& ctx, const std::string& message);
void print_json(const std::string& json);
std::string tenant_json(const provisioning::TenantRecord& t, const std::vector<provisioning::StepRecord>* steps);
int exit_code_for(const provisioning::ProvisionError& e);

// Tells the ecom-fcgi master of this host (server.pid_file) that stores changed, so that its
// workers read them again from the next request on. Silent when it is not running here; a
// master that does not answer within 2 s is logged as a warning.
enum class Notified { NotRunning, Told, NoAnswer };
Notified notify_master(const Config& cfg);

// Subcommands (one file each).
int cmd_db_init(CliContext&);
int cmd_setup(CliContext&);
int cmd_create(CliContext&);
int cmd_repair(CliContext&);
int cmd_migrate(CliContext&);
int cmd_status(CliContext&);
int cmd_list(CliContext&);
int cmd_run(CliContext&);
int cmd_token(CliContext&);
int cmd_gc(CliContext&);
int cmd_admin(CliContext&);
int cmd_server(CliContext&);
int cmd_move(CliContext&);
int cmd_refresh(CliContext&);
int cmd_backup(CliContext&);
int cmd_restore(CliContext&);

}  // namespace ecom::provision_cli
