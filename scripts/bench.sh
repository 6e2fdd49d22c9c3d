#!/usr/bin/env bash
# Load-speed benchmark: plurel populate vs `pgbench -i -s 30` on the same embedded server, in the same run.
# Machines are shared and noisy, so each side runs ROUNDS times alternately and the best of each is compared.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-2}
PLUREL=./plurel
ROWS=(--rows branch=100 --rows teller=1000 --rows account=2000000 --rows transfer=1000000)

# A fresh start, so the cluster runs with the current settings.
$PLUREL db stop >/dev/null 2>&1 || true
$PLUREL db start >/dev/null
url=$($PLUREL db url)
# The cluster wants its password: pgbench takes the URI (which carries it) as its database argument.
bench_url=$($PLUREL db url --database pgbench_bench)
bindir=$(pg_config --bindir 2>/dev/null || true)
[ -x "$bindir/pgbench" ] || bindir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
psql "$url" -qAtc "DROP DATABASE IF EXISTS pgbench_bench WITH (FORCE)" -c "CREATE DATABASE pgbench_bench"

now() { date +%s.%N; }
best_plurel=0; best_pgbench=0; best_pgbench_fk=0
for round in $(seq 1 "$ROUNDS"); do
  $PLUREL populate --schema schemas/bench.sql --database bench --recreate "${ROWS[@]}" --sizing uniform --seed "$round" \
    --report .plurel/bench-report.json >/dev/null 2>.plurel/bench-populate.log
  rate=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["rowsPerSecond"])' .plurel/bench-report.json)
  rows=$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(r["totalRows"], "rows in %.2f s (create %.2f, copy %.2f, constrain %.2f)" % (r["seconds"], r["createSeconds"], r["copySeconds"], r["constrainSeconds"]))' .plurel/bench-report.json)
  echo "round $round plurel populate: $rows -> $(printf '%.0f' "$rate") rows/s"
  best_plurel=$(python3 -c "print(max($best_plurel, $rate))")

  t0=$(now)
  "$bindir/pgbench" -i -s 30 -q "$bench_url" >/dev/null 2>.plurel/bench-pgbench.log
  t1=$(now)
  pg_rate=$(python3 -c "print(3000330 / ($t1 - $t0))")
  echo "round $round pgbench -i -s 30: 3000330 rows in $(python3 -c "print('%.2f' % ($t1 - $t0))") s -> $(printf '%.0f' "$pg_rate") rows/s"
  best_pgbench=$(python3 -c "print(max($best_pgbench, $pg_rate))")

  # The same with foreign keys, as our schema has them (pgbench's own "f" init step).
  t0=$(now)
  "$bindir/pgbench" -i -s 30 -q --foreign-keys "$bench_url" >/dev/null 2>>.plurel/bench-pgbench.log
  t1=$(now)
  fk_rate=$(python3 -c "print(3000330 / ($t1 - $t0))")
  echo "round $round pgbench -i -s 30 --foreign-keys: 3000330 rows in $(python3 -c "print('%.2f' % ($t1 - $t0))") s -> $(printf '%.0f' "$fk_rate") rows/s"
  best_pgbench_fk=$(python3 -c "print(max($best_pgbench_fk, $fk_rate))")
done
python3 - "$best_plurel" "$best_pgbench" "$best_pgbench_fk" <<'PY'
import sys
p, g, f = (float(x) for x in sys.argv[1:4])
print(f"best plurel populate (4 PK, 3 FK, 1 CHECK): {p:,.0f} rows/s")
print(f"best pgbench -i -s 30 (3 PK)             : {g:,.0f} rows/s")
print(f"best pgbench -i -s 30 --foreign-keys     : {f:,.0f} rows/s")
print(f"ratio plurel / pgbench -i                : {p / g:.2f}x (goal >= 0.75x)")
print(f"ratio plurel / pgbench -i --foreign-keys : {p / f:.2f}x")
PY

