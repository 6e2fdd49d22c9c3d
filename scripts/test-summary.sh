#!/usr/bin/env bash
# One closing line for the whole `dotnet test` run ("Tests: N passed, N failed, N skipped"), counted from the
# console logger's per-test lines, then the skipped tests with their reasons and the failed tests by name.
log=$1
passed=$(grep -cE '^\s+Passed ' "$log")
failed=$(grep -cE '^\s+Failed ' "$log")
skipped=$(grep -cE '^\s+Skipped ' "$log")
grep -E '^\s+Failed ' "$log" | sed -E 's/^\s+/failed: /'
grep -E '^\s+Skipped ' "$log" | sed -E 's/^\s+/skipped: /'
echo "Tests: $passed passed, $failed failed, $skipped skipped"
