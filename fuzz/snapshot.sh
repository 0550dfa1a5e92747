#!/usr/bin/env bash
# Development helper for the hardening work while other modules are half-written in a shared
# working tree: exports the committed tree (HEAD) to DIR and overlays the working copy's fuzz/ and
# tests/{hostile,exhaustion,secrets}/, so the fuzz targets build against committed modules only;
# extra PATHs (a module that is written but not yet committed) are overlaid from the working copy.
#   fuzz/snapshot.sh DIR [PATH...]
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:?usage: fuzz/snapshot.sh DIR [PATH...]}
shift
mkdir -p "$dir"
git -C "$repo" archive HEAD | tar -x -C "$dir"
for p in fuzz tests/hostile tests/exhaustion tests/secrets "$@"; do
  if [[ -d "$repo/$p" ]]; then
    rm -rf "${dir:?}/$p"
    mkdir -p "$dir/$(dirname "$p")"
    cp -r "$repo/$p" "$dir/$p"
  fi
done
cp "$repo/tests/CMakeLists.txt" "$dir/tests/CMakeLists.txt"
