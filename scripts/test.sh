#!/usr/bin/env bash
# Sets up .venv (the package with its emulator and dev extras) and the real Pulumi CLI (built from
# Go modules by scripts/pulumi-cli.sh, with the Node.js and Go hosts of scripts/pulumi-languages.sh;
# cached outside the repo), then runs lint + the test suite on TEST_WORKERS pytest-xdist workers
# (default 5: the real-CLI tests often wait; docs/testing.md). Alongside, the tests marked
# oldest_sdk run a second time on the oldest pulumi SDK pyproject accepts (.venv-oldest), and those
# marked aws_example in .venv-aws (examples/aws-bucket's pulumi-aws, kept out of .venv).
# Usage: bash scripts/test.sh [pytest args...]
set -euo pipefail
cd "$(dirname "$0")/.."
# Python's default: bytecode written as modules are first imported. Where the environment says
# otherwise, each of the hundreds of processes the suite starts (programs, provider hosts,
# plugins, `pip list`) would compile everything it imports anew.
unset PYTHONDONTWRITEBYTECODE
source scripts/venv.sh
ensure_venv "dev"
echo "== pulumi CLI (the real engine, for tests/e2e)"
if cli_bin="$(bash scripts/pulumi-cli.sh | tail -n 1)" && [ -x "$cli_bin/pulumi" ]; then
  export PATH="$cli_bin:$PATH"
  echo "using $(pulumi version) from $cli_bin"
  echo "== language hosts (Node.js, Go: programs, gen-sdk and package add, for tests/e2e)"
  if lang_bin="$(bash scripts/pulumi-languages.sh | tail -n 1)" \
      && [ -x "$lang_bin/pulumi-language-nodejs" ] && [ -x "$lang_bin/pulumi-language-go" ]; then
    export PATH="$lang_bin:$PATH"
  elif [ "${CI:-}" = true ]; then
    echo "CI runs the TypeScript and Go programs: the language hosts could not be built (see above)" >&2
    exit 1
  else
    echo "no Node.js/Go language hosts: their tests in tests/e2e will be skipped (see above)" >&2
  fi
elif [ "${CI:-}" = true ]; then
  echo "CI runs the real-CLI journeys: the Pulumi CLI could not be built (see above)" >&2
  exit 1
else
  echo "no Pulumi CLI: the real-CLI tests in tests/e2e will be skipped (see above)" >&2
fi
echo "== ruff"
.venv/bin/ruff check .
# The two small runs (and their virtualenvs) go alongside the main one, whose workers often
# wait on the engine (they would add ~20 s after it); their output is shown after the main run's.
side="$(mktemp -d)"
trap 'rm -rf "$side"' EXIT
(
  oldest="$(oldest_pulumi).0"
  layered_venv .venv-oldest "$oldest"
  echo "== pytest -m oldest_sdk on the oldest supported pulumi SDK ($oldest)"
  .venv-oldest/bin/python -m pytest -q -p no:cacheprovider -n 2 --dist loadgroup \
    -m oldest_sdk tests/provider tests/native
) > "$side/oldest" 2>&1 &
oldest_run=$!
(
  aws_venv .venv-aws
  echo "== pytest -m aws_example in .venv-aws (examples/aws-bucket with pulumi-aws)"
  .venv-aws/bin/python -m pytest -q -p no:cacheprovider -m aws_example tests/unit tests/distribution
) > "$side/aws" 2>&1 &
aws_run=$!
echo "== pytest"
status=0
.venv/bin/python -m pytest -n "${TEST_WORKERS:-5}" --dist loadgroup "$@" || status=$?
wait "$oldest_run" || status=$((status ? status : $?))
cat "$side/oldest"
wait "$aws_run" || status=$((status ? status : $?))
cat "$side/aws"
exit "$status"
