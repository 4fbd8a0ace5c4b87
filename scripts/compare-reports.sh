#!/usr/bin/env bash
# Two builds of renju on the same inputs: the JSON reports of every conformance set, the sample
# county and a 10,000-village synthetic quarter, compared finding by finding (and the summary and
# the per-rule counts). For a change meant to alter no result: run it against the build before.
# Usage: scripts/compare-reports.sh BASE_RENJU NEW_RENJU
set -euo pipefail
cd "$(dirname "$0")/.."
base=${1:?base binary}; new=${2:?new binary}
shared=$(cd .. && pwd)/shared/conformance
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
"$new" synth --villages 10000 --period 2025Q3 --out "$tmp/synth" >/dev/null
status=0
compare() {  # name, then validate's arguments
  local name=$1; shift
  "$base" validate --format json "$@" >"$tmp/a.json" || [ $? -le 1 ]
  "$new" validate --format json "$@" >"$tmp/b.json" || [ $? -le 1 ]
  python3 - "$name" "$tmp/a.json" "$tmp/b.json" <<'PY' || status=1
import json, sys
name, a, b = sys.argv[1], json.load(open(sys.argv[2])), json.load(open(sys.argv[3]))
ra = {r["rule"]: r for r in a["rules"]}; rb = {r["rule"]: r for r in b["rules"]}
# Fields NEW adds to a rule's counts (skipped_no_history) are not a difference in what was found.
changed = [k for k in ra if k in rb and any(rb[k].get(f) != v for f, v in ra[k].items())]
same = a["findings"] == b["findings"] and a["summary"] == b["summary"] and not changed and set(ra) <= set(rb)
identical = open(sys.argv[2], "rb").read() == open(sys.argv[3], "rb").read()
print(f"{'same' if same else 'DIFFERENT'}  {name}: {len(b['findings'])} findings"
      + ("; byte-identical reports" if identical else "; the files differ")
      + (f"; rules new in NEW: {sorted(set(rb) - set(ra))}" if set(rb) - set(ra) else "")
      + (f"; rules counted differently: {changed}" if changed else "")
      + ("" if a["findings"] == b["findings"] else "; the findings differ: "
         + ", ".join(sorted({f["rule"] for f in b["findings"] if f not in a["findings"]} | {"-" + f["rule"] for f in a["findings"] if f not in b["findings"]}))))
sys.exit(0 if same else 1)
PY
}
for ds in "$shared"/*/; do
  ds=${ds%/}; [ -f "$ds/truth.json" ] || continue
  compare "$(basename "$ds")" --divisions "$ds/divisions.csv" --targets "$ds/targets.csv" --as-of 2025-10-31 "$ds/history" "$ds/current"
done
compare sample-county --as-of 2025-10-31 examples/xiji
compare synthetic-10000 --as-of 2025-10-31 --divisions "$tmp/synth/divisions.csv" "$tmp/synth/returns"
exit $status
