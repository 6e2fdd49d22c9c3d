#!/usr/bin/env bash
# The transfer experiment of issue 17: pretrain a Relational Transformer on synthetic PluRel databases, then on each real
# target (chinook, northwind with their real data) compare zero-shot, fine-tuned and trained-from-scratch models (same
# budget) on the same held-out cells, against the column mean and the GBDT references of `plurel eval`. Also scores the
# pretrained model on synthetic databases it never saw (boolean accuracy vs majority on non-constant columns).
# Budgets (environment): TRANSFER_DBS synthetic training databases, TRANSFER_PRETRAIN_STEPS, TRANSFER_STEPS (finetune and
# from-scratch steps per target), TRANSFER_EVAL_DBS held-out synthetic databases, TRANSFER_CELLS cells per column.
# The defaults are meant to fit ~30 minutes on an idle 2-core machine; TRANSFER_TINY=1 runs a smoke-sized version.
# Everything goes to .plurel/transfer/ (checkpoints, eval reports as text and JSON); re-running resumes the runs.
set -euo pipefail
cd "$(dirname "$0")/.."
PLUREL=${PLUREL:-./plurel}
CORPUS=${PLUREL_CORPUS:-../shared/corpus}
if [ "${TRANSFER_TINY:-0}" = 1 ]; then
  DBS=${TRANSFER_DBS:-2}; PRE=${TRANSFER_PRETRAIN_STEPS:-4}; STEPS=${TRANSFER_STEPS:-2}; EVAL_DBS=${TRANSFER_EVAL_DBS:-1}; CELLS=${TRANSFER_CELLS:-20}
else
  DBS=${TRANSFER_DBS:-16}; PRE=${TRANSFER_PRETRAIN_STEPS:-1500}; STEPS=${TRANSFER_STEPS:-300}; EVAL_DBS=${TRANSFER_EVAL_DBS:-4}; CELLS=${TRANSFER_CELLS:-200}
fi
PRESET=${TRANSFER_PRESET:-cpu}
TARGETS=(${TRANSFER_TARGETS:-chinook northwind})
out=.plurel/transfer
mkdir -p "$out"
log() { echo "[$(date -u +%H:%M:%S)] $*" >&2; }

$PLUREL db start >/dev/null
# 1. Real targets with their real data (loaded once; `plurel realism --load-real` recreates the database and runs the
#    file through psql, leaving its DROP/CREATE DATABASE and \c lines out).
for t in "${TARGETS[@]}"; do
  file=$CORPUS/postgres/$t.sql
  [ -f "$file" ] || { echo "transfer: $file is not here (set PLUREL_CORPUS)" >&2; exit 1; }
  if ! psql "$($PLUREL db url --database "transfer_$t")" -XqAtc "SELECT 1" >/dev/null 2>&1 || [ ! -f "$out/$t.loaded" ]; then
    log "loading $file into transfer_$t"
    PGOPTIONS='-c client_min_messages=warning' psql "$($PLUREL db url)" -XqAtc "DROP DATABASE IF EXISTS transfer_placeholder WITH (FORCE)" \
      -c "CREATE DATABASE transfer_placeholder" >/dev/null
    $PLUREL realism --real "transfer_$t" --generated transfer_placeholder --load-real "$file" >/dev/null
    touch "$out/$t.loaded"
  fi
