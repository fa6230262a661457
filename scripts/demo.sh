#!/usr/bin/env bash
# The quickstart against a local emulator: sets up .venv, starts the emulator, writes a
# sample Zarr cube, deploys examples/quickstart, renames, refreshes and destroys.
# Uses the pulumi CLI when it is on PATH, else drives the provider host as the engine does.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/venv.sh
ensure_venv "emulator"
exec .venv/bin/python scripts/demo.py "$@"
