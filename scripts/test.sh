#!/usr/bin/env bash
# The whole test suite: installs what is missing, builds, runs every test (XCTest), checks the
# Excel output with an independent reader (openpyxl, from PyPI), and runs the web desk on a
# loopback port in a real browser (headless Chromium, selenium), stopping it afterwards; the store
# suite runs against a throw-away PostgreSQL cluster too (scripts/pg-cluster.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/ensure-deps.sh
# The independent readers and writers the tests compare with (PyPI): openpyxl reads Renju's
# workbooks; openpyxl, XlsxWriter, msoffcrypto-tool (an encrypted workbook) and xlwt (an .xls)
# write the foreign forms of Tests/readers/make_variants.py.
python3 -c "import openpyxl, xlsxwriter, msoffcrypto, xlwt" 2>/dev/null \
  || python3 -m pip install -q --disable-pip-version-check openpyxl xlsxwriter msoffcrypto-tool xlwt
# LibreOffice (Debian libreoffice-calc-nogui) round-trips those forms; without it that one test
# says it was skipped.
if ! command -v soffice >/dev/null 2>&1; then
  echo "== installing libreoffice-calc-nogui (apt-get)"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq libreoffice-calc-nogui >/dev/null 2>&1 \
    || { $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq libreoffice-calc-nogui >/dev/null; } \
    || echo "   (could not install LibreOffice: its round-trip test will be skipped)"
fi
# strace (Debian) lets a test observe that a return is fsync'd before it is renamed into place.
if ! command -v strace >/dev/null 2>&1; then
  echo "== installing strace (apt-get)"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq strace >/dev/null 2>&1 \
    || { $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq strace >/dev/null; }
fi
swift build --build-tests
# A throw-away PostgreSQL cluster on a Unix socket for the store suite (stopped on exit).
eval "$(scripts/pg-cluster.sh start)"
trap 'scripts/pg-cluster.sh stop "$RENJU_PG_DIR"' EXIT
log=$(mktemp)
status=0
swift test --skip-build --disable-swift-testing 2>&1 | tee "$log" || status=$?
# The PostgreSQL tests skip without a server (a plain `swift test`): here there is one, so a
# skip means the cluster was not reached — a failure, not a quiet pass.
if grep -q "PostgreSQL not tested" "$log"; then
  echo "FAIL: PostgreSQL tests were skipped although the test cluster was started:"; grep "PostgreSQL not tested" "$log" | head -5
  status=1
fi
echo
echo "== Excel output checked with openpyxl"
python3 Tests/exports/check_exports.py "$(swift build --show-bin-path)/renju" 2>&1 | tee -a "$log" || status=1
echo
echo "== keeping the store: a backup while 30 uploads run, restore, an upgrade from an earlier main's store"
python3 Tests/ops/store_operations.py "$(swift build --show-bin-path)/renju" 2>&1 | tee -a "$log" || status=1
echo
echo "== the same input, the same report: every conformance set and the sample county, 20 runs each"
Tests/determinism/repeat.sh "$(swift build --show-bin-path)/renju" 20 2>&1 | tee -a "$log" || status=1
echo
echo "== the web desk in a real browser (headless Chromium)"
scripts/web-e2e.sh "$(swift build --show-bin-path)/renju" 2>&1 | tee -a "$log" || status=1
# A plain closing line over the runners: "N passed, N failed".
swift_line=$(grep -E "^[[:space:]]*Executed [0-9]+ tests?, with [0-9]+ failures?" "$log" | tail -n 1 || true)
py_lines=$(grep -E "^[0-9]+ passed, [0-9]+ failed$" "$log" || true)
rm -f "$log"
total=0; failed=0
if [ -n "$swift_line" ]; then
  total=$(echo "$swift_line" | sed -E 's/^[[:space:]]*Executed ([0-9]+) tests?.*/\1/')
  failed=$(echo "$swift_line" | sed -E 's/.*with ([0-9]+) failures?.*/\1/')
fi
passed=$((total - failed))
while read -r line; do
  [ -z "$line" ] && continue
  passed=$((passed + $(echo "$line" | cut -d' ' -f1)))
  failed=$((failed + $(echo "$line" | cut -d' ' -f3)))
done <<< "$py_lines"
echo "$passed passed, $failed failed"
exit "$status"
