#!/usr/bin/env bash
# One closing line for the whole `dotnet test` run ("Tests: N passed, N failed, N skipped"), counted from the
# console logger's per-test lines, then the skipped tests with their reasons and the failed tests by name.
log=$1
passed=$(grep -cE '^\s+Passed ' "$log")
failed=$(grep -cE '^\s+Failed ' "$log")
skipped=$(grep -cE '^\s+Skipped ' "$log")
grep -E '^\s+Failed ' "$log" | sed -E 's/^\s+/failed: /'
# xunit prints the reason on the line after "[SKIP]".
awk '/\[SKIP\]$/ { name = $0; sub(/^\[xUnit[^]]*\][ \t]+/, "", name); sub(/ \[SKIP\]$/, "", name); getline reason;
     sub(/^\[xUnit[^]]*\][ \t]+/, "", reason); print "skipped: " name " (" reason ")" }' "$log" | sort -u
echo "Tests: $passed passed, $failed failed, $skipped skipped"
