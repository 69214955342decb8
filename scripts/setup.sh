#!/usr/bin/env bash
# Installs the Debian packages the project needs to build, test and run its private stack.
#
# Idempotent and quiet: when every package is already installed it prints nothing and returns
# at once (one dpkg-query call, no other process), so `make test` may call it on every run.
# Otherwise it runs `apt-get update` (package lists may be stale or empty on a fresh machine)
# and installs only the missing packages, non-interactively. Uses sudo when not root.
#
# Exit status: 0 when every package is present afterwards, 1 otherwise.
set -euo pipefail

PACKAGES=(
  g++ make
  libfcgi-dev libmysqlcppconn-dev libcjson-dev libssl-dev libboost-test-dev
  mariadb-server mariadb-client
  nginx-light apache2-bin
  cron wrk curl python3
  dpkg-dev lintian logrotate systemd
  galera-4 rsync iproute2  # scripts/galera.sh: the provider, its state transfers (rsync, ss)
)
# `scripts/setup.sh fuzz` (make fuzz) also wants clang with libFuzzer's runtime.
if [[ ${1:-} == fuzz ]]; then
  PACKAGES+=(clang libclang-rt-14-dev)
fi

# Prints the packages of "$@" that are not present, one per line.
#
# "Present" means the files are on disk: status installed, or half-configured /
# triggers-pending / triggers-awaited. half-configured is what mariadb-server is left in when
# its post-install may not start the system service ("policy-rc.d denied" in containers); the
# stack runs its own private server, so that is fine and must not send every later run down
# the slow path.
missing_packages() {
  local -A state=()
  local name _want _flag status
  # dpkg-query exits non-zero when a name is unknown to dpkg; the known ones are still printed
  # and an unknown one is simply absent from the output, so compare names, not the exit code.
  while read -r name _want _flag status; do
    state[${name%%:*}]=$status    # multi-arch packages print as NAME:ARCH
  done < <(dpkg-query -W -f='${Package} ${Status}\n' "$@" 2>/dev/null || true)
  local pkg
  for pkg in "$@"; do
    case ${state[$pkg]:-} in
      installed | half-configured | triggers-pending | triggers-awaited) ;;
      *) echo "$pkg" ;;
    esac
  done
}

mapfile -t missing < <(missing_packages "${PACKAGES[@]}")
if ((${#missing[@]} == 0)); then
  exit 0
fi

SUDO=()
if ((EUID != 0)); then
  if ! command -v sudo >/dev/null 2>&1; then
    echo "setup.sh: missing packages (${missing[*]}); not root and sudo is not available" >&2
    exit 1
  fi
  SUDO=(sudo)
fi

echo "setup.sh: installing ${missing[*]}"
"${SUDO[@]}" apt-get update -q
# mariadb-server's post-install tries to start the system service; in containers policy-rc.d
# denies that and apt-get may report an error although everything we need is on disk. So the
# exit code of apt-get install is not the verdict: the check below is.
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive \
  apt-get install -y -q --no-install-recommends "${missing[@]}" ||
  echo "setup.sh: apt-get install reported an error; checking what got installed" >&2

mapfile -t still_missing < <(missing_packages "${PACKAGES[@]}")
if ((${#still_missing[@]} != 0)); then
  echo "setup.sh: still missing after install: ${still_missing[*]}" >&2
  exit 1
fi
echo "setup.sh: all packages installed"
