#!/usr/bin/env bash
# usage: scripts/samebytes.sh CHECKOUT OUTFILE: loads fixed seeds with CHECKOUT's built plurel (its own embedded
# cluster) and writes hashes of every table, schema dump and `convert` output of the corpus. Two checkouts that should
# behave the same (a refactor) must give identical files: `diff before.txt after.txt`.
set -euo pipefail
co=$(cd "$1" && pwd); out=$2
cd "$co"
P=./plurel
$P db start >/dev/null
url() { $P db url --database "$1"; }
S=$(cd "${PLUREL_CORPUS:-$co/../shared/corpus}" && pwd)
run() { echo "== $*" >&2; "$@" >/dev/null 2>/tmp/samebytes.err || { cat /tmp/samebytes.err; exit 1; }; }
run $P sample --seed 7 --tables 10 --database sb_sample
run $P populate --schema $S/postgres/pagila-schema.sql --database sb_pagila --recreate --rows 2000 --seed 42
run $P populate --schema $S/postgres/chinook.sql --database sb_chinook_plurel --recreate --rows 1500 --seed 3 --engine plurel
run $P populate --schema $S/tsql/pubs.sql --database sb_pubs --recreate --rows 500 --seed 5 --fit-rows
run $P populate --schema $S/wild/tsql-omop-cdm.sql --database sb_omop --recreate --rows 300 --seed 9
run $P populate --schema $S/wild/pg-safecast.sql --database sb_safecast --recreate --rows 400 --seed 11 --engine plurel
: > "$out"
for db in sb_sample sb_pagila sb_chinook_plurel sb_pubs sb_omop sb_safecast; do
  u=$(url $db)
  echo "$db schema $(pg_dump --schema-only --no-owner "$u" | grep -v -e '^--' -e '^.restrict' -e '^.unrestrict' | md5sum | cut -c1-16)" >> "$out"
  all=""
  for t in $(psql -Atq "$u" -c "select format('%I.%I', schemaname, tablename) from pg_tables where schemaname not in ('pg_catalog','information_schema') order by 1"); do
    h=$(psql -Atq "$u" -c "\copy (select * from $t) to stdout" | LC_ALL=C sort | md5sum | cut -c1-16)
    n=$(psql -Atq "$u" -c "select count(*) from $t")
    echo "$db $t $n $h" >> "$out"; all="$all$h"
  done
  echo "$db ALL $(echo "$all" | md5sum | cut -c1-16)" >> "$out"
done
for f in $S/postgres/*.sql $S/tsql/*.sql $S/wild/*.sql; do
  for to in postgres tsql; do
    h=$( { $P convert --schema "$f" --to $to 2>&1 || echo "exit $?"; } | md5sum | cut -c1-16)
    echo "convert $(basename $f) $to $h" >> "$out"
  done
done
inspect=$( { $P inspect --schema $S/postgres/pagila-schema.sql --format json 2>&1 || true; } | md5sum | cut -c1-16); echo "inspect pagila $inspect" >> "$out"
grep ALL "$out"
