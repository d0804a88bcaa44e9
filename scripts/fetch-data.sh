#!/usr/bin/env bash
# Fetch the real data sets (docs/methods.md, data sets) from Debian packages WITHOUT installing them:
# `apt-get download` the .deb, `dpkg-deb -x` it into the axhw data cache. Idempotent.
# Data dir: $AXHW_DATA_DIR, else ${XDG_CACHE_HOME:-~/.cache}/axhw/data (what src/data/datasets.ts reads).
# Usage: bash scripts/fetch-data.sh [package ...]   (default: all four)
set -euo pipefail
DATA="${AXHW_DATA_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/axhw/data}"
PKGS=("$@")
[ ${#PKGS[@]} -gt 0 ] || PKGS=(python3-sklearn weka r-cran-mlbench dataset-fashion-mnist)
mkdir -p "$DATA/root"
updated=0
for pkg in "${PKGS[@]}"; do
  if [ -f "$DATA/.done-$pkg" ]; then echo "fetch-data: $pkg already extracted"; continue; fi
  tmp=$(mktemp -d)
  chmod 777 "$tmp"   # apt's sandbox user writes the download here
  if ! (cd "$tmp" && apt-get download -qq "$pkg" 2>/dev/null); then
    if [ $updated -eq 0 ]; then apt-get update -qq >/dev/null 2>&1 || true; updated=1; fi
    (cd "$tmp" && apt-get download -qq "$pkg") || { echo "fetch-data: apt-get download $pkg failed (is a Debian package mirror reachable?)" >&2; rm -rf "$tmp"; exit 1; }
  fi
  dpkg-deb -x "$tmp"/*.deb "$DATA/root"
  rm -rf "$tmp"
  touch "$DATA/.done-$pkg"
  echo "fetch-data: $pkg -> $DATA/root"
done
