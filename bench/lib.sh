# Sourced by the bench scripts (bench/run.sh, stores.sh, worker_rss.sh): what they share.
# Expects $repo (the repository) to be set.

# positive_numbers TOOL NAME...: exit 2 naming TOOL when a variable NAME is not a positive integer.
positive_numbers() {
  local tool=$1 v
  shift
  for v in "$@"; do
    [[ ${!v} =~ ^[1-9][0-9]*$ ]] || { echo "$tool: ${v} must be a positive number, got '${!v}'" >&2; exit 2; }
  done
}

# private_stack DIR PORT: the bench's own stack, var/DIR on PORT, unless ECOM_VAR_DIR and
# ECOM_HTTP_PORT name another; its binaries from ECOM_BIN_DIR, else the build's bin/.
private_stack() {
  export ECOM_VAR_DIR="${ECOM_VAR_DIR:-$repo/var/$1}" ECOM_HTTP_PORT="${ECOM_HTTP_PORT:-$2}"
  export ECOM_BIN_DIR="${ECOM_BIN_DIR:-$repo/bin}"
}
