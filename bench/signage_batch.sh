#!/usr/bin/env bash
# The signage acceptance benchmark: a 1,000-stall four-per-sheet PDF in <= 10 s with peak RSS
# <= 200 MB on this machine. Runs the benchmark binary and the real `cho4 signage` command, each
# under /usr/bin/time -v, and prints their wall time and peak RSS.
#   bench/signage_batch.sh [BUILD_DIR] [STALLS]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
stalls=${2:-1000}
bin=$build/bench/cho4-signage-batch-bench
[[ -x $bin ]] || { echo "build $bin first: scripts/build $build -- cho4-signage-batch-bench" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

summary() {  # /usr/bin/time -v output → "wall X, peak RSS Y MB"
  awk -F': ' '/Elapsed \(wall clock\)/ {w=$2} /Maximum resident set size/ {r=$2}
              END {printf "wall %s, peak RSS %.1f MB\n", w, r/1024}' "$1"
}

echo "== $bin $stalls a6x4"
/usr/bin/time -v "$bin" "$stalls" a6x4 2>"$tmp/time-bench.txt"
echo "   /usr/bin/time: $(summary "$tmp/time-bench.txt")"

if [[ -x $build/switch/cho4 ]]; then
  "$bin" --write-csv "$tmp/market.csv" "$stalls"
  export CHO4_BENCH_MARKET_SECRET=benchmark-market-secret-0123456789
  echo "== cho4 signage --stalls market.csv ($stalls stalls) --layout a6x4 --out market.pdf"
  /usr/bin/time -v "$build/switch/cho4" signage --stalls "$tmp/market.csv" --layout a6x4 \
    --out "$tmp/market.pdf" --secret-env CHO4_BENCH_MARKET_SECRET --no-progress 2>"$tmp/time-cli.txt"
  echo "   /usr/bin/time: $(summary "$tmp/time-cli.txt")"
fi
