#!/usr/bin/env bash
# Fuzzes one reader with libFuzzer: scripts/fuzz.sh csv|xlsx|sheet|cell|expr [RUNS] [extra libFuzzer flags]
# Builds the harness with -sanitize=fuzzer (Swift traps on overflow and bounds itself) into .build-fuzz, runs it on a copy of the seed
# corpus in Fuzz/corpus/TARGET (new inputs go to .build-fuzz/corpus/TARGET), crashes to .build-fuzz/crashes/.
set -euo pipefail
cd "$(dirname "$0")/.."
target=${1:?usage: scripts/fuzz.sh csv|xlsx|sheet|cell|expr [RUNS]}
runs=${2:-1000000}
shift $(( $# >= 2 ? 2 : 1 ))
swift build -c release --build-path .build-fuzz --product renju-fuzz \
  -Xswiftc -sanitize=fuzzer -Xswiftc -DFUZZING -Xswiftc -parse-as-library >&2
bin=$(swift build -c release --build-path .build-fuzz --show-bin-path)/renju-fuzz
mkdir -p ".build-fuzz/corpus/$target" .build-fuzz/crashes
cp -n Fuzz/corpus/"$target"/* ".build-fuzz/corpus/$target/" 2>/dev/null || true
RENJU_FUZZ_TARGET=$target "$bin" ".build-fuzz/corpus/$target" -runs="$runs" -max_len="${RENJU_FUZZ_MAX_LEN:-4096}" -rss_limit_mb=2048 \
  -timeout=10 -artifact_prefix=.build-fuzz/crashes/"$target"- -print_final_stats=1 "$@"