# The PluRel engine (a): 16 sampled ten-table databases, generated and loaded with every constraint. The reference
# to beat is the original PluRel generating such databases in memory, single-threaded: 1,724 rows/s recorded on our
# machines (issue 4; a later side-by-side run measured 1,630). PLUREL_ORIGINAL_ROWS_PER_S replaces the figure with one
# measured live in the same session.
ORIGINAL=${PLUREL_ORIGINAL_ROWS_PER_S:-1724}
psql "$url" -qAtc "DROP DATABASE IF EXISTS bench_corpus WITH (FORCE)"
corpus=$($PLUREL corpus --count 16 --seed 1 --tables-range 10-10 --database bench_corpus 2>.plurel/bench-corpus.log | tail -n 1)
echo "plurel $corpus"
python3 - "$corpus" "$ORIGINAL" <<'PY'
import re, sys
m = re.search(r"\(([\d,]+) rows/s", sys.argv[1])
rate, original = float(m.group(1).replace(",", "")), float(sys.argv[2])
print(f"ratio plurel corpus / the original PluRel ({original:,.0f} rows/s, in memory): {rate / original:.1f}x")
PY
# The same corpus with tabulated numeric encoders (--encoders tabulated, issue 16), in the same run.
psql "$url" -qAtc "DROP DATABASE IF EXISTS bench_corpus_tab WITH (FORCE)"
corpus_tab=$($PLUREL corpus --count 16 --seed 1 --tables-range 10-10 --encoders tabulated --database bench_corpus_tab 2>.plurel/bench-corpus-tab.log | tail -n 1)
psql "$url" -qAtc "DROP DATABASE IF EXISTS bench_corpus_tab WITH (FORCE)"
python3 - "$corpus" "$corpus_tab" "$ORIGINAL" <<'PY'
import re, sys
exact, tab = (float(re.search(r"\(([\d,]+) rows/s", a).group(1).replace(",", "")) for a in sys.argv[1:3])
original = float(sys.argv[3])
print(f"plurel corpus --encoders tabulated: {tab:,.0f} rows/s = {tab / exact:.2f}x exact (same run), "
      f"{tab / original:.1f}x the original's {original:,.0f} rows/s (goal >= 100x)")
PY
# The engine's irreducible work: multiply-adds in the frozen MLPs (the spec's cost model, counted), per row, and the
# ceiling it sets: every core at the engine's own matrix-kernel rate doing nothing but those multiply-adds.
mlp=$(grep -h '^frozen MLPs' .plurel/bench-corpus.log || true)
echo "plurel corpus $mlp"
kernel=$(PLUREL_BENCH=1 dotnet test tests/PluRelSql.Generation.Tests -c Release --no-build -v q -nologo \
  --filter "FullyQualifiedName~Matrix_kernel" --logger "console;verbosity=detailed" 2>/dev/null | grep -m1 -o 'matrix kernel: [0-9.]* G' || true)
python3 - "$corpus" "$mlp" "$kernel" "$(nproc)" "$ORIGINAL" <<'PY'
import re, sys
corpus, mlp, kernel, cores, original = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), float(sys.argv[5])
if not (mlp and kernel):
    sys.exit(0)
rows = float(re.search(r"([\d,]+) new rows", corpus).group(1).replace(",", ""))
rate_now = float(re.search(r"\(([\d,]+) rows/s", corpus).group(1).replace(",", ""))
fmas = float(re.search(r"([\d.]+) G in all", mlp).group(1)) * 1e9
rate = float(re.search(r"([\d.]+) G", kernel).group(1)) * 1e9
floor = fmas / (rate * cores)
ceiling = rows / floor
print(f"{kernel} multiply-adds/s per core; the corpus's frozen MLPs alone need {floor:.1f} s on {cores} cores: "
      f"a ceiling of {ceiling:,.0f} rows/s = {ceiling / original:.0f}x the original for any exact engine here")
