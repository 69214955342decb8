#!/usr/bin/env bash
# Private development stack: MariaDB + ecom-fcgi + nginx + the provisioner loop, all under one
# directory ($ECOM_VAR_DIR), so several stacks (other checkouts, parallel tests) run side by side
# on different ports. Nothing is installed system-wide and no system service is used.
#
#   scripts/stack.sh start    start everything (or say "already running"), wait for /health
#   scripts/stack.sh stop     stop everything this directory's stack started (exit 0 if nothing)
#   scripts/stack.sh status   one line per component; exit 0 when all four run, 3 otherwise
#   scripts/stack.sh run      start, print example requests, stay in the foreground until
#                             Ctrl-C/SIGTERM (or until ecom-fcgi or MariaDB dies), then stop
#
# Environment (all optional):
#   ECOM_VAR_DIR         stack directory (default <repo>/var; made absolute)
#   ECOM_HTTP_PORT       nginx port on 127.0.0.1 (default 8080)
#   ECOM_DB_PORT         MariaDB TCP port on 127.0.0.1 (default ECOM_HTTP_PORT + 10000)
#   ECOM_BIN_DIR         where ecom-fcgi and ecom-provision are (default <repo>/bin)
#   ECOM_WORKERS         server.workers for ecom-fcgi (default 0 = two per CPU)
#   ECOM_PROVISION_LOOP  seconds between provisioner runs (default 2)
#   ECOM_DB_BUFFER_POOL  MariaDB's innodb_buffer_pool_size (default 256M; make bench-stores: more)
#   ECOM_DB_FILE_PER_TABLE  MariaDB's innodb_file_per_table, ON (default) or OFF: tables created
#                        with OFF go to the system tablespace (make bench-stores measures both)
#   ECOM_STACK_DB_ONLY   1: start only MariaDB, create the accounts and write ecom.conf, then
#                        exit (no binaries needed); for tests of the database layer
#
# Exit codes: 0 success; 1 failure (start prints the last lines of every log and stops what it
# started); 2 usage error; 3 status: not everything is running.
#
# Layout of $ECOM_VAR_DIR:
#   secrets.env (0600)  database passwords, generated on first start and reused
#   ecom.conf   (0600)  the application's config (from conf/dev/ecom.conf.template), regenerated
#                       on every start
#   mysql/my.cnf (from conf/dev/my.cnf.template), mysql/data/, mysql/mysqld.sock
#   nginx/nginx.conf (from conf/nginx/dev.conf.template) and nginx's temp dirs
#   run/{mariadbd,ecom-fcgi,nginx,provision}.pid, run/ecom-fcgi.sock
#   log/{mariadb,ecom-fcgi,nginx-error,nginx-access,provision}.log
#
# Processes are found through the pid files of this directory; a pid counts only when it runs
# the expected program with this directory's config file on its command line. Workers orphaned
# by a hard-killed master are found the same way (binary + config path). Never by name: other
# stacks run on the same machine.
set -euo pipefail

REPO_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)

die_usage() {
  echo "usage: $0 start|stop|status|run" >&2
  exit 2
}

config_error() {
  echo "stack.sh: $*" >&2
  exit 2
}

# ---------------------------------------------------------------------------------------------
# Settings
# ---------------------------------------------------------------------------------------------

VAR_DIR=$(realpath -m -- "${ECOM_VAR_DIR:-$REPO_DIR/var}")
BIN_DIR=$(realpath -m -- "${ECOM_BIN_DIR:-$REPO_DIR/bin}")
HTTP_PORT=${ECOM_HTTP_PORT:-8080}
valid_port() { [[ $1 =~ ^[0-9]{1,5}$ ]] && (($1 >= 1 && $1 <= 65535)); }
valid_port "$HTTP_PORT" || config_error "ECOM_HTTP_PORT must be a port number, got '$HTTP_PORT'"
DB_PORT=${ECOM_DB_PORT:-$((HTTP_PORT + 10000))}
valid_port "$DB_PORT" ||
  config_error "ECOM_DB_PORT must be a port number, got '$DB_PORT' (set it when ECOM_HTTP_PORT > 55535)"
((DB_PORT != HTTP_PORT)) || config_error "ECOM_DB_PORT and ECOM_HTTP_PORT must differ"
WORKERS=${ECOM_WORKERS:-0}
[[ $WORKERS =~ ^[0-9]{1,4}$ ]] || config_error "ECOM_WORKERS must be a number >= 0, got '$WORKERS'"
PROVISION_LOOP=${ECOM_PROVISION_LOOP:-2}
[[ $PROVISION_LOOP =~ ^[1-9][0-9]{0,5}$ ]] ||
  config_error "ECOM_PROVISION_LOOP must be a number of seconds >= 1, got '$PROVISION_LOOP'"
DB_BUFFER_POOL=${ECOM_DB_BUFFER_POOL:-256M}
[[ $DB_BUFFER_POOL =~ ^[1-9][0-9]{0,6}[MG]$ ]] ||
  config_error "ECOM_DB_BUFFER_POOL must be a size such as 256M or 4G, got '$DB_BUFFER_POOL'"
