#!/usr/bin/env bash
# Issue 18's acceptance: synthetic twins from statistics alone (`populate --like`), measured against their sources.
# Sources: chinook and northwind with their real data (../shared/corpus/postgres/*.sql), and TPC-H loaded with
# `populate --scale` (TPCH_SCALE, default 100: lineitem 100,000 rows, orders 25,000, part 6,250: large enough that the
# planner leaves the all-seq-scan plans of tiny tables, small enough to load, twin and ANALYZE in about a minute on two
# cores). Each source is ANALYZEd (as a production database would be), twinned into NAME_twin with `populate --like`,
# then compared with `plurel like-report` (the 22 TPC-H queries of schemas/tpch-queries.sql for TPC-H) and with the
# realism meter (`plurel realism`, source as real, twin as generated). Prints one summary line per database and the
# totals against the issue's goals; full reports go to .plurel/like/NAME.{txt,json,realism.txt,realism.json}.
set -euo pipefail
cd "$(dirname "$0")/.."
PLUREL=${PLUREL:-./plurel}
SEED=${SEED:-42}
CORPUS=${PLUREL_CORPUS:-../shared/corpus}
TPCH_SCALE=${TPCH_SCALE:-100}
# Extra populate --like options, e.g. LIKE_FLAGS=--keep-mcv-text to keep personal-data MCVs as they are.
LIKE_FLAGS=${LIKE_FLAGS:-}
SETS=(${LIKE_SETS:-postgres/chinook postgres/northwind})
out=.plurel/like
mkdir -p "$out"
$PLUREL db start >/dev/null
url() { $PLUREL db url --database "$1"; }
sources=()

# Real data: load each file with psql (realism --load-real recreates the source; the placeholder it measures against is empty).
for set in "${SETS[@]}"; do
  file=$CORPUS/$set.sql
  name=$(basename "$set" | tr -c 'a-zA-Z0-9\n' '_')
  if [ ! -f "$file" ]; then echo "$name: skipped ($file is not here)"; continue; fi
  psql "$(url postgres)" -qAtc "DROP DATABASE IF EXISTS like_placeholder WITH (FORCE)" -c "CREATE DATABASE like_placeholder" >/dev/null 2>&1
  $PLUREL realism --real "like_${name}" --generated like_placeholder --load-real "$file" >/dev/null 2>"$out/$name.err" \
    || { echo "$name: loading the real data failed: $(tail -n 3 "$out/$name.err")"; exit 1; }
  sources+=("$name")
done

# TPC-H from the spec's DDL and referential integrity file, at TPCH_SCALE × the default role-based sizes, dated in
# TPC-H's own years so that the queries' date predicates select what they select in the benchmark.
tpch=("$CORPUS/generic/tpch-dss.ddl" "$CORPUS/generic/tpch-dss.ri")
if [ -f "${tpch[0]}" ] && [ -f "${tpch[1]}" ]; then
  $PLUREL populate --schema "${tpch[0]}" --schema "${tpch[1]}" --database like_tpch --recreate --scale "$TPCH_SCALE" \
    --time-range 1992-01-01..1998-12-31 --seed "$SEED" >"$out/tpch.populate.log" 2>&1 || { echo "tpch: populate failed: $(tail -n 3 "$out/tpch.populate.log")"; exit 1; }
  sources+=(tpch)
else
  echo "tpch: skipped (${tpch[0]} is not here)"
fi

summaries=()
for name in "${sources[@]}"; do
  src=like_${name}
  twin=like_${name}_twin
  # The source's statistics as its DBA keeps them: ANALYZE once, then only its catalog is read.
  psql "$(url "$src")" -XqAtc "ANALYZE" >/dev/null
  start=$(date +%s.%N)
  $PLUREL populate --like "$(url "$src")" --database "$twin" --recreate --seed "$SEED" $LIKE_FLAGS >"$out/$name.like.log" 2>&1 \
    || { echo "$name: populate --like failed: $(tail -n 3 "$out/$name.like.log")"; exit 1; }
  secs=$(echo "$(date +%s.%N) - $start" | bc)
  queries=()
  [ "$name" = tpch ] && queries=(--queries schemas/tpch-queries.sql)
  rm -f "$out/$name.json"
  $PLUREL like-report --source "$src" --target "$twin" "${queries[@]}" --json "$out/$name.json" >"$out/$name.txt"
  $PLUREL realism --real "$src" --generated "$twin" >"$out/$name.realism.txt"
  $PLUREL realism --real "$src" --generated "$twin" --format json >"$out/$name.realism.json"
  summaries+=("$name $secs")
done

python3 - "$out" "${summaries[@]}" <<'PY'
import json, sys
out, runs = sys.argv[1], [a.split() for a in sys.argv[2:]]
cols = colp = tabs = tabw = plans = plane = real = realp = 0
for name, secs in runs:
    r = json.load(open(f"{out}/{name}.json"))
    m = json.load(open(f"{out}/{name}.realism.json"))
    cols += r["columnsCompared"]; colp += r["columnsPassed"]; tabs += len(r["tables"]); tabw += r["tablesWithin"]
    plans += r["plansCompared"]; plane += r["plansEqual"]; real += m["scored"]; realp += m["plausible"]
    pct = lambda a, b: "n/a" if b == 0 else f"{100 * a / b:.1f} %"
    line = (f"{name}: columns pass {r['columnsPassed']}/{r['columnsCompared']} ({pct(r['columnsPassed'], r['columnsCompared'])}), "
            f"tables within 1 % {r['tablesWithin']}/{len(r['tables'])}, "
            f"realism plausible {m['plausible']}/{m['scored']} ({pct(m['plausible'], m['scored'])})")
    if r["plansCompared"]:
        differ = [p["name"] for p in r["plans"] if not p["equal"]]
        line += f", plans equal {r['plansEqual']}/{r['plansCompared']} ({pct(r['plansEqual'], r['plansCompared'])})"
        if differ: line += " differ: " + " ".join(differ)
    print(line + f"; twin made in {float(secs):.1f} s")
    for c in r["columns"]:
        if not c["passed"]:
            print(f"    FAIL {c['table']}.{c['column']}: {c['reason']}")
    for t in r["tables"]:
        if not t["within"]:
            print(f"    FAIL table {t['name']}: {t['sourceRows']} -> {t['targetRows']} rows")
def goal(a, b, g):
    if b == 0: return "n/a"
    s = a / b
    return f"{a}/{b} ({100 * s:.1f} %, goal >= {100 * g:.0f} %: {'met' if s >= g else 'NOT met'})"
print(f"all: columns pass {goal(colp, cols, 0.95)}")
print(f"all: tables within 1 % {goal(tabw, tabs, 1.0)}")
if plans: print(f"all: TPC-H plans equal {goal(plane, plans, 0.90)}")
print(f"all: realism plausible {goal(realp, real, 0.95)}")
PY
