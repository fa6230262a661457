# shellcheck shell=bash
# uv installs the environments (pip took 90 s for .venv on a fresh machine, uv 20 s). It
# compiles no bytecode: Python writes it as modules are first imported.
UV_VERSION=0.13.8

# installed STAMP WANT: whether the environment's STAMP file records WANT (what, from which pins).
installed() { [ -f "$1" ] && [ "$(cat "$1")" = "$2" ]; }
pins() { cat pyproject.toml constraints.txt | cksum; }

# ensure_venv EXTRAS [DIR]: create DIR (default .venv) if needed and install this package
# (editable) with the given extras, at the versions of constraints.txt.
ensure_venv() {
  local extras="$1" dir="${2:-.venv}" python="${PYTHON:-python3}"
  if [ ! -x "$dir/bin/python" ]; then
    echo "== creating $dir with $($python --version)"
    "$python" -m venv "$dir"  # with pip: Pulumi's Python language host runs `pip list`
  fi
  # the install is editable: only the metadata (pyproject, pins, extras) can make it stale
  local stamp="$dir/.pulumi-zarr-installed" want
  want="$extras $(pins)"
  if installed "$stamp" "$want"; then
    echo "== $dir has pulumi-zarr[$extras]"
    return 0
  fi
  echo "== installing pulumi-zarr[$extras] into $dir"
  if [ "$("$dir/bin/python" -m uv --version 2>/dev/null)" != "uv $UV_VERSION" ]; then
    "$dir/bin/python" -m pip install -q "uv==$UV_VERSION"
  fi
  "$dir/bin/python" -m uv pip install -q --python "$dir/bin/python" -c constraints.txt \
    -e ".[$extras]"
  # the dev extra had pulumi-aws until it moved to .venv-aws (aws_venv): here, every Python program
  # the real CLI runs would have the engine fetch the `aws` plugin
  "$dir/bin/python" -m uv pip uninstall -q --python "$dir/bin/python" pulumi-aws 2>/dev/null || true
  echo "$want" > "$stamp"
}

# layer DIR PIP_ARGS...: a new virtualenv DIR whose own site-packages (installed with PIP_ARGS,
# without dependencies) come before .venv's (a .pth adds them after its own).
layer() {
  local dir="$1" python="${PYTHON:-python3}" own base
  shift
  rm -rf "$dir"
  "$python" -m venv --without-pip "$dir"
  own="$("$dir/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
  base="$(.venv/bin/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
  echo "import site; site.addsitedir('$base')" > "$own/pulumi-zarr-dev-venv.pth"
  # uv (ensure_venv put it in .venv): pip took 16 s of CPU for pulumi-aws alone, most of it
  # compiling bytecode that Python writes anyway for the few modules a test imports
  .venv/bin/python -m uv pip install -q --python .venv/bin/python --no-deps --target "$own" "$@"
}

# layered_venv DIR PULUMI_VERSION: a virtualenv holding only that pulumi SDK, on top of .venv
# (a .pth adds .venv's site-packages after its own): the oldest-SDK run needs no second install
# of everything. The SDK's own requirements must be met by .venv's versions: checked here.
layered_venv() {
  local dir="$1" version="$2"
  local stamp="$dir/.pulumi-zarr-installed" want
  want="layered $version $(pins)"
  if installed "$stamp" "$want"; then
    echo "== $dir has pulumi $version on top of .venv"
    return 0
  fi
  echo "== creating $dir: pulumi $version on top of .venv"
  layer "$dir" "pulumi==$version"
  "$dir/bin/python" - "$version" <<'PY'
import importlib.metadata as metadata
import sys

from packaging.requirements import Requirement

assert metadata.version("pulumi") == sys.argv[1], metadata.version("pulumi")
for text in metadata.requires("pulumi") or []:
    req = Requirement(text)
    if req.marker is None or req.marker.evaluate():
        have = metadata.version(req.name)
        if not req.specifier.contains(have, prereleases=True):
            sys.exit(f"pulumi {sys.argv[1]} needs {req}; .venv has {req.name} {have}")
PY
  echo "$want" > "$stamp"
}

# The oldest pulumi SDK pyproject.toml accepts (its `pulumi>=X` bound).
oldest_pulumi() {
  sed -n 's/^ *"pulumi>=\([0-9.]*\),.*/\1/p' pyproject.toml
}

# checked_layer DIR WANT WHAT PIP_ARGS...: unless DIR's stamp records WANT, `layer DIR PIP_ARGS...`
# (WHAT, for the messages), then every requirement of what DIR then holds is checked.
checked_layer() {
  local dir="$1" want="$2" what="$3" stamp="$1/.pulumi-zarr-installed"
  shift 3
  if installed "$stamp" "$want"; then
    echo "== $dir has $what on top of .venv"
    return 0
  fi
  echo "== creating $dir: $what on top of .venv"
  layer "$dir" "$@"
  "$dir/bin/python" -m pip check --disable-pip-version-check >&2
  echo "$want" > "$stamp"
}

# policy_venv DIR: the policy pack's environment (policies/constraints.txt: pulumi-policy and the
# older protobuf it requires) on top of .venv.
policy_venv() {
  checked_layer "$1" "policy $(cat pyproject.toml constraints.txt policies/constraints.txt | cksum)" \
    "the policy pack's packages" -r policies/constraints.txt
}

# aws_venv DIR: the aws-example extra (examples/aws-bucket's pulumi-aws, at constraints.txt's pin)
# on top of .venv. Apart from .venv: every Python program the real CLI runs with .venv's packages
# would otherwise list pulumi-aws, whose pulumi-plugin.json has the engine fetch the `aws` plugin.
aws_venv() {
  local requirements
  mapfile -t requirements < <(.venv/bin/python - <<'PY'
try:
    import tomllib
except ImportError:  # Python 3.10
    import tomli as tomllib
with open("pyproject.toml", "rb") as file:
    print("\n".join(tomllib.load(file)["project"]["optional-dependencies"]["aws-example"]))
PY
)
  checked_layer "$1" "aws-example $(pins)" "the aws-example extra" \
    -c constraints.txt "${requirements[@]}"
}
