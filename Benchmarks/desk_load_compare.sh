#!/usr/bin/env bash
# Two builds of the desk under the same load in one run, alternately (the host drifts between
# runs and days; only a ratio measured side by side means anything): the upload-and-check p95
# of 30 clerks at once, and the board's, for BASE and NEW, RUNS times each (default 3).
# Usage: Benchmarks/desk_load_compare.sh BASE_RENJU NEW_RENJU [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
base=${1:?base binary}; new=${2:?new binary}; runs=${3:-3}
declare -A up board
for i in $(seq 1 "$runs"); do
  for which in base new; do
    bin=$base; [ "$which" = new ] && bin=$new
    out=$(python3 Benchmarks/desk_load.py "$bin")
    u=$(echo "$out" | sed -n 's/^uploads:.* p95 \([0-9]*\) ms.*/\1/p')
    b=$(echo "$out" | sed -n 's/^board (next.* p95 \([0-9]*\) ms.*/\1/p')
    echo "run $i $which: upload p95 $u ms, board p95 $b ms"
    up[$which]="${up[$which]:-} $u"; board[$which]="${board[$which]:-} $b"
  done
done
median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
ub=$(echo "${up[base]}" | median); un=$(echo "${up[new]}" | median)
bb=$(echo "${board[base]}" | median); bn=$(echo "${board[new]}" | median)
echo "median upload p95: base $ub ms, new $un ms, ratio $(python3 -c "print(f'{$un/$ub:.2f}')")"
echo "median board p95:  base $bb ms, new $bn ms, ratio $(python3 -c "print(f'{$bn/$bb:.2f}')")"
