"""``python -m pulumi_zarr.native.plugin_tarball [FOLDER]``: writes the native provider as a
Pulumi plugin archive, ``sentinelhub-<version>.tgz``, for
``pulumi plugin install resource sentinelhub <version> --file <that archive>``.

The archive holds one executable, ``pulumi-resource-sentinelhub``: a shell script naming no path
of the machine that wrote it. It runs the plugin with the first of ``$PULUMI_PYTHON_CMD``,
``python3`` and ``python`` (on ``PATH``) that can import pulumi_zarr, and otherwise exits 1 with
a message saying what to install. Prints the archive's path and the install command.
"""

from __future__ import annotations

import io
import sys
import tarfile
from pathlib import Path

from .names import PACKAGE

PLUGIN = f"pulumi-resource-{PACKAGE}"

#: The plugin executable. Each candidate is asked only whether it finds pulumi_zarr and the
#: pulumi SDK (no import), then the first that does runs the plugin in its place (``exec``).
LAUNCHER = f"""#!/bin/sh
# {PLUGIN}: the native provider of pulumi-zarr, run by a Python that has it installed.
has='import importlib.util as u,sys; sys.exit(not all(map(u.find_spec, ("pulumi_zarr", "pulumi"))))'
for python in "$PULUMI_PYTHON_CMD" python3 python; do
  [ -n "$python" ] || continue
  if "$python" -c "$has" >/dev/null 2>&1; then
    exec "$python" -m pulumi_zarr.native "$@"
  fi
done
echo "{PLUGIN}: none of \\$PULUMI_PYTHON_CMD (${{PULUMI_PYTHON_CMD:-unset}}), python3, python \\
on PATH can import pulumi_zarr. Install pulumi-zarr (Python >= 3.10) into a virtualenv and put \\
its bin folder on PATH, or set PULUMI_PYTHON_CMD to that virtualenv's python." >&2
exit 1
"""


def write(folder: Path, version: str) -> Path:
    """Write ``<folder>/sentinelhub-<version>.tgz`` and return its path."""
    folder.mkdir(parents=True, exist_ok=True)
    archive = folder / f"{PACKAGE}-{version}.tgz"
    data = LAUNCHER.encode()
    with tarfile.open(archive, "w:gz") as tar:
        info = tarfile.TarInfo(PLUGIN)
        info.size, info.mode = len(data), 0o755
        tar.addfile(info, io.BytesIO(data))
    return archive


def main(argv: list[str] | None = None) -> None:
    import pulumi_zarr

    args = sys.argv[1:] if argv is None else argv
    if len(args) > 1:
        sys.exit("usage: python -m pulumi_zarr.native.plugin_tarball [FOLDER]")
    version = pulumi_zarr.__version__
    archive = write(Path(args[0] if args else "."), version)
    print(archive)
    print(f"pulumi plugin install resource {PACKAGE} {version} --file {archive}", file=sys.stderr)


if __name__ == "__main__":
    main()
