#!/usr/bin/env bash
# A private three-node MariaDB Galera cluster on this machine (Debian's galera-4 and
# mariadb-server), for the tests and for developers: every node has its own data directory and
# its own loopback ports (client, group communication, IST, SST); nothing listens beyond 127.0.0.1.
#
#   scripts/galera.sh start    start every node that is not running: with none running, node 1
#                              bootstraps a new cluster (--wsrep-new-cluster) and the others join
#                              it (nodes 2 and 3 of a new cluster start from a copy of node 1's
#                              data, so they join by IST; otherwise SST by rsync, or IST for a
#                              node that was in the cluster before); waits until
#                              every node is Synced and wsrep_cluster_size = 3
#   scripts/galera.sh stop     stops the nodes cleanly (3, 2, then 1: node 1 can bootstrap next)
#   scripts/galera.sh status   one line per node; exit 0 when all three are Synced in one cluster
#   scripts/galera.sh kill N   SIGKILL node N (tests: `start` brings it back and it rejoins)
#   scripts/galera.sh urls     the client addresses, "tcp://127.0.0.1:P1,tcp://...:P2,..."
#
# Environment:
#   GALERA_DIR    the cluster's directory (default <repo>/var/galera; made absolute)
#   GALERA_PORT   first of the 12 ports (node N: client P+4(N-1), group communication +1, IST +2,
#                 SST +3). Default: free ports chosen on the first start, kept in $GALERA_DIR/ports.
#
# Layout: $GALERA_DIR/ports; nodeN/{my.cnf,data/,mysqld.sock,node.pid,mariadb.log}.
# The root account is root@localhost over each node's socket, without a password.
# Exit codes: 0 success, 1 failure, 2 usage error, 3 status: not all three Synced.
set -euo pipefail

REPO_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
DIR=$(realpath -m -- "${GALERA_DIR:-$REPO_DIR/var/galera}")
TEMPLATE=$REPO_DIR/conf/dev/galera.cnf.template
NODES=(1 2 3)
# Started as root, the nodes run as the system account mysql (the rsync daemon of an SST started
# by root would switch to nobody and could not write the joiner's data directory).
RUN_AS=()
((EUID == 0)) && RUN_AS=(--user=mysql)

usage() {
  echo "usage: $0 start|stop|status|urls|kill N" >&2
  exit 2
}

fail() {
  echo "galera.sh: $*" >&2
  exit 1
}

[[ $DIR =~ ^[A-Za-z0-9/._+@%,:=-]+$ ]] || fail "path '$DIR' has characters my.cnf cannot hold"

# The first of 12 consecutive free loopback ports (nothing listens, and each can be bound), looked
# for in one Python process: starting one a port would take seconds on a loaded machine.
free_port_block() {
  python3 - <<'EOF'
import random, socket

def free(port):
    with socket.socket() as probe:
        probe.settimeout(1)
        if probe.connect_ex(("127.0.0.1", port)) == 0:
            return False
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True

for _ in range(100):
    base = 20000 + random.randrange(25000)
    if all(free(base + i) for i in range(12)):
        print(base)
        break
EOF
}

# Sets BASE: GALERA_PORT, else the one recorded, else 12 consecutive free ports.
choose_ports() {
  if [[ -n ${GALERA_PORT:-} ]]; then
    [[ $GALERA_PORT =~ ^[0-9]{4,5}$ ]] && ((GALERA_PORT + 11 <= 65535)) || usage
    BASE=$GALERA_PORT
  elif [[ -r $DIR/ports ]]; then
    BASE=$(<"$DIR/ports")
  else
    BASE=$(free_port_block)
    [[ -n $BASE ]] || fail "no 12 consecutive free ports found"
  fi
  mkdir -p -- "$DIR"
  echo "$BASE" >"$DIR/ports"
}

client_port() { echo $((BASE + 4 * ($1 - 1))); }
gcomm_port() { echo $((BASE + 4 * ($1 - 1) + 1)); }
node_dir() { echo "$DIR/node$1"; }
sock() { echo "$DIR/node$1/mysqld.sock"; }

# SQL on node N as root over its socket (batch, no column names).
node_sql() {
  local n=$1
  shift
  mariadb --no-defaults "--socket=$(sock "$n")" -u root --connect-timeout=2 --batch --skip-column-names "$@"
}

# The pid of node N when it runs (pid file, live process, mariadbd with this node's my.cnf).
node_pid() {
  local pid args
  pid=$(cat "$(node_dir "$1")/node.pid" 2>/dev/null) || return 1
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  args=$({ tr '\0' ' ' <"/proc/$pid/cmdline"; } 2>/dev/null) || return 1
  [[ $args == *"--defaults-file=$(node_dir "$1")/my.cnf "* ]] || return 1
  [[ $(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) != Z ]]
}

