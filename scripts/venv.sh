# shellcheck shell=bash
# ensure_venv EXTRAS [DIR] [PULUMI_VERSION]: create DIR (default .venv) if needed and install
# this package with the given extras from constraints.txt; PULUMI_VERSION replaces its pulumi pin.
ensure_venv() {
  local extras="$1" dir="${2:-.venv}" pulumi_version="${3:-}" python="${PYTHON:-python3}"
  local constraints=constraints.txt
  if [ ! -x "$dir/bin/python" ]; then
    echo "== creating $dir with $($python --version)"
    "$python" -m venv "$dir"
    "$dir/bin/python" -m pip install -q --upgrade pip
  fi
  if [ -n "$pulumi_version" ]; then
    constraints="$dir/constraints.txt"
    sed "s/^pulumi==.*/pulumi==$pulumi_version/" constraints.txt > "$constraints"
  fi
  # the install is editable: only the metadata (pyproject, pins, extras) can make it stale
  local stamp="$dir/.pulumi-zarr-installed" want
  want="$extras $pulumi_version $(cat pyproject.toml constraints.txt | cksum)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    echo "== $dir has pulumi-zarr[$extras]${pulumi_version:+ with pulumi $pulumi_version}"
    return 0
  fi
  echo "== installing pulumi-zarr[$extras] into $dir${pulumi_version:+ with pulumi $pulumi_version}"
  "$dir/bin/python" -m pip install -q -c "$constraints" -e ".[$extras]"
  echo "$want" > "$stamp"
}

# The oldest pulumi SDK pyproject.toml accepts (its `pulumi>=X` bound).
oldest_pulumi() {
  sed -n 's/^ *"pulumi>=\([0-9.]*\),.*/\1/p' pyproject.toml
}
