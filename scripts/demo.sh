#!/usr/bin/env bash
# The main job on the bundled example: install what is missing, build, check the sample county's
# 2025Q3 township returns (2025Q2 is read as history) and export the county's return to the
# prefecture, with a findings workbook beside it, into out/.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/ensure-deps.sh
swift build -c release
bin=.build/release/renju
mkdir -p out
echo
echo "== renju validate examples/xiji   (西吉县 2025Q3, with 2025Q2 as history)"
status=0
$bin validate --as-of 2025-10-31 --xlsx out/西吉县-2025Q3-审核结果.xlsx examples/xiji || status=$?
# Exit 1 means "errors found" — the example has planted problems, so that is the expected outcome.
if [ "$status" -gt 1 ]; then exit "$status"; fi
echo
echo "== renju export --template prefecture-quarterly examples/xiji"
status=0
$bin export --template prefecture-quarterly --out out/西吉县-2025Q3-季报.xlsx examples/xiji || status=$?
if [ "$status" -gt 1 ]; then exit "$status"; fi
ls -l out/
