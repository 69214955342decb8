#!/usr/bin/env bash
# A private Apache httpd in front of a running stack's FastCGI socket (scripts/stack.sh start
# first): the production site conf/apache/ecom-site.conf, included by the rendered
# conf/apache/dev.conf.template. Nothing under /etc/apache2 is read or changed.
#
#   scripts/apache.sh start|stop|status
#
#   ECOM_VAR_DIR       the stack's var dir (default var/); Apache's config, pid, mutexes and logs
#                      go to apache/, run/apache.pid, log/apache-error.log (the server) and
#                      log/ecom-{access,error}.log (the site) under it
#   ECOM_APACHE_PORT   port on 127.0.0.1 (default: ECOM_HTTP_PORT + 1, or 8081)
#
# Prints "apache on http://127.0.0.1:PORT" when started. Exit status 0 on success.
set -euo pipefail

REPO_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VAR_DIR=${ECOM_VAR_DIR:-$REPO_DIR/var}
mkdir -p -- "$VAR_DIR"
VAR_DIR="$(cd "$VAR_DIR" && pwd)"
PORT=${ECOM_APACHE_PORT:-$((${ECOM_HTTP_PORT:-8080} + 1))}
APACHE_DIR=$VAR_DIR/apache
CONF=$APACHE_DIR/httpd.conf
PID_FILE=$VAR_DIR/run/apache.pid
ERROR_LOG=$VAR_DIR/log/apache-error.log
MODULES_DIR=${ECOM_APACHE_MODULES_DIR:-/usr/lib/apache2/modules}

fail() { echo "apache.sh: $*" >&2; exit 1; }

apache_bin() {
  local b
  for b in apache2 /usr/sbin/apache2 httpd /usr/sbin/httpd; do
    command -v "$b" >/dev/null 2>&1 && { command -v "$b"; return; }
  done
  fail "apache2 is not installed (scripts/setup.sh)"
}

running_pid() {
  local pid
  [[ -r $PID_FILE ]] || return 1
  pid=$(<"$PID_FILE")
  [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

render() {
  local user_lines=""
  ((EUID == 0)) && user_lines=$'User nobody\nGroup nogroup'
  mkdir -p -- "$APACHE_DIR" "$VAR_DIR/run" "$VAR_DIR/log"
  # Root's children run as nobody: they must reach the socket and read the error pages.
  ((EUID == 0)) && chmod go+x -- "$VAR_DIR" "$VAR_DIR/run" "$APACHE_DIR"
  python3 - "$REPO_DIR/conf/apache/dev.conf.template" "$CONF.tmp" \
    "VAR_DIR=$VAR_DIR" "APACHE_DIR=$APACHE_DIR" "APACHE_PORT=$PORT" "REPO_DIR=$REPO_DIR" \
    "MODULES_DIR=$MODULES_DIR" "USER_LINES=$user_lines" <<'EOF'
import sys
src, out, *pairs = sys.argv[1:]
text = "".join(l for l in open(src) if not l.startswith("##"))
for pair in pairs:
    name, _, value = pair.partition("=")
    text = text.replace("@" + name + "@", value)
open(out, "w").write(text)
EOF
  mv -f -- "$CONF.tmp" "$CONF"
}

start() {
  local bin pid i
  bin=$(apache_bin)
  running_pid >/dev/null && fail "already running (pid $(running_pid))"
  [[ -S $VAR_DIR/run/ecom-fcgi.sock ]] || echo "apache.sh: warning: no socket $VAR_DIR/run/ecom-fcgi.sock yet" >&2
  render
  rm -f -- "$PID_FILE"
  # -d/-f: our ServerRoot and config; no apache2ctl, so /etc/apache2/envvars is not needed.
  "$bin" -d "$APACHE_DIR" -f "$CONF" -t >>"$ERROR_LOG" 2>&1 || { tail -n 20 "$ERROR_LOG" >&2; fail "config test failed"; }
  "$bin" -d "$APACHE_DIR" -f "$CONF" -k start </dev/null >>"$ERROR_LOG" 2>&1 9>&- ||
    { tail -n 20 "$ERROR_LOG" >&2; fail "apache did not start"; }
  for ((i = 0; i < 100; i++)); do
    pid=$(running_pid) && break
    sleep 0.1
  done
  [[ -n ${pid:-} ]] || { tail -n 20 "$ERROR_LOG" >&2; fail "apache wrote no pid file"; }
  # Wait until the port answers.
  for ((i = 0; i < 100; i++)); do
    (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break
    sleep 0.1
  done
  echo "apache on http://127.0.0.1:$PORT (pid $pid)"
}

stop() {
  local pid i
  pid=$(running_pid) || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 100; i++)); do
    kill -0 "$pid" 2>/dev/null || { rm -f -- "$PID_FILE"; return 0; }
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
  rm -f -- "$PID_FILE"
}

case ${1:-} in
  start) start ;;
  stop) stop ;;
  status) if pid=$(running_pid); then echo "apache running (pid $pid)"; else echo "apache stopped"; exit 1; fi ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
