# shellcheck shell=bash
# ensure_venv EXTRAS: create .venv if needed and install this package with the given extras.
ensure_venv() {
  local extras="$1" python="${PYTHON:-python3}"
  if [ ! -x .venv/bin/python ]; then
    echo "== creating .venv with $($python --version)"
    "$python" -m venv .venv
    .venv/bin/python -m pip install -q --upgrade pip
  fi
  echo "== installing pulumi-zarr[$extras] into .venv"
  .venv/bin/python -m pip install -q -c constraints.txt -e ".[$extras]"
}
