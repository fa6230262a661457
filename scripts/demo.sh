#!/usr/bin/env bash
# The quickstart against a local emulator: sets up .venv, starts the emulator, writes a sample
# Zarr cube, deploys examples/quickstart, renames, refreshes and destroys. Runs the real Pulumi
# CLI (built from Go modules by scripts/pulumi-cli.sh, or cached); without Go, it drives the
# provider host as the engine does.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/venv.sh
ensure_venv "emulator"
if cli_bin="$(bash scripts/pulumi-cli.sh | tail -n 1)" && [ -x "$cli_bin/pulumi" ]; then
  export PATH="$cli_bin:$PATH"
fi
exec .venv/bin/python scripts/demo.py "$@"
