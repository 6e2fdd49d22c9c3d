#!/usr/bin/env bash
# Realism measure (issue 15): for each corpus data set, load the real data into one database of the embedded cluster,
# populate the same schema into another (--rows = the real size of the largest table, fixed seed), and compare them
# with `plurel realism`. Prints per database "name: plausible/total (xx %), table-size Spearman r" and the implausible
# columns with their reasons; full reports go to .plurel/realism/NAME.txt (text) and .json.
set -euo pipefail
cd "$(dirname "$0")/.."
PLUREL=${PLUREL:-./plurel}
SEED=${SEED:-42}
CORPUS=${PLUREL_CORPUS:-../shared/corpus}
SETS=(${REALISM_SETS:-postgres/chinook postgres/northwind wild/pg-neon-periodic-table wild/pg-neon-happiness-index wild/pg-neon-titanic wild/pg-iso-3166})
out=.plurel/realism
mkdir -p "$out"
$PLUREL db start >/dev/null
for set in "${SETS[@]}"; do
  file=$CORPUS/$set.sql
  name=$(basename "$set" | tr -c 'a-zA-Z0-9\n' '_')
  if [ ! -f "$file" ]; then echo "$name: skipped ($file is not here)"; continue; fi
  # Load the real data first (realism --load-real recreates the database), measuring against an empty placeholder.
  psql "$($PLUREL db url)" -qAtc "DROP DATABASE IF EXISTS realism_${name}_gen WITH (FORCE)" -c "CREATE DATABASE realism_${name}_gen" >/dev/null 2>&1
  $PLUREL realism --real "realism_${name}_real" --generated "realism_${name}_gen" --load-real "$file" >/dev/null 2>"$out/$name.err" \
    || { echo "$name: loading the real data failed: $(tail -n 3 "$out/$name.err")"; continue; }
  rows=$(psql "$($PLUREL db url --database "realism_${name}_real")" -XqAt <<'SQL'
SELECT coalesce(max(n), 0) FROM (
  SELECT (xpath('/row/c/text()', query_to_xml(format('SELECT count(*) AS c FROM %I.%I', table_schema, table_name), false, true, '')))[1]::text::bigint AS n
  FROM information_schema.tables WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')) t
SQL
)
  if ! $PLUREL populate --schema "$file" --database "realism_${name}_gen" --recreate --rows "$rows" --seed "$SEED" >"$out/$name.populate.log" 2>&1; then
    echo "$name: populate failed: $(tail -n 3 "$out/$name.populate.log")"; continue
  fi
  $PLUREL realism --real "realism_${name}_real" --generated "realism_${name}_gen" >"$out/$name.txt"
  $PLUREL realism --real "realism_${name}_real" --generated "realism_${name}_gen" --format json >"$out/$name.json"
  python3 - "$name" "$rows" "$out/$name.json" <<'PY'
import json, sys
name, rows, path = sys.argv[1], sys.argv[2], sys.argv[3]
r = json.load(open(path))
share = "n/a" if r["plausibleShare"] is None else f"{r['plausibleShare'] * 100:.0f} %"
sp = "n/a" if r["spearman"] is None else f"{r['spearman']:.2f}"
print(f"{name}: {r['plausible']}/{r['scored']} ({share}), table-size Spearman {sp}  (--rows {rows}, {len(r['tables'])} tables)")
for c in r["columns"]:
    if c["plausible"] is False:
        print(f"    implausible {c['table']}.{c['column']} [{c['type']}, {c['kind']}] {c['test']}: {c['reason']}")
PY
done
