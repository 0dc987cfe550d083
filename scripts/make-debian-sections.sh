#!/usr/bin/env bash
# Builds the Debian-sections dataset (package description -> Section) into data/debian-sections/
# (git-ignored): refreshes apt's lists with the English long descriptions when they are missing
# (needs root), then runs scripts/make-debian-sections.py. Arguments go to that script.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! ls /var/lib/apt/lists/*_i18n_Translation-en* >/dev/null 2>&1 \
    || ! ls /var/lib/apt/lists/*_Packages* >/dev/null 2>&1; then
  [ "$(id -u)" = 0 ] || { echo "make-debian-sections: apt's lists are missing; run as root or" \
    "run 'apt-get update -o Acquire::Languages=en' first" >&2; exit 2; }
  apt-get update -qq -o Acquire::Languages=en
fi
exec python3 scripts/make-debian-sections.py "$@"
