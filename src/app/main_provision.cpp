// ecom-provision: the provisioner, run by cron and from shell scripts.
#include "provision_cli/cli.h"

int main(int argc, char** argv) { return ecom::provision_cli::cli_main(argc, argv); }