done
# 2. Synthetic corpora: training databases and held-out ones (another seed, so other databases).
log "corpus: $DBS training databases, $EVAL_DBS held-out"
$PLUREL corpus --count "$DBS" --seed 1 --database transfer_corpus >"$out/corpus.log" 2>&1
$PLUREL corpus --count "$EVAL_DBS" --seed 9001 --database transfer_heldout >"$out/heldout.log" 2>&1
# 3. Pretraining.
log "pretraining $PRE steps (preset $PRESET)"
$PLUREL train --database transfer_corpus --schemas 'plurel_*' --steps "$PRE" --preset "$PRESET" --out "$out/pretrained" >"$out/pretrain.log" 2>"$out/pretrain.err"
evaluate() {  # checkpoint database json-name [extra eval options]
  local ckpt=$1 db=$2 name=$3; shift 3
  $PLUREL eval --checkpoint "$ckpt" --database "$db" --cells "$CELLS" --json "$out/$name.json" "$@" >"$out/$name.txt" 2>"$out/$name.err"
}
log "scoring the pretrained model on the held-out synthetic databases"
evaluate "$out/pretrained" transfer_heldout synthetic --schemas 'plurel_*' --no-gbdt
# 4. Per target: zero-shot, fine-tuned, from scratch (same steps and batch as fine-tuning, same model size), same cells.
for t in "${TARGETS[@]}"; do
  log "$t: zero-shot"
  evaluate "$out/pretrained" "transfer_$t" "$t.zero"
  log "$t: fine-tuning $STEPS steps"
  $PLUREL finetune --checkpoint "$out/pretrained" --database "transfer_$t" --steps "$STEPS" --out "$out/$t.finetuned" >"$out/$t.finetune.log" 2>"$out/$t.finetune.err"
  evaluate "$out/$t.finetuned" "transfer_$t" "$t.finetuned" --no-gbdt
  log "$t: from scratch $STEPS steps"
  $PLUREL train --database "transfer_$t" --steps "$STEPS" --preset "$PRESET" --exclude-held-out --out "$out/$t.scratch" >"$out/$t.scratch.log" 2>"$out/$t.scratch.err"
  evaluate "$out/$t.scratch" "transfer_$t" "$t.scratch" --no-gbdt
done
# 5. One table.
python3 - "$out" "$DBS" "$PRE" "$STEPS" "${TARGETS[@]}" <<'PY'
import json, sys
out, dbs, pre, steps, targets = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5:]
def pooled(name, kind, metric):
    r = json.load(open(f"{out}/{name}.json"))
    for d in r["databases"]:
        for c in d["pooled"]:
            if c["column"] == f"pooled {kind}" and c["metric"] == metric:
                return c
    return None
def v(c, key):
    e = (c or {}).get(key) or {}
    return e.get("value")
def f(x):
    return "—" if x is None else f"{x:.3f}"
print(f"transfer: pretrained on {dbs} synthetic databases for {pre} steps; fine-tuned and from scratch {steps} steps per target")
for kind, metric, base in (("number", "R²", "column mean"), ("boolean", "acc", "majority")):
    print(f"\n{kind} cells, {metric} on the held-out rows (pooled over columns)")
    print(f"| target | cells | RT zero-shot | RT fine-tuned | RT from scratch | {base} | GBDT row | GBDT row+parents |")
    print("|---|---|---|---|---|---|---|---|")
    for t in targets:
        z, ft, sc = pooled(f"{t}.zero", kind, metric), pooled(f"{t}.finetuned", kind, metric), pooled(f"{t}.scratch", kind, metric)
        cells = (z or {}).get("cells", 0)
        print(f"| {t} | {cells} | {f(v(z, 'model'))} | {f(v(ft, 'model'))} | {f(v(sc, 'model'))} | {f(v(z, 'baseline'))} | {f(v(z, 'gbdtRow'))} | {f(v(z, 'gbdtParents'))} |")
# Booleans on held-out synthetic databases, non-constant columns only (a constant column's majority is always right).
r = json.load(open(f"{out}/synthetic.json"))
n = hit = base = 0.0
for d in r["databases"]:
    for c in d["columns"]:
        if c.get("type") != "boolean" or c.get("metric") != "acc" or c.get("note"):
            continue
        b = v(c, "baseline")
        if b is None or b >= 1.0:
            continue
        n += c["cells"]; hit += c["cells"] * v(c, "model"); base += c["cells"] * b
if n:
    print(f"\nsynthetic held-out databases, non-constant boolean columns: {int(n)} cells, RT accuracy {hit / n:.3f} vs majority {base / n:.3f}")
else:
    print("\nsynthetic held-out databases: no non-constant boolean column scored")
PY