write_cnf() {
  local n=$1 d cluster="gcomm://" i
  d=$(node_dir "$n")
  for i in "${NODES[@]}"; do cluster+="127.0.0.1:$(gcomm_port "$i"),"; done
  mkdir -p -- "$d/data" "$d/tmp"
  touch -- "$d/mariadb.log"
  if ((EUID == 0)); then
    chown -R mysql:mysql -- "$d"
    chmod 0711 -- "$DIR"
    runuser -u mysql -- test -w "$d/data" ||
      fail "the account mysql cannot reach $d (make the directories above it searchable)"
  fi
  sed -e '/^##/d' -e "s|@NODE@|$n|g" -e "s|@NODE_DIR@|$d|g" -e "s|@PORT@|$(client_port "$n")|g" \
    -e "s|@GCOMM_PORT@|$(gcomm_port "$n")|g" -e "s|@IST_PORT@|$((BASE + 4 * (n - 1) + 2))|g" \
    -e "s|@SST_PORT@|$((BASE + 4 * (n - 1) + 3))|g" -e "s|@CLUSTER_ADDRESS@|${cluster%,}|g" \
    -e "s|@MY_CNF@|$d/my.cnf|g" "$TEMPLATE" >"$d/my.cnf.tmp"
  mv -f -- "$d/my.cnf.tmp" "$d/my.cnf"
}

# "size state" of node N (e.g. "3 Synced"), or nothing when it does not answer.
node_state() {
  node_sql "$1" -e "SHOW GLOBAL STATUS WHERE Variable_name IN ('wsrep_cluster_size','wsrep_local_state_comment')" \
    2>/dev/null </dev/null | awk '{v[$1]=$2} END {if (v["wsrep_cluster_size"] != "") print v["wsrep_cluster_size"], v["wsrep_local_state_comment"]}'
}

# Waits until node N is Synced in a cluster of at least SIZE nodes (its process must stay alive).
wait_synced() {
  local n=$1 size=$2 pid=$3 deadline=$((SECONDS + ${4:-120})) st
  while ((SECONDS < deadline)); do
    st=$(node_state "$n" || true)
    if [[ $st =~ ^([0-9]+)\ Synced$ ]] && ((BASH_REMATCH[1] >= size)); then return 0; fi
    kill -0 "$pid" 2>/dev/null || { tail -n 30 "$(node_dir "$n")/mariadb.log" >&2; fail "node $n exited while starting"; }
    sleep 0.2
  done
  tail -n 30 "$(node_dir "$n")/mariadb.log" >&2
  fail "node $n is not Synced after ${4:-120} s (state: ${st:-no answer})"
}

