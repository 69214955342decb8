#!/usr/bin/env bash
# Builds the libFuzzer targets in tests/fuzz/ with clang (ASan + UBSan), replays the
# kept regression inputs, then fuzzes each target for FUZZ_SECONDS (default 60).
# A crash is saved under build/fuzz/ and fails the run; fix it and keep the input in
# tests/fuzz/regressions/<target>/ so every later run replays it.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
seconds="${FUZZ_SECONDS:-60}"
out=build/fuzz
mkdir -p "$out"

CXX=${FUZZ_CXX:-clang++}
flags=(-std=c++20 -g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -Isrc)
common=(src/common/*.cpp src/http/json_reader.cpp src/http/json_writer.cpp src/http/router.cpp src/http/request.cpp
        src/http/problem.cpp src/http/pagination.cpp src/http/response.cpp src/catalog/product_filter.cpp
        src/auth/jwt.cpp src/auth/base64url.cpp)

status=0
for target in request jwt ini; do
  bin="$out/fuzz_$target"
  echo "== fuzz_$target: building"
  "$CXX" "${flags[@]}" "tests/fuzz/fuzz_$target.cpp" "${common[@]}" -lcjson -lcrypto -o "$bin"
  if compgen -G "tests/fuzz/regressions/$target/*" >/dev/null; then
    echo "== fuzz_$target: replaying regressions"
    "$bin" tests/fuzz/regressions/$target/* >/dev/null 2>&1 || { echo "regression input crashes fuzz_$target"; status=1; continue; }
  fi
  corpus="$out/corpus-$target"
  mkdir -p "$corpus"
  cp -n tests/fuzz/corpus/$target/* "$corpus/" 2>/dev/null || true
  echo "== fuzz_$target: fuzzing for ${seconds}s"
  if ! "$bin" "$corpus" -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
       -artifact_prefix="$out/crash-$target-" -print_final_stats=1 2>"$out/fuzz_$target.log"; then
    echo "fuzz_$target found a problem:"; tail -40 "$out/fuzz_$target.log"; status=1
  else
    grep -E "stat::number_of_executed_units|cov:" "$out/fuzz_$target.log" | tail -2
  fi
done
exit $status
