#!/usr/bin/env bash
# A national quarter into PostgreSQL, and validated from it, on a throw-away cluster
# (scripts/pg-cluster.sh, fsync off), each figure compared in the same run with what it is
# measured against:
#   - `renju db import` of the previous quarter (2,778 county files, 12.5 M figures; the import
#     validates first) against the server's own raw COPY of the same 12.5 M rows into a table with
#     the same keys (what the server allows for loading them, whatever the client does);
#   - `renju validate --db` (the previous quarter from the store) against `renju validate` of the
#     same two quarters from files, alternately, after VACUUM ANALYZE; the query plans printed.
# Usage: Benchmarks/postgres_quarter.sh [RENJU] [DIR]   (default .build/release/renju, /tmp/rb500k;
#        DIR is synthesised first when empty: renju synth --villages 500000)
set -euo pipefail
cd "$(dirname "$0")/.."
renju=$(realpath "${1:-.build/release/renju}"); dir=${2:-/tmp/rb500k}
[ -f "$dir/divisions.csv" ] || "$renju" synth --villages 500000 --period 2025Q3 --out "$dir" >/dev/null
eval "$(scripts/pg-cluster.sh start)"
trap 'scripts/pg-cluster.sh stop "$RENJU_PG_DIR" >/dev/null 2>&1' EXIT
admin="host=$RENJU_PG_DIR user=renju dbname=postgres"
psql -q "$admin" -c "CREATE DATABASE bench"
db="postgres://renju@/bench?host=$RENJU_PG_DIR"
t() { /usr/bin/time -f "%e s, peak %M KiB" "$@"; }
echo "== import of the previous quarter"
t "$renju" db import --db "$db" --divisions "$dir/divisions.csv" --as-of 2025-10-31 "$dir/returns/2025Q2" 2>&1 >/dev/null | tail -1 | sed 's/^/renju db import: /'
psql -q "host=$RENJU_PG_DIR user=renju dbname=bench" -c "\copy (SELECT * FROM observations) TO '$RENJU_PG_DIR/obs.copy'"
psql -q "host=$RENJU_PG_DIR user=renju dbname=bench" -c "CREATE TABLE raw_copy (LIKE observations INCLUDING ALL)"
echo -n "raw COPY of the same $(psql -At "host=$RENJU_PG_DIR user=renju dbname=bench" -c 'SELECT count(*) FROM observations') rows into the same keys: "
t psql -q "host=$RENJU_PG_DIR user=renju dbname=bench" -c "\copy raw_copy FROM '$RENJU_PG_DIR/obs.copy'" 2>&1 | tail -1
psql -q "host=$RENJU_PG_DIR user=renju dbname=bench" -c "DROP TABLE raw_copy" -c "VACUUM ANALYZE"
rm -f "$RENJU_PG_DIR/obs.copy"
echo "== validate 2025Q3 with 2025Q2 from the store, and from files, alternately"
for i in 1 2 3; do
  echo -n "from the store: "; t "$renju" validate --db "$db" --divisions "$dir/divisions.csv" --as-of 2025-10-31 --format json "$dir/returns/2025Q3" 2>&1 >/tmp/renju-pgq-store.json | tail -1
  echo -n "from files:     "; t "$renju" validate --divisions "$dir/divisions.csv" --as-of 2025-10-31 --format json "$dir/returns" 2>&1 >/tmp/renju-pgq-files.json | tail -1
done
python3 - <<'PY'
import json
a, b = json.load(open("/tmp/renju-pgq-store.json")), json.load(open("/tmp/renju-pgq-files.json"))
print("the same findings from both:", a["findings"] == b["findings"], f"({len(a['findings'])})")
PY
echo "== query plans"
psql -q "host=$RENJU_PG_DIR user=renju dbname=bench" -c "EXPLAIN SELECT unit, array_agg(value) FROM observations WHERE period = '2025Q2' AND unit BETWEEN '110000000000' AND '119999999999' GROUP BY unit" \
  -c "EXPLAIN SELECT unit, indicator, value FROM observations WHERE period = '2025Q2' AND unit BETWEEN '110101000000' AND '110101999999' AND unit = ANY(ARRAY['110101100000','110101100201'])" \
  -c "EXPLAIN SELECT period, value FROM observations WHERE period IN (SELECT DISTINCT period FROM imports) AND unit = '110101100201' AND indicator = 'households'"
