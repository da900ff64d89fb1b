#!/usr/bin/env bash
# Builds the fuzz targets with cargo-fuzz (libFuzzer, AddressSanitizer) and runs each for
# FUZZ_SECONDS (default 60) seconds from its corpus, then prints per target the executions and
# the crashes found. A crash is saved as artifacts/<target>/crash-*; once fixed, copy it into
# regressions/<target>/, which `cargo test` replays (tests/fuzz_regressions.rs).
#
# The stable toolchain is used with RUSTC_BOOTSTRAP=1 (cargo-fuzz passes -Z flags); the lock
# file is the main one, so the fuzzed code is built with the same crate versions.
set -euo pipefail
cd "$(dirname "$0")"
seconds=${FUZZ_SECONDS:-60}
export RUSTC_BOOTSTRAP=1
cp ../Cargo.lock Cargo.lock
cargo fuzz build --release 2>&1 | tail -n 3
# Run the built targets themselves: `cargo fuzz run` would build again for each.
bin=${CARGO_TARGET_DIR:-target}/$(rustc -vV | sed -n 's/^host: //p')/release

targets=$(cargo fuzz list)
mkdir -p logs
found=0
printf '\n%-16s %12s %10s %8s\n' target executions exec/s crashes
for target in $targets; do
  mkdir -p "corpus/$target" "artifacts/$target"
  # Seeds: the committed ones, and every input that once failed.
  cp -n seeds/"$target"/* "corpus/$target/" 2>/dev/null || true
  cp -n regressions/"$target"/* "corpus/$target/" 2>/dev/null || true
  # And the project's own examples of each input.
  case "$target" in
    composition) examples=(../tests/fixtures/*/composition.json) ;;
    curl_command) examples=(../tests/fixtures/*/expected/curl.sh) ;;
    wrangler_config) examples=(../tests/wrangler/corpus/*/wrangler.*) ;;
    *) examples=() ;;
  esac
  for example in "${examples[@]}"; do
    cp -n "$example" "corpus/$target/example-$(basename "$(dirname "$example")")-$(basename "$example")"
  done
  before=$(find "artifacts/$target" -type f | wc -l)
  "$bin/$target" -artifact_prefix="artifacts/$target/" -max_total_time="$seconds" \
    -print_final_stats=1 -timeout=10 -rss_limit_mb=2048 "corpus/$target" \
    >"logs/$target.log" 2>&1 || true
  after=$(find "artifacts/$target" -type f | wc -l)
  crashes=$((after - before))
  found=$((found + crashes))
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "logs/$target.log" | grep -o '[0-9]*$' | tail -n 1)
  speed=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "logs/$target.log" | grep -o '[0-9]*$' | tail -n 1)
  printf '%-16s %12s %10s %8s\n' "$target" "${runs:-?}" "${speed:-?}" "$crashes"
done
if [ "$found" -gt 0 ]; then
  echo
  echo "Crashes (reproduce with: cd fuzz && RUSTC_BOOTSTRAP=1 cargo fuzz run --release TARGET FILE):"
  find artifacts -type f -newer Cargo.lock | sed 's/^/  /'
  exit 1
fi
