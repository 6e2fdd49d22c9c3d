#!/usr/bin/env bash
# The CPU size sweep of docs/model.md §4.5: trains each (d_model, layers, context) point for the same number of cells
# on the same synthetic corpus and prints tokens/s and the mean training loss of the last 20 steps. Needs a corpus in
# the embedded cluster (default: `plurel corpus --count 8 --seed 7 --database sweep`). Timings are wall clock: on a
# shared machine, compare the points of one run only.
set -euo pipefail
cd "$(dirname "$0")/.."
PLUREL=${PLUREL:-./plurel}
DATABASE=${SWEEP_DATABASE:-sweep}
STEPS=${SWEEP_STEPS:-60}
TOKENS=${SWEEP_TOKENS:-4096}
POINTS=${SWEEP_POINTS:-"64:2:128 64:2:256 64:4:128 64:4:256 128:2:128 128:2:256 128:4:128 128:4:256"}
out=.plurel/sweep
mkdir -p "$out"
$PLUREL db start >/dev/null
if ! psql "$($PLUREL db url --database "$DATABASE")" -XqAtc "SELECT 1 FROM plurel_manifest LIMIT 1" >/dev/null 2>&1; then
  $PLUREL corpus --count 8 --seed 7 --database "$DATABASE" >&2
fi
printf '| d_model | layers | context | parameters | seconds | tokens/s | loss (last 20 steps) |\n|---|---|---|---|---|---|---|\n'
for point in $POINTS; do
  IFS=: read -r d l c <<<"$point"
  dir=$out/d${d}-l${l}-c${c}
  rm -rf "$dir"
  start=$(date +%s.%N)
  $PLUREL train --database "$DATABASE" --schemas 'plurel_*' --steps "$STEPS" --out "$dir" --d-model "$d" --layers "$l" --context "$c" \
    --tokens-per-batch "$TOKENS" --seed 1 >"$dir.log" 2>"$dir.err" || { echo "| $d | $l | $c | failed: $(tail -n 1 "$dir.err") |||"; continue; }
  end=$(date +%s.%N)
  params=$(grep -o '[0-9,]* parameters' "$dir.err" | head -n 1 | tr -d ', parameters')
  python3 - "$d" "$l" "$c" "$params" "$start" "$end" "$dir.log" "$STEPS" "$TOKENS" <<'PY'
import re, sys
d, l, c, params, start, end, log, steps, tokens = sys.argv[1:]
lines = [x for x in open(log) if x.startswith("step")]
last = lines[-1]
avg = float(re.search(r"avg20\s+([-0-9.]+)", last).group(1))
rates = [float(re.search(r"([0-9,]+) tokens/s", x).group(1).replace(",", "")) for x in lines[1:]]
rate = sorted(rates)[len(rates) // 2] if rates else float("nan")
secs = float(end) - float(start)
print(f"| {d} | {l} | {c} | {int(params):,} | {secs:.0f} | {rate:,.0f} | {avg:.4f} |")
PY
done