DB_FILE_PER_TABLE=${ECOM_DB_FILE_PER_TABLE:-ON}
[[ $DB_FILE_PER_TABLE =~ ^(ON|OFF)$ ]] ||
  config_error "ECOM_DB_FILE_PER_TABLE must be ON or OFF, got '$DB_FILE_PER_TABLE'"
case ${ECOM_STACK_DB_ONLY:-0} in
  0 | "") DB_ONLY=0 ;;
  1) DB_ONLY=1 ;;
  *) config_error "ECOM_STACK_DB_ONLY must be 0 or 1, got '$ECOM_STACK_DB_ONLY'" ;;
esac

# The paths go unquoted into nginx.conf, my.cnf and ecom.conf.
for _path in "$VAR_DIR" "$REPO_DIR" "$BIN_DIR"; do
  [[ $_path =~ ^[A-Za-z0-9/._+@%,:=-]+$ ]] ||
    config_error "path '$_path' contains characters the generated configs cannot hold"
done

MYSQL_DIR=$VAR_DIR/mysql
DATA_DIR=$MYSQL_DIR/data
DB_SOCK=$MYSQL_DIR/mysqld.sock
MY_CNF=$MYSQL_DIR/my.cnf
RUN_DIR=$VAR_DIR/run
LOG_DIR=$VAR_DIR/log
NGINX_DIR=$VAR_DIR/nginx
NGINX_CONF=$NGINX_DIR/nginx.conf
FCGI_SOCK=$RUN_DIR/ecom-fcgi.sock
ECOM_CONF=$VAR_DIR/ecom.conf
SECRETS=$VAR_DIR/secrets.env
ADMIN_PASSWORD_FILE=$VAR_DIR/admin-db-password
FCGI_BIN=$BIN_DIR/ecom-fcgi
PROVISION_BIN=$BIN_DIR/ecom-provision
# The generated configs come from these (@NAME@ placeholders, see render_template).
NGINX_TEMPLATE=$REPO_DIR/conf/nginx/dev.conf.template
MY_CNF_TEMPLATE=$REPO_DIR/conf/dev/my.cnf.template
ECOM_CONF_TEMPLATE=$REPO_DIR/conf/dev/ecom.conf.template

# A unix socket path must fit sockaddr_un.sun_path (108 bytes including the NUL).
for _sock in "$DB_SOCK" "$FCGI_SOCK"; do
  ((${#_sock} <= 107)) || config_error "socket path too long (${#_sock} > 107 bytes): $_sock; use a shorter ECOM_VAR_DIR"
done

IS_ROOT=0
((EUID == 0)) && IS_ROOT=1

# Components in start order; stop goes the other way.
COMPONENTS=(mariadb ecom-fcgi nginx provision)

pid_file() {
  case $1 in
    mariadb) echo "$RUN_DIR/mariadbd.pid" ;;
    ecom-fcgi) echo "$RUN_DIR/ecom-fcgi.pid" ;;
    nginx) echo "$RUN_DIR/nginx.pid" ;;
    provision) echo "$RUN_DIR/provision.pid" ;;
  esac
}

expected_exe() {
  case $1 in
    mariadb) command -v mariadbd || echo /usr/sbin/mariadbd ;;
    ecom-fcgi) echo "$FCGI_BIN" ;;
    nginx) command -v nginx || echo /usr/sbin/nginx ;;
    provision) echo "$PROVISION_BIN" ;;
  esac
}

# ---------------------------------------------------------------------------------------------
# Processes
# ---------------------------------------------------------------------------------------------

# True when PID is a live process (a zombie counts as dead). Builtins only: called in loops.
pid_alive() {
  local stat
  [[ $1 =~ ^[0-9]+$ ]] || return 1
  { read -r stat <"/proc/$1/stat"; } 2>/dev/null || return 1
  stat=${stat##*) }          # after "pid (comm) "
  [[ ${stat%% *} != Z ]]
}

# What the command line of COMPONENT of this stack contains (space-delimited): the config file
# we start it with. Precise enough that a stack in /x/var never claims one in /x/var/sub.
cmdline_marker() {
  case $1 in
    mariadb) echo " --defaults-file=$MY_CNF " ;;
    nginx) echo " $NGINX_CONF " ;;    # nginx's master title keeps its command line
    ecom-fcgi | provision) echo " $ECOM_CONF " ;;
  esac
}

# The command line of PID with arguments separated (and surrounded) by single spaces.
pid_cmdline() {
  local -a args
  { mapfile -d '' -t args <"/proc/$1/cmdline"; } 2>/dev/null || return 1
  echo " ${args[*]} "
}

# The binary PID runs (without the " (deleted)" of a binary rebuilt or upgraded meanwhile).
pid_exe() {
  local exe
  exe=$(readlink "/proc/$1/exe" 2>/dev/null) || return 1
  echo "${exe% (deleted)}"
}

