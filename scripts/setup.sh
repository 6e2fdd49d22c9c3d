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
# PostGIS (and pgvector where the distribution has it) for every installed PostgreSQL major version: schemas that
# CREATE EXTENSION postgis / vector then load; without them those tests skip and populate names the missing package.
for bindir in /usr/lib/postgresql/*/bin; do
  [ -x "$bindir/initdb" ] || continue
  v=$(basename "$(dirname "$bindir")")
  [ -f "/usr/share/postgresql/$v/extension/postgis.control" ] || missing+=("postgresql-$v-postgis-3")
  [ -f "/usr/share/postgresql/$v/extension/vector.control" ] || missing+=("postgresql-$v-pgvector")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]} with apt-get"
  export DEBIAN_FRONTEND=noninteractive
  sudo_ apt-get update -qq
  # Extension packages the distribution does not carry (Debian 12 has no pgvector) are left out with a note.
  available=()
  for p in "${missing[@]}"; do
    case $p in
      postgresql-*-postgis-3|postgresql-*-pgvector)
        if apt-cache show "$p" >/dev/null 2>&1; then available+=("$p"); else echo "setup: $p is not available here; tests that need it are skipped"; fi ;;
      *) available+=("$p") ;;
    esac
  done
  [ ${#available[@]} -eq 0 ] || sudo_ apt-get install -y -qq --no-install-recommends "${available[@]}" >/dev/null
fi
# apt's postgresql package starts a system cluster on 5432; we never use it (the embedded one lives in ./.plurel).
id postgres >/dev/null 2>&1 || { echo "setup: no 'postgres' user after installing postgresql" >&2; exit 1; }