start_node() {  # N [--wsrep-new-cluster]
  local n=$1 d pid
  shift
  d=$(node_dir "$n")
  write_cnf "$n"
  if [[ $# -gt 0 && ! -d $d/data/mysql ]]; then
    # The bootstrap node needs a system schema; joiners receive everything by SST.
    local -a install=(mariadb-install-db "--defaults-file=$d/my.cnf" --auth-root-authentication-method=normal
      --skip-test-db --wsrep-on=OFF "${RUN_AS[@]}")
    "${install[@]}" >>"$d/mariadb.log" 2>&1 </dev/null || fail "mariadb-install-db failed (see $d/mariadb.log)"
  fi
  if [[ $# -gt 0 && -f $d/data/grastate.dat ]]; then
    # A whole cluster that was killed leaves no node marked safe to bootstrap; node 1 is the
    # one this development cluster bootstraps from.
    sed -i 's/^safe_to_bootstrap: 0/safe_to_bootstrap: 1/' "$d/data/grastate.dat"
  fi
  rm -f -- "$d/node.pid"
  local -a server=(mariadbd "--defaults-file=$d/my.cnf" "${RUN_AS[@]}")
  if grep -qs '^seqno: *-1' "$d/data/grastate.dat" && [[ -d $d/data/mysql ]]; then
    # Killed: its position is not in grastate.dat. Read it from InnoDB (what mysqld_safe's
    # --wsrep-recover does), so that it rejoins by IST instead of a full copy.
    local pos
    "${server[@]}" --wsrep-recover --log-error="$d/recover.log" </dev/null >/dev/null 2>&1 || true
    pos=$(sed -nE 's/.*WSREP: Recovered position: ([0-9a-f-]{36}:-?[0-9]+).*/\1/p' "$d/recover.log" 2>/dev/null | tail -n 1)
    rm -f -- "$d/recover.log"
    [[ -n $pos ]] && server+=("--wsrep-start-position=$pos") && echo "node $n recovered position $pos"
  fi
  setsid "${server[@]}" "$@" </dev/null >>"$d/mariadb.log" 2>&1 9>&- &
  pid=$!
  disown "$pid"
  echo "$pid" >"$d/node.pid"
  echo "starting node $n (pid $pid, port $(client_port "$n")${1:+, $1})"
  START_PID=$pid
}

cmd_start() {
  choose_ports
  local n running=0 t0=$SECONDS
  for n in "${NODES[@]}"; do node_pid "$n" && running=$((running + 1)); done
  if ((running == 0)); then
    start_node 1 --wsrep-new-cluster
    wait_synced 1 1 "$START_PID"
    seed_joiners
  fi
  # The joiners start together (one waits for a free donor: a donor serves one transfer at once).
  local -a joiners=()
  for n in "${NODES[@]}"; do
    node_pid "$n" && continue
    start_node "$n"
    joiners+=("$n:$START_PID")
  done
  for n in "${joiners[@]}"; do wait_synced "${n%%:*}" 2 "${n#*:}"; done
  for n in "${NODES[@]}"; do wait_synced "$n" 3 "$(cat "$(node_dir "$n")/node.pid")" 60; done
  echo "cluster of 3 Synced on $(urls) ($((SECONDS - t0)) s)"
}

# A new cluster: nodes 2 and 3 that have no data yet start from a copy of node 1's, taken with
# node 1 stopped cleanly (its position recorded, then bootstrapped again). In the cluster's state,
# they join by IST instead of a full copy by rsync (SST), which a donor serves one joiner at a time.
seed_joiners() {
  local n dest data
  data=$(node_dir 1)/data
  local -a empty=()
  for n in "${NODES[@]:1}"; do [[ -e $(node_dir "$n")/data ]] || empty+=("$n"); done
  ((${#empty[@]})) || return 0
  stop_node 1 >/dev/null
  grep -qs '^seqno: *[0-9]' "$data/grastate.dat" || fail "node 1 recorded no position when it stopped"
  for n in "${empty[@]}"; do
    dest=$(node_dir "$n")/data
    mkdir -p -- "$dest"
    rsync -a --exclude=galera.cache -- "$data/" "$dest/"
    sed -i 's/^safe_to_bootstrap: 1/safe_to_bootstrap: 0/' "$dest/grastate.dat"
  done
  echo "nodes ${empty[*]} seeded from node 1's data"
  start_node 1 --wsrep-new-cluster
  wait_synced 1 1 "$START_PID"
}

stop_node() {
  local n=$1 pid deadline
  pid=$(cat "$(node_dir "$n")/node.pid" 2>/dev/null) || return 0
  node_pid "$n" || { rm -f -- "$(node_dir "$n")/node.pid"; return 0; }
  kill -TERM "$pid" 2>/dev/null || true
  deadline=$((SECONDS + 60))
  while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.1; done
  if kill -0 "$pid" 2>/dev/null; then
    echo "node $n did not stop within 60 s; killing it" >&2
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f -- "$(node_dir "$n")/node.pid"
  echo "node $n stopped"
}

cmd_stop() {
  [[ -d $DIR ]] || return 0
  # Nodes 3 and 2 leave together, node 1 last: the last node to leave is the one that can
  # bootstrap the cluster again.
  stop_node 3 &
  stop_node 2 &
  wait
  stop_node 1
}

urls() {
  local n out=""
  for n in "${NODES[@]}"; do out+="tcp://127.0.0.1:$(client_port "$n"),"; done
  echo "${out%,}"
}

cmd_status() {
  [[ -r $DIR/ports ]] || { echo "no cluster in $DIR"; exit 3; }
  BASE=$(<"$DIR/ports")
  local n ok=0 st
  for n in "${NODES[@]}"; do
    if node_pid "$n"; then
      st=$(node_state "$n" || true)
      echo "node $n: pid $(cat "$(node_dir "$n")/node.pid"), port $(client_port "$n"), ${st:-not answering}"
      [[ $st == "3 Synced" ]] && ok=$((ok + 1))
    else
      echo "node $n: not running (port $(client_port "$n"))"
    fi
  done
  ((ok == 3)) || exit 3
}

case ${1:-} in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  urls)
    [[ -r $DIR/ports ]] || fail "no cluster in $DIR"
    BASE=$(<"$DIR/ports")
    urls
    ;;
  kill)
    [[ ${2:-} =~ ^[123]$ ]] || usage
    [[ -r $DIR/ports ]] || fail "no cluster in $DIR"
    node_pid "$2" || fail "node $2 is not running"
    kill -KILL "$(cat "$(node_dir "$2")/node.pid")"
    echo "node $2 killed"
    ;;
  *) usage ;;
esac