# True when live PID belongs to COMPONENT of this stack: its command line holds the component's
# marker and it runs the expected program (as its binary, or as a script named on its command
# line). ecom-fcgi may rewrite its process title, so for it the binary alone also counts.
# Guards against a stale pid file whose pid now belongs to something else.
pid_is_ours() {
  local component=$1 pid=$2 cmdline exe expected
  pid_alive "$pid" || return 1
  expected=$(realpath -m -- "$(expected_exe "$component")")
  exe=$(pid_exe "$pid") || return 1
  cmdline=$(pid_cmdline "$pid") || return 1
  if [[ $cmdline == *"$(cmdline_marker "$component")"* ]]; then
    [[ $exe == "$expected" || $cmdline == *" $expected "* ]]
  else
    [[ $component == ecom-fcgi && $exe == "$expected" ]]
  fi
}

# Processes of COMPONENT of this stack that no pid file names: workers orphaned by a master that
# was killed hard (they would keep serving the old socket and holding database connections).
# Found by binary and config path, never by name, so other stacks are never touched.
stray_pids() {
  local component=$1 expected marker f pid
  expected=$(realpath -m -- "$(expected_exe "$component")")
  marker=$(cmdline_marker "$component")
  local -a args
  for f in /proc/[0-9]*; do
    pid=${f#/proc/}
    # The command line first, with builtins only; readlink only for the few that match.
    { mapfile -d '' -t args <"$f/cmdline"; } 2>/dev/null || continue
    [[ " ${args[*]} " == *"$marker"* ]] || continue
    [[ $(pid_exe "$pid") == "$expected" ]] || continue
    pid_alive "$pid" && echo "$pid"
  done
  return 0
}

# Prints the pid of COMPONENT when it is running, else nothing (and returns 1).
running_pid() {
  local component=$1 file pid
  file=$(pid_file "$component")
  [[ -r $file ]] || return 1
  read -r pid <"$file" 2>/dev/null || return 1
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  pid_is_ours "$component" "$pid" || return 1
  echo "$pid"
}

# Direct children of PID (read from /proc, no process names involved).
child_pids() {
  local parent=$1 f stat rest
  for f in /proc/[0-9]*/stat; do
    { read -r stat <"$f"; } 2>/dev/null || continue
    rest=${stat##*) }        # "S PPID ..."
    rest=${rest#* }
    [[ ${rest%% *} == "$parent" ]] && echo "${f//[^0-9]/}"
  done
  return 0
}

# Waits up to SECONDS for PID to exit; returns 1 when it is still alive.
wait_exit() {
  local pid=$1 seconds=$2 i
  for ((i = 0; i < seconds * 10; i++)); do
    pid_alive "$pid" || return 0
    sleep 0.1
  done
  ! pid_alive "$pid"
}

# Stops COMPONENT: SIGNAL, up to TIMEOUT seconds, then SIGKILL for it and its direct children
# (an ecom-fcgi or nginx master killed hard would otherwise leave workers holding the socket
# and their database connections).
stop_component() {
  local component=$1 signal=$2 timeout=$3 pid file children
  file=$(pid_file "$component")
  if pid=$(running_pid "$component"); then
    echo "stopping $component (pid $pid)"
    kill "-$signal" "$pid" 2>/dev/null || true
    if ! wait_exit "$pid" "$timeout"; then
      echo "$component (pid $pid) still running after ${timeout}s: SIGKILL" >&2
      children=$(child_pids "$pid")
      # shellcheck disable=SC2086  # word splitting of the pid list is intended
      kill -KILL "$pid" $children 2>/dev/null || true
      wait_exit "$pid" 5 || echo "$component (pid $pid) survived SIGKILL" >&2
    fi
  fi
  rm -f -- "$file"
}

# Ends processes of our own binaries (ecom-fcgi, provision) that outlived their master or were
# never recorded: SIGTERM, up to 5 s, then SIGKILL.
stop_strays() {
  local component=$1 pid
  local -a strays
  mapfile -t strays < <(stray_pids "$component")
  ((${#strays[@]})) || return 0
  echo "$component: stray processes ${strays[*]} (no master): SIGTERM" >&2
  kill -TERM "${strays[@]}" 2>/dev/null || true
  for pid in "${strays[@]}"; do
    wait_exit "$pid" 5 || kill -KILL "$pid" 2>/dev/null || true
  done
}

stop_all() {
  stop_component provision TERM 10
  stop_strays provision
  stop_component nginx TERM 10
  stop_component ecom-fcgi TERM 15
  stop_strays ecom-fcgi
  # The master removes its socket; a hard kill leaves it behind.
  running_pid ecom-fcgi >/dev/null || rm -f -- "$FCGI_SOCK"
  stop_component mariadb TERM 60
}

# Starts "$@" in the background in its own session (so a Ctrl-C meant for `stack.sh run`, or the
# terminal closing, does not reach it; our trap stops it in order instead), output appended to
# LOG. setsid execs in place (the child is no process-group leader), so $! is the program's pid.
# fd 9 (the stack lock) is not inherited.
spawn() {
  local log=$1
  shift
  setsid "$@" </dev/null >>"$log" 2>&1 9>&- &
  SPAWNED_PID=$!
  disown "$SPAWNED_PID" # no "Killed" job report from bash when it dies
}

port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# ---------------------------------------------------------------------------------------------
# Start
# ---------------------------------------------------------------------------------------------

STARTING=0
STARTED=()
START_MARKER=

fail() {
  echo "stack.sh: $*" >&2
  exit 1
}

# The last 30 lines each log received since this start's marker line (see cmd_start).
dump_logs() {
  local log lines
  for log in "$LOG_DIR/mariadb.log" "$LOG_DIR/ecom-fcgi.log" "$LOG_DIR/nginx-error.log" \
    "$LOG_DIR/provision.log"; do
    [[ -s $log ]] || continue
    lines=$(awk -v m="$START_MARKER" '$0 == m { n = 0; seen = 1; next } seen { buf[n++] = $0 }
      END { for (i = (n > 30 ? n - 30 : 0); i < n; i++) print buf[i] }' "$log")
    [[ -n $lines ]] || continue
    echo "----- $log (last 30 lines of this start) -----" >&2
    echo "$lines" >&2
  done
}

# EXIT trap while starting: on any failure (fail, set -e, a signal) show the logs and stop, in
# reverse order, whatever this invocation started.
on_start_exit() {
  local rc=$?
  ((STARTING == 1 && rc != 0)) || return 0
  STARTING=0
  trap - INT TERM HUP
  echo "stack.sh: start failed" >&2
  dump_logs
  local i
  for ((i = ${#STARTED[@]} - 1; i >= 0; i--)); do
    case ${STARTED[i]} in
      provision)
        stop_component provision TERM 10
        stop_strays provision
        ;;
      nginx) stop_component nginx TERM 10 ;;
      ecom-fcgi)
        stop_component ecom-fcgi TERM 15
        stop_strays ecom-fcgi
        rm -f -- "$FCGI_SOCK"
        ;;
      mariadb) stop_component mariadb TERM 60 ;;
    esac
  done
  return 0
}

load_secrets() {
  # Database passwords and the three token-signing keys: random on first start,
  # reused afterwards (a stack's tokens stay valid across restarts).
  local line key value
  APP_PASSWORD= ADMIN_PASSWORD= CONFIRM_SECRET= SUPERADMIN_SECRET= ACCESS_SECRET=
  if [[ -f $SECRETS ]]; then
    while IFS= read -r line || [[ -n $line ]]; do
      [[ $line =~ ^([A-Z_]+)=([0-9a-f]+)$ ]] || continue
      key=${BASH_REMATCH[1]}
      value=${BASH_REMATCH[2]}
      case $key in
        ECOM_DB_APP_PASSWORD) APP_PASSWORD=$value ;;
        ECOM_DB_ADMIN_PASSWORD) ADMIN_PASSWORD=$value ;;
        ECOM_CONFIRM_TOKEN_SECRET) CONFIRM_SECRET=$value ;;
        ECOM_SUPERADMIN_TOKEN_SECRET) SUPERADMIN_SECRET=$value ;;
        ECOM_ACCESS_TOKEN_SECRET) ACCESS_SECRET=$value ;;
      esac
    done <"$SECRETS"
  fi
  if [[ -z $APP_PASSWORD || -z $ADMIN_PASSWORD || -z $CONFIRM_SECRET || -z $SUPERADMIN_SECRET || -z $ACCESS_SECRET ]]; then
    [[ -n $APP_PASSWORD ]] || APP_PASSWORD=$(openssl rand -hex 16)
    [[ -n $ADMIN_PASSWORD ]] || ADMIN_PASSWORD=$(openssl rand -hex 16)
    [[ -n $CONFIRM_SECRET ]] || CONFIRM_SECRET=$(openssl rand -hex 32)
    [[ -n $SUPERADMIN_SECRET ]] || SUPERADMIN_SECRET=$(openssl rand -hex 32)
    [[ -n $ACCESS_SECRET ]] || ACCESS_SECRET=$(openssl rand -hex 32)
    (
      umask 077
      printf '# Generated by scripts/stack.sh on first start; reused afterwards.\n' >"$SECRETS.tmp"
      printf 'ECOM_DB_APP_PASSWORD=%s\nECOM_DB_ADMIN_PASSWORD=%s\n' \
        "$APP_PASSWORD" "$ADMIN_PASSWORD" >>"$SECRETS.tmp"
      printf 'ECOM_CONFIRM_TOKEN_SECRET=%s\nECOM_SUPERADMIN_TOKEN_SECRET=%s\nECOM_ACCESS_TOKEN_SECRET=%s\n' \
        "$CONFIRM_SECRET" "$SUPERADMIN_SECRET" "$ACCESS_SECRET" >>"$SECRETS.tmp"
    )
    mv -f -- "$SECRETS.tmp" "$SECRETS"
  fi
  chmod 600 -- "$SECRETS"
}

# Writes TEMPLATE to OUT with every @NAME@ replaced by VALUE, for each NAME=VALUE argument;
# lines starting with "##" describe the template and are left out. The values are paths (checked
# above), ports, numbers and hex secrets: nothing sed would read as special ("|", "&", "\"),
# but for the "\n" that stands for a line break.
render_template() {
  local template=$1 out=$2 pair
  local -a script=(-e '/^##/d')
  shift 2
  [[ -r $template ]] || fail "missing $template"
  for pair in "$@"; do
    script+=(-e "s|@${pair%%=*}@|${pair#*=}|g")
  done
  sed "${script[@]}" "$template" >"$out"
}

# MariaDB's descriptor budget, from what this process may open (the hard limit: MariaDB raises its
# soft limit up to it, never past it). InnoDB gets 40 % for .ibd files (it closes the least
# recently used beyond innodb_open_files); the open-table cache the most MariaDB's own check
# allows, (open_files_limit - max_connections - 10) / 2, less a margin. Every store is about 15
# tables, so without this budget a server that keeps every .ibd open runs out of descriptors at
# about open_files_limit / 15 stores (README "Sizing a database server").
db_file_budget() {
  local hard max_connections=500
  hard=$(ulimit -Hn)
  [[ $hard =~ ^[0-9]+$ ]] || hard=1048576  # "unlimited"
  ((hard > 1048576)) && hard=1048576
  DB_OPEN_FILES=$hard
  DB_INNODB_OPEN_FILES=$((hard * 2 / 5))
  DB_TABLE_OPEN_CACHE=$(((hard - max_connections - 10) / 2 - 100))
  ((DB_TABLE_OPEN_CACHE > 100000)) && DB_TABLE_OPEN_CACHE=100000
  ((DB_TABLE_OPEN_CACHE >= 400 && DB_INNODB_OPEN_FILES >= 300)) ||
    fail "only $hard open files allowed (ulimit -Hn); MariaDB needs several thousand"
}

write_my_cnf() {
  db_file_budget
  render_template "$MY_CNF_TEMPLATE" "$MY_CNF.tmp" VAR_DIR="$VAR_DIR" DATA_DIR="$DATA_DIR" DB_SOCK="$DB_SOCK" \
    DB_PORT="$DB_PORT" RUN_DIR="$RUN_DIR" LOG_DIR="$LOG_DIR" MY_CNF="$MY_CNF" MYSQL_DIR="$MYSQL_DIR" \
    OPEN_FILES="$DB_OPEN_FILES" INNODB_OPEN_FILES="$DB_INNODB_OPEN_FILES" TABLE_OPEN_CACHE="$DB_TABLE_OPEN_CACHE" \
    BUFFER_POOL="$DB_BUFFER_POOL" FILE_PER_TABLE="$DB_FILE_PER_TABLE"
  mv -f -- "$MY_CNF.tmp" "$MY_CNF"
}

# The mariadb client, connected as an account allowed to manage users: root over the socket with
# no password (what --auth-root-authentication-method=normal creates, and what unix_socket gives
# the OS user root), else the OS user through unix_socket, else ecom_admin (should root have been
# given a password since). Set once by find_db_superuser.
DB_SUPER=()
DB_SUPER_PASSWORD=
DB_SUPER_USER=

find_db_superuser() {
  local -a base=(mariadb --no-defaults "--socket=$DB_SOCK" --connect-timeout=5 --batch)
  local user
  for user in root "$(id -un)"; do
    if "${base[@]}" -u "$user" -e 'SELECT 1' >/dev/null 2>&1 </dev/null; then
      DB_SUPER=("${base[@]}" -u "$user")
      DB_SUPER_USER=$user
      return 0
    fi
  done
  if MYSQL_PWD=$ADMIN_PASSWORD "${base[@]}" -u ecom_admin -e 'SELECT 1' >/dev/null 2>&1 </dev/null; then
    DB_SUPER=("${base[@]}" -u ecom_admin)
    DB_SUPER_USER=ecom_admin
    DB_SUPER_PASSWORD=$ADMIN_PASSWORD
    return 0
  fi
  return 1
}

# Runs the SQL on stdin as the superuser (passwords travel on stdin, never in argv).
db_super_sql() {
  if [[ -n $DB_SUPER_PASSWORD ]]; then
    MYSQL_PWD=$DB_SUPER_PASSWORD "${DB_SUPER[@]}" "$@"
  else
    "${DB_SUPER[@]}" "$@"
  fi
}

start_mariadb() {
  local pid
  write_my_cnf
  if pid=$(running_pid mariadb); then
    echo "mariadb already running (pid $pid)"
  else
    rm -f -- "$RUN_DIR/mariadbd.pid"
    if [[ ! -d $DATA_DIR ]]; then
      echo "initialising MariaDB data directory $DATA_DIR"
      local -a install=(mariadb-install-db "--defaults-file=$MY_CNF" "--datadir=$DATA_DIR"
        --auth-root-authentication-method=normal --skip-test-db)
      ((IS_ROOT)) && install+=(--user=root)
      if ! "${install[@]}" >>"$LOG_DIR/mariadb.log" 2>&1 </dev/null; then
        rm -rf -- "$DATA_DIR" # half a data directory would fail every later start
        fail "mariadb-install-db failed (see $LOG_DIR/mariadb.log)"
      fi
    fi
    port_in_use "$DB_PORT" && fail "port $DB_PORT (ECOM_DB_PORT) is already in use"
    local -a server=(mariadbd "--defaults-file=$MY_CNF")
    ((IS_ROOT)) && server+=(--user=root)
    spawn "$LOG_DIR/mariadb.log" "${server[@]}"
    pid=$SPAWNED_PID
    echo "$pid" >"$RUN_DIR/mariadbd.pid"
    STARTED+=(mariadb)
    echo "starting mariadb (pid $pid, port $DB_PORT)"
  fi
  # Ready when it answers a ping (a ping succeeds even when access is denied).
  local deadline=$((SECONDS + 30))
  while ((SECONDS < deadline)); do
    mariadb-admin --no-defaults "--socket=$DB_SOCK" --connect-timeout=1 -u root ping \
      >/dev/null 2>&1 </dev/null && return 0
    pid_alive "$pid" || fail "mariadbd exited during start-up"
    sleep 0.1
  done
  fail "mariadbd did not answer within 30 s"
}

ensure_accounts() {
  find_db_superuser || fail "cannot connect to MariaDB as root (socket $DB_SOCK)"
  # mariadb-install-db also creates anonymous accounts and root@<hostname>: the first are a
  # classic trap, the second is ignored under skip-name-resolve (with a warning on every start).
  local user host
  while IFS=$'\t' read -r user host; do
    [[ $user =~ ^(root)?$ && $host =~ ^[A-Za-z0-9._:%-]*$ ]] || continue
    db_super_sql <<<"DROP USER IF EXISTS '$user'@'$host';"
  done < <(db_super_sql --skip-column-names <<<"SELECT User, Host FROM mysql.user
    WHERE User = '' OR (User = 'root' AND Host NOT IN ('localhost', '127.0.0.1', '::1'));")
  # The control database and both accounts with exactly the privileges README "Security" lists,
  # as an operator creates them (`ecom-provision db-init`; the passwords come from ecom.conf and
  # the administrative password file, never from the command line). The administrative account
  # is narrowed again on every start, so that a stack created with broader rights is not left so.
  local -a init=(db-init --server-user "$DB_SUPER_USER" --hosts localhost,127.0.0.1)
  [[ -n $DB_SUPER_PASSWORD ]] && init+=(--server-password-file "$ADMIN_PASSWORD_FILE")
  provision "${init[@]}" || fail "ecom-provision db-init failed (see $LOG_DIR/provision.log)"
}

write_ecom_conf() {
  # The administrative password in a file of its own (0600), which only ecom-provision and the
  # provisioning agent read; ecom-fcgi refuses it in its configuration (workers would inherit it).
  (
    umask 077
    printf '%s\n' "$ADMIN_PASSWORD" >"$ADMIN_PASSWORD_FILE.tmp"
  )
  mv -f -- "$ADMIN_PASSWORD_FILE.tmp" "$ADMIN_PASSWORD_FILE"
  # Started as root, ecom-fcgi runs its workers as an unprivileged account (it refuses root
  # workers): nobody/nogroup here. They must reach MariaDB's socket under this directory, and
  # can read nothing else of it that is not world-readable (ecom.conf, secrets.env and the
  # password file are 0600).
  WORKER_USER_LINES=
  if ((IS_ROOT)); then
    WORKER_USER_LINES='user=nobody\ngroup=nogroup' # \n: a line break in sed's replacement
    chmod go+x -- "$VAR_DIR" "$MYSQL_DIR" "$RUN_DIR"
    setpriv --reuid=nobody --regid=nogroup --clear-groups -- test -w "$DB_SOCK" ||
      fail "the workers (user nobody) cannot reach $DB_SOCK: every directory above $VAR_DIR must be searchable by others"
  fi
  (
    umask 077
    render_template "$ECOM_CONF_TEMPLATE" "$ECOM_CONF.tmp" FCGI_SOCK="$FCGI_SOCK" \
      WORKER_USER_LINES="$WORKER_USER_LINES" WORKERS="$WORKERS" RUN_DIR="$RUN_DIR" DB_SOCK="$DB_SOCK" \
      APP_PASSWORD="$APP_PASSWORD" ADMIN_PASSWORD_FILE="$ADMIN_PASSWORD_FILE" REPO_DIR="$REPO_DIR" \
      CONFIRM_SECRET="$CONFIRM_SECRET" SUPERADMIN_SECRET="$SUPERADMIN_SECRET" ACCESS_SECRET="$ACCESS_SECRET"
  )
  mv -f -- "$ECOM_CONF.tmp" "$ECOM_CONF"
  chmod 600 -- "$ECOM_CONF"
}

# Runs ecom-provision once, output appended to log/provision.log. The redirection sits on the
# command, not on the function call: a trap run during a redirected function call would
# inherit the redirection and the failure report would vanish into the log.
provision() {
  "$PROVISION_BIN" --config "$ECOM_CONF" "$@" </dev/null >>"$LOG_DIR/provision.log" 2>&1 9>&-
}

start_fcgi() {
  local pid deadline
  # A socket left by a hard-killed master would make bind() fail.
  rm -f -- "$FCGI_SOCK" "$RUN_DIR/ecom-fcgi.pid"
  spawn "$LOG_DIR/ecom-fcgi.log" "$FCGI_BIN" --config "$ECOM_CONF"
  pid=$SPAWNED_PID
  STARTED+=(ecom-fcgi)
  echo "starting ecom-fcgi (pid $pid, $FCGI_SOCK)"
  deadline=$((SECONDS + 10))
  while ((SECONDS < deadline)); do
    [[ -S $FCGI_SOCK ]] && break
    pid_alive "$pid" || fail "ecom-fcgi exited during start-up"
    sleep 0.1
  done
  [[ -S $FCGI_SOCK ]] || fail "ecom-fcgi did not create $FCGI_SOCK within 10 s"
  # The master writes its pid file itself; ours is the fallback.
  running_pid ecom-fcgi >/dev/null || echo "$pid" >"$RUN_DIR/ecom-fcgi.pid"
}

start_nginx() {
  local user_line="" i pid
  ((IS_ROOT)) && user_line="user root;"
  port_in_use "$HTTP_PORT" && fail "port $HTTP_PORT (ECOM_HTTP_PORT) is already in use"
  render_template "$NGINX_TEMPLATE" "$NGINX_CONF.tmp" VAR_DIR="$VAR_DIR" HTTP_PORT="$HTTP_PORT" \
    REPO_DIR="$REPO_DIR" USER_LINE="$user_line"
  mv -f -- "$NGINX_CONF.tmp" "$NGINX_CONF"
  rm -f -- "$RUN_DIR/nginx.pid"
  STARTED+=(nginx)
  # -e: the error log before the config is read (else the compiled-in /var/log/nginx/error.log).
  # nginx daemonizes itself and writes run/nginx.pid; its own complaints on stderr go to the
  # same log it writes to afterwards.
  # shellcheck disable=SC2094
  nginx -p "$NGINX_DIR/" -e "$LOG_DIR/nginx-error.log" -c "$NGINX_CONF" </dev/null \
    >>"$LOG_DIR/nginx-error.log" 2>&1 9>&- || fail "nginx did not start"
  for ((i = 0; i < 50; i++)); do
    pid=$(running_pid nginx) && break
    sleep 0.1
  done
  [[ -n ${pid:-} ]] || fail "nginx wrote no pid file"
  echo "starting nginx (pid $pid, http://127.0.0.1:$HTTP_PORT)"
}

start_provision_loop() {
  spawn "$LOG_DIR/provision.log" "$PROVISION_BIN" --config "$ECOM_CONF" run --loop "$PROVISION_LOOP"
  echo "$SPAWNED_PID" >"$RUN_DIR/provision.pid"
  STARTED+=(provision)
  echo "starting provisioner loop (pid $SPAWNED_PID, every ${PROVISION_LOOP}s)"
}

wait_healthy() {
  local code="" pid deadline=$((SECONDS + 20))
  pid=$(running_pid ecom-fcgi) || fail "ecom-fcgi is not running"
  while ((SECONDS < deadline)); do
    code=$(curl -s -o /dev/null --max-time 2 -w '%{http_code}' \
      "http://127.0.0.1:$HTTP_PORT/health" 2>/dev/null) || true
    [[ $code == 200 ]] && return 0
    pid_alive "$pid" || fail "ecom-fcgi exited"
    sleep 0.5
  done
  fail "GET http://127.0.0.1:$HTTP_PORT/health did not answer 200 within 20 s (last: ${code:-none})"
}

lock_stack() {
  exec 9>"$RUN_DIR/stack.lock"
  flock -w 180 9 || fail "another stack.sh holds $RUN_DIR/stack.lock"
}

core_running() {
  running_pid mariadb >/dev/null && running_pid ecom-fcgi >/dev/null &&
    running_pid nginx >/dev/null
}

cmd_start() {
  local b
  for b in "$PROVISION_BIN" "$FCGI_BIN"; do # ecom-provision creates the accounts (db-init)
    ((DB_ONLY)) && [[ $b == "$FCGI_BIN" ]] && continue
    [[ -x $b ]] || fail "$b not found or not executable (build first: make; or set ECOM_BIN_DIR)"
  done
  if ((!DB_ONLY)); then
    command -v nginx >/dev/null || fail "nginx not installed (scripts/setup.sh)"
  fi
  command -v mariadbd >/dev/null || fail "mariadbd not installed (scripts/setup.sh)"

  mkdir -p -- "$MYSQL_DIR" "$MYSQL_DIR/tmp" "$RUN_DIR" "$LOG_DIR" "$NGINX_DIR"/{client_body,fastcgi,proxy,uwsgi,scgi}_temp
  lock_stack

  if ((DB_ONLY)); then
    if running_pid mariadb >/dev/null; then
      echo "stack in $VAR_DIR: MariaDB already running"
      return 0
    fi
  elif core_running; then
    if ! running_pid provision >/dev/null; then
      start_provision_loop
    fi
    echo "stack in $VAR_DIR already running on http://127.0.0.1:$HTTP_PORT"
    return 0
  fi

  STARTING=1
  trap on_start_exit EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  trap 'exit 129' HUP

  # Leftovers of a half-running stack (a crash, a DB-only start): the database is reused, the
  # rest restarted so that it picks up the freshly written config.
  stop_component provision TERM 10
  stop_strays provision
  stop_component nginx TERM 10
  stop_component ecom-fcgi TERM 15
  stop_strays ecom-fcgi

  ((DB_ONLY)) || ! port_in_use "$HTTP_PORT" ||
    fail "port $HTTP_PORT (ECOM_HTTP_PORT) is already in use"
  # A marker in every log, so that "the last 30 lines" after a failure are about this start.
  START_MARKER="=== stack.sh start $(date -u +%FT%TZ) (pid $$) ==="
  local log
  for log in mariadb ecom-fcgi nginx-error provision; do
    echo "$START_MARKER" >>"$LOG_DIR/$log.log"
  done

  load_secrets
  start_mariadb
  write_ecom_conf
  ensure_accounts
  if ((DB_ONLY)); then
    STARTING=0
    echo "MariaDB ready: socket $DB_SOCK, port $DB_PORT; config $ECOM_CONF (ECOM_STACK_DB_ONLY=1)"
    return 0
  fi

  provision setup || fail "ecom-provision setup failed"
  # Existing stores get the schema changes of a newer checkout (a no-op when none are pending).
  provision migrate >/dev/null || fail "ecom-provision migrate failed"
  start_fcgi
  if ! "$PROVISION_BIN" --config "$ECOM_CONF" status demo-store </dev/null >/dev/null 2>&1 9>&-; then
    echo "creating demo-store"
    provision create demo-store "Demo Store" PREMIUM || fail "ecom-provision create demo-store failed"
  fi
  start_nginx
  start_provision_loop
  wait_healthy

  STARTING=0
  trap - INT TERM HUP
  echo "stack in $VAR_DIR up on http://127.0.0.1:$HTTP_PORT (logs: $LOG_DIR)"
}

cmd_stop() {
  if [[ ! -d $RUN_DIR ]]; then
    echo "stack in $VAR_DIR: nothing to stop"
    return 0
  fi
  lock_stack
  stop_all
  echo "stack in $VAR_DIR stopped"
}

cmd_status() {
  local component pid all=0
  for component in "${COMPONENTS[@]}"; do
    if pid=$(running_pid "$component"); then
      printf '%-10s running (pid %s)\n' "$component" "$pid"
    else
      printf '%-10s stopped\n' "$component"
      all=3
    fi
  done
  return "$all"
}

print_examples() {
  local url="http://127.0.0.1:$HTTP_PORT" h="-H 'X-Tenant-Slug: demo-store'"
  cat <<EOF

The demo store's shop: $url/

Try:
  curl -s $url/health
  curl -s $h $url/public/tenant-config
  curl -s $h '$url/api/catalog/products?page=1&pageSize=5'
  curl -s $h $url/api/catalog/categories
  curl -s $h $url/api/features

Logs: $LOG_DIR    Stop with Ctrl-C.
EOF
}

cmd_run() {
  ((!DB_ONLY)) || config_error "run needs the whole stack (unset ECOM_STACK_DB_ONLY)"
  cmd_start
  exec 9>&- # release the lock: `stack.sh stop` from another terminal must work
  print_examples
  local sleeper=""
  on_signal() {
    trap - INT TERM HUP
    [[ -n $sleeper ]] && kill "$sleeper" 2>/dev/null
    echo
    cmd_stop
    exit 0
  }
  trap on_signal INT TERM HUP
  while true; do
    sleep 1 &
    sleeper=$!
    wait "$sleeper" || true
    sleeper=""
    if ! running_pid ecom-fcgi >/dev/null || ! running_pid mariadb >/dev/null; then
      trap - INT TERM HUP
      echo "stack.sh: $(running_pid ecom-fcgi >/dev/null && echo mariadbd || echo ecom-fcgi) is gone; stopping the stack" >&2
      cmd_stop
      exit 1
    fi
  done
}

(($# == 1)) || die_usage
case $1 in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  run) cmd_run ;;
  -h | --help) sed -n '2,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//' ;;
  *) die_usage ;;
esac
