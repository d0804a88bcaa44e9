#!/usr/bin/env bash
# Set up axhw on Debian/Ubuntu: system tools (apt-get) and npm dependencies, then build the CLI.
# Idempotent: installs only what is missing; safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

LIBERTY=/usr/share/qflow/tech/osu018/osu018_stdcells.lib
missing=()
command -v verilator >/dev/null || missing+=(verilator)
command -v yosys >/dev/null || missing+=(yosys)
command -v sta >/dev/null || missing+=(opensta)
[ -f "$LIBERTY" ] || missing+=(qflow-tech-osu018)
command -v g++ >/dev/null || missing+=(g++)
command -v make >/dev/null || missing+=(make)
# ccache: Verilator's builds take the objects compiled before (its runtime, the same in every build) instead of compiling them again.
command -v ccache >/dev/null || missing+=(ccache)
# Icarus Verilog: event-driven simulation with the cells' specify delays (--power sim-delay).
command -v iverilog >/dev/null || missing+=(iverilog)
# Debian's Chromium: the browser test of the HTML report (Playwright drives it; nothing is downloaded).
[ -x /usr/bin/chromium ] || missing+=(chromium)
# ONNX's own backend test data: the ONNX importer's conformance test (test/onnx/conformance.test.ts).
[ -d /usr/share/libonnx-testdata/data ] || missing+=(libonnx-testdata)
# Slurm and munge: the scale-out test starts its own one-node cluster (test/shard/slurm.test.ts); axhw never needs them.
command -v slurmctld >/dev/null || missing+=(slurm-wlm)
command -v munged >/dev/null || missing+=(munge)

if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]} with apt-get"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "setup: need root or sudo to install ${missing[*]}" >&2; exit 1; }
    SUDO=sudo
  fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "setup: verilator, yosys, opensta, qflow-tech-osu018, ccache, iverilog, chromium, libonnx-testdata, slurm-wlm, munge already installed"
fi

if ! command -v node >/dev/null || [ "$(node -p 'process.versions.node.split(".")[0]')" -lt 20 ]; then
  echo "setup: Node.js >= 20 is required (found: $(node --version 2>/dev/null || echo none)). Install it from https://nodejs.org or your distribution." >&2
  exit 1
fi

# npm ci reinstalls exactly the lock file; skip it when node_modules already matches the lock.
if [ ! -f node_modules/.package-lock.json ] || ! cmp -s <(node -p 'JSON.stringify(require("./package-lock.json").packages)') <(node -p 'const l=require("./node_modules/.package-lock.json").packages; JSON.stringify(Object.assign({"": require("./package-lock.json").packages[""]}, l))'); then
  echo "setup: npm ci"
  npm ci --no-audit --no-fund --loglevel=error
fi
npm run --silent build
# `axhw` on the PATH, so the README's bare `axhw ...` works from any folder (a link to this checkout:
# a later build here is what it runs). npm link needs write access to npm's global prefix.
if [ "$(readlink -f "$(command -v axhw 2>/dev/null)" 2>/dev/null)" != "$(readlink -f bin/axhw.js)" ]; then
  if npm link --no-audit --no-fund --loglevel=error >/dev/null 2>&1; then
    echo "setup: linked axhw onto the PATH ($(command -v axhw))"
  else
    echo "setup: could not link axhw onto the PATH (no write access to $(npm prefix -g)): run 'sudo npm link' here, or use 'npx axhw' inside this folder" >&2
  fi
fi
# The real data sets for training (Debian packages' files, extracted without installing them).
bash scripts/fetch-data.sh
echo "setup: done ($(verilator --version | head -1); $(yosys -V); sta $(sta -version 2>/dev/null || echo '?'))"
