#!/usr/bin/env bash
# Adds up the per-assembly lines of `dotnet test` into one closing line: "N passed, N failed, N skipped".
log=$1
awk '
  /^(Passed|Failed)!/ {
    for (i = 1; i <= NF; i++) {
      v = $(i+1); gsub(/,/, "", v)
      if ($i == "Failed:") f += v; else if ($i == "Passed:") p += v; else if ($i == "Skipped:") s += v
    }
  }
  END { printf "Tests: %d passed, %d failed, %d skipped\n", p, f, s }' "$log"
grep -E "^\s+Skipped " "$log" | sed 's/^\s*/skipped: /' || true
