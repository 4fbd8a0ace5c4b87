#!/usr/bin/env bash
# The main job on the bundled example: install what is missing, build, and check the sample
# county's 2025Q3 township returns (2025Q2 is read as history).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/ensure-deps.sh
swift build -c release
echo
echo "== renju validate examples/xiji   (西吉县 2025Q3, with 2025Q2 as history)"
status=0
.build/release/renju validate --as-of 2025-10-31 examples/xiji || status=$?
# Exit 1 means "errors found" — the example has planted problems, so that is the expected outcome.
if [ "$status" -gt 1 ]; then exit "$status"; fi
