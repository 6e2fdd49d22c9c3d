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
  DBS=${TRANSFER_DBS:-2}; PRE=${TRANSFER_PRETRAIN_STEPS:-4}; STEPS=${TRANSFER_STEPS:-2}; EVAL_DBS=${TRANSFER_EVAL_DBS:-1}; CELLS=${TRANSFER_CELLS:-5}
  EVAL_OPTS=(--resamples 50 --train-rows 300)
else
  EVAL_OPTS=()
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
  if ! $PLUREL eval --checkpoint "$ckpt" --database "$db" --cells "$CELLS" "${EVAL_OPTS[@]}" --json "$out/$name.json" "$@" >"$out/$name.txt" 2>"$out/$name.err"; then
    # Keep the model's scores when only the GBDT reference fails (the table then shows "—" for it); say so.
    log "$name: eval failed ($(grep -m 1 -i 'exception\|error' "$out/$name.err" || tail -n 1 "$out/$name.err")); again without the GBDT reference"
    $PLUREL eval --checkpoint "$ckpt" --database "$db" --cells "$CELLS" "${EVAL_OPTS[@]}" --json "$out/$name.json" "$@" --no-gbdt >"$out/$name.txt" 2>>"$out/$name.err"
  fi
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
python3 scripts/transfer_table.py "$out" "$DBS" "$PRE" "$STEPS" "${TARGETS[@]}"
