#!/usr/bin/env bash
# The same input gives byte-identical reports: `renju validate --format json` on every
# conformance set (../shared/conformance/*, as CI lays it beside the clone) and on the sample
# county (examples/xiji), RUNS times each (default 20) as separate processes — each with its own
# hash seed, so any Dictionary or Set order that reached a report would show as a difference.
# Ends with "N passed, N failed" (one check a data set).
set -uo pipefail
cd "$(dirname "$0")/../.."
bin=${1:?usage: Tests/determinism/repeat.sh path/to/renju [runs]}
runs=${2:-20}
shared=$(cd .. && pwd)/shared/conformance
passed=0; failed=0
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

check() {  # name, then the arguments of validate
  local name=$1; shift
  local first="" status=0 differ=0
  for i in $(seq 1 "$runs"); do
    "$bin" validate --format json "$@" >"$tmp/$name.$i.json" 2>"$tmp/$name.err"; status=$?
    if [ "$status" -gt 1 ]; then
      echo "FAIL $name: validate exited $status: $(head -c 400 "$tmp/$name.err")"; failed=$((failed + 1)); return
    fi
    if [ -z "$first" ]; then first="$tmp/$name.$i.json"
    elif ! cmp -s "$first" "$tmp/$name.$i.json"; then
      differ=$((differ + 1))
      [ "$differ" -eq 1 ] && diff "$first" "$tmp/$name.$i.json" | head -n 10
    fi
  done
  if [ "$(wc -c <"$first")" -lt 100 ]; then echo "FAIL $name: an empty report"; failed=$((failed + 1)); return; fi
  if [ "$differ" -eq 0 ]; then
    echo "ok   $name: $runs runs, one report ($(sha256sum "$first" | cut -c1-16), $(wc -c <"$first") bytes)"; passed=$((passed + 1))
  else
    echo "FAIL $name: $differ of $runs runs gave a report different from the first"; failed=$((failed + 1))
  fi
}

sets=0
for ds in "$shared"/*/; do
  ds=${ds%/}; [ -f "$ds/truth.json" ] || continue
  sets=$((sets + 1))
  asof=$(python3 -c "import json,sys;print(json.load(open(sys.argv[1]))['as_of'])" "$ds/truth.json")
  check "$(basename "$ds")" --divisions "$ds/divisions.csv" --targets "$ds/targets.csv" --as-of "$asof" "$ds/history" "$ds/current"
done
if [ "$sets" -eq 0 ]; then echo "FAIL no conformance set found under $shared"; failed=$((failed + 1)); fi
check sample-county --as-of 2025-10-31 examples/xiji
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
