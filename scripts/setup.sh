#!/usr/bin/env bash
# Installs the system packages PluRelSql needs when they are missing (Debian/Ubuntu, as root or with sudo).
set -euo pipefail
sudo_() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
missing=()
have_pg_server() {
  command -v pg_config >/dev/null && [ -x "$(pg_config --bindir)/initdb" ] && return 0
  compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null
}
have_pg_server || missing+=(postgresql)
command -v psql >/dev/null || missing+=(postgresql-client)
command -v readelf >/dev/null || missing+=(binutils)
command -v python3 >/dev/null || missing+=(python3)   # make bench parses its figures with it
# Plots (ScottPlot on SkiaSharp's NoDependencies build) draw text with a TrueType font from /usr/share/fonts.
compgen -G "/usr/share/fonts/truetype/*/*.ttf" >/dev/null || missing+=(fonts-dejavu-core)
# The CLI runs with ICU (SqlClient refuses .NET's invariant-globalization mode); Debian 12 ships it as libicu72.
ldconfig -p 2>/dev/null | grep -q 'libicuuc\.so' || missing+=(libicu72)
updated=0
install() {
  [ $# -gt 0 ] || return 0
  echo "setup: installing $* with apt-get"
  export DEBIAN_FRONTEND=noninteractive
  if [ $updated = 0 ]; then sudo_ apt-get update -qq; updated=1; fi
  sudo_ apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}
install "${missing[@]}"

# PostGIS for every installed PostgreSQL major version (after the server itself, so a fresh machine needs one run), and
# pgvector where the distribution carries it (Debian 12 does not: looked up in apt's lists, so its absence costs no
# `apt-get update` on every run). Schemas that CREATE EXTENSION postgis / vector then load; without them those tests
# skip and populate names the missing package.
extensions=()
for bindir in /usr/lib/postgresql/*/bin; do
  [ -x "$bindir/initdb" ] || continue
  v=$(basename "$(dirname "$bindir")")
  [ -f "/usr/share/postgresql/$v/extension/postgis.control" ] || extensions+=("postgresql-$v-postgis-3")
  if [ ! -f "/usr/share/postgresql/$v/extension/vector.control" ] && apt-cache show "postgresql-$v-pgvector" >/dev/null 2>&1; then
    extensions+=("postgresql-$v-pgvector")
  fi
done
install "${extensions[@]}"
# apt's postgresql package starts a system cluster on 5432; we never use it (the embedded one lives in ./.plurel).
id postgres >/dev/null 2>&1 || { echo "setup: no 'postgres' user after installing postgresql" >&2; exit 1; }
