// ecom-provision: the provisioner, run by cron and from shell scripts.
#include "provisioner/cli.h"

int main(int argc, char** argv) { return ecom::provisioner::cli_main(argc, argv); }