print(f"plurel corpus: {rate_now:,.0f} rows/s = {rate_now / ceiling * 100:.0f} % of ceiling ({ceiling:,.0f} rows/s; goal >= 50 %)")
PY

# The PluRel engine (b): one large sampled database (>= 10 million rows) next to pgbench -i with about as many rows,
# in the same run, and plurel's peak RSS. Seed 21 is the ten-table sampled database with the lightest SCMs among seeds
# 1-60 (52 SCM nodes+edges per row against a median of 287), which keeps a 10-million-row run to minutes; heavier
# seeds cost proportionally more generator time and the same memory. PLUREL_BENCH_SCALE shrinks it for a quick look.
# The issue's goal for this ratio is with tabulated encoders; PLUREL_BENCH_SAMPLE_ENCODERS=exact measures the exact engine.
SCALE=${PLUREL_BENCH_SCALE:-955}
SAMPLE_ENCODERS=${PLUREL_BENCH_SAMPLE_ENCODERS:-tabulated}
sample=$($PLUREL sample --seed 21 --tables 10 --scale "$SCALE" --encoders "$SAMPLE_ENCODERS" --database bench_sample 2>.plurel/bench-sample.log | tail -n 1)
echo "plurel sample --seed 21 --tables 10 --scale $SCALE --encoders $SAMPLE_ENCODERS: $sample"
grep -h '^frozen MLPs' .plurel/bench-sample.log | sed 's/^/plurel sample /'
psql "$url" -qAtc "DROP DATABASE IF EXISTS bench_sample WITH (FORCE)"
rows=$(python3 -c 'import re,sys; print(re.search(r"loaded ([\d,]+) rows", sys.argv[1]).group(1).replace(",", ""))' "$sample")
pgscale=$(( (rows + 99999) / 100000 ))
t0=$(now)
"$bindir/pgbench" -i -s "$pgscale" -q "$bench_url" >/dev/null 2>>.plurel/bench-pgbench.log
t1=$(now)
python3 - "$sample" "$pgscale" "$t0" "$t1" <<'PY'
import re, sys
sample, scale, t0, t1 = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
rate = float(re.search(r"\(([\d,]+) rows/s\)", sample).group(1).replace(",", ""))
rss = re.search(r"peak RSS (\d+) MiB", sample).group(1)
pg_rows = scale * 100000 + scale * 10 + scale
pg_rate = pg_rows / (t1 - t0)
print(f"pgbench -i -s {scale}: {pg_rows:,} rows in {t1 - t0:.2f} s -> {pg_rate:,.0f} rows/s")
print(f"ratio plurel sample / pgbench -i: {rate / pg_rate:.2f}x (goal >= 0.5x); plurel peak RSS {rss} MiB (goal < 1024 MiB at 10M rows)")
# Where the sample's time goes: COPY includes waiting for the generator; the generator's own thread time is beside it.
m = re.search(r"in ([\d.]+) s .*create ([\d.]+) s, copy ([\d.]+) s \(of which waiting for the generator ([\d.]+) s; "
              r"generator thread time ([\d.]+) s\), constrain ([\d.]+) s", sample)
if m:
    total, create, copy, wait, gen, constrain = (float(g) for g in m.groups())
    print(f"plurel sample split of {total:.1f} s: create {create:.1f} s, COPY {copy - wait:.1f} s, waiting for the generator "
          f"{wait:.1f} s, indexes/constraints {constrain:.1f} s; generator thread time {gen:.1f} s")
PY
PY

# The trainer: tokens/s of a training step and its share of plain matmul FLOP/s on this CPU (one torch thread).
$PLUREL bench-train --threads 1

# Realism (issue 15): the six corpus data sets loaded with their real data, the same schemas populated (seed 42),
# per database "plausible/total (xx %), table-size Spearman r" and the implausible columns with their reasons.
echo "realism (goal: >= 80 % plausible columns and table-size Spearman >= 0.8 on every data set):"
scripts/realism.sh | sed 's/^/  /'
