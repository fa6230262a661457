#!/usr/bin/env bash
# Sets up .venv (the package with its emulator and dev extras) and the real Pulumi CLI (built from
# Go modules by scripts/pulumi-cli.sh, with the SDK generators of scripts/pulumi-codegen.sh; both
# cached outside the repo), then runs lint + the test suite.
# Usage: bash scripts/test.sh [pytest args...]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/venv.sh
ensure_venv "dev"
echo "== pulumi CLI (the real engine, for tests/e2e)"
if cli_bin="$(bash scripts/pulumi-cli.sh | tail -n 1)" && [ -x "$cli_bin/pulumi" ]; then
  export PATH="$cli_bin:$PATH"
  echo "using $(pulumi version) from $cli_bin"
  echo "== SDK generators (pulumi package gen-sdk --language nodejs|go, for tests/e2e)"
  if codegen_bin="$(bash scripts/pulumi-codegen.sh | tail -n 1)" \
      && [ -x "$codegen_bin/pulumi-language-nodejs" ]; then
    export PATH="$codegen_bin:$PATH"
  elif [ "${CI:-}" = true ]; then
    echo "CI runs gen-sdk: the SDK generators could not be built (see above)" >&2
    exit 1
  else
    echo "no SDK generators: the gen-sdk tests in tests/e2e will be skipped (see above)" >&2
  fi
elif [ "${CI:-}" = true ]; then
  echo "CI runs the real-CLI journeys: the Pulumi CLI could not be built (see above)" >&2
  exit 1
else
  echo "no Pulumi CLI: the real-CLI tests in tests/e2e will be skipped (see above)" >&2
fi
echo "== ruff"
.venv/bin/ruff check .
echo "== pytest"
exec .venv/bin/python -m pytest "$@"
