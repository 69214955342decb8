#!/usr/bin/env bash
# Builds the binaries of an earlier commit from its own sources and Makefile, for the upgrade
# test (tests/upgrade) or to go back to a release:
#
#   scripts/build-release.sh REV        prints the release's directory, building it when needed
#
# The directory is build/releases/<commit>/ (outside build/<mode>/, so that a release build and a
# sanitizer build of this checkout share it): tree/ holds the commit's files (git archive), with
# its binaries in tree/bin/, and `built` marks a finished build. A build is quick (-O0, no debug
# information): the binaries serve a test, not customers.
# Needs the commit in this clone's history (a shallow clone: `git fetch --unshallow` first).
# Exit codes: 0 built (or already built); 1 the build failed; 2 usage or an unknown commit.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
[[ $# -eq 1 ]] || { echo "usage: $0 REV" >&2; exit 2; }
if ! commit=$(git -C "$repo" rev-parse --verify --quiet "$1^{commit}"); then
  echo "build-release.sh: $1 is not a commit of this clone (a shallow clone? git fetch --unshallow)" >&2
  exit 2
fi
dir=$repo/build/releases/$commit
if [[ -f $dir/built ]]; then
  echo "$dir"
  exit 0
fi
mkdir -p -- "$repo/build"
exec 9>"$repo/build/releases.lock"
flock -w 900 9 || { echo "build-release.sh: another build holds build/releases.lock" >&2; exit 1; }
if [[ ! -f $dir/built ]]; then
  rm -rf -- "$dir"
  mkdir -p -- "$dir/tree"
  git -C "$repo" archive "$commit" | tar -x -C "$dir/tree"
  echo "building $commit in $dir/tree" >&2
  if ! make -C "$dir/tree" -j"$(nproc 2>/dev/null || echo 2)" CXXFLAGS='-O0 -g0' all >"$dir/build.log" 2>&1; then
    tail -n 30 "$dir/build.log" >&2
    echo "build-release.sh: the build of $commit failed (log: $dir/build.log)" >&2
    exit 1
  fi
  touch "$dir/built"
fi
echo "$dir"
