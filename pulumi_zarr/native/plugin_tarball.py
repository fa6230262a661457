"""``python -m pulumi_zarr.native.plugin_tarball [FOLDER]``: writes the native provider as a
Pulumi plugin archive, ``sentinelhub-<version>.tgz``, for
``pulumi plugin install resource sentinelhub <version> --file <that archive>``.

The archive holds one executable, ``pulumi-resource-sentinelhub``: a shell script that runs the
plugin with the Python that wrote it (the environment where pulumi-zarr is installed), so the
archive serves that machine only. Prints the archive's path and the install command.
"""

from __future__ import annotations

import io
import sys
import tarfile
from pathlib import Path

from .names import PACKAGE

PLUGIN = f"pulumi-resource-{PACKAGE}"


def launcher(python: str) -> bytes:
    """The plugin executable: this package's plugin, run by ``python``."""
    quoted = "'" + python.replace("'", "'\\''") + "'"
    return f'#!/bin/sh\nexec {quoted} -m pulumi_zarr.native "$@"\n'.encode()


def write(folder: Path, version: str, python: str = sys.executable) -> Path:
    """Write ``<folder>/sentinelhub-<version>.tgz`` and return its path."""
    folder.mkdir(parents=True, exist_ok=True)
    archive = folder / f"{PACKAGE}-{version}.tgz"
    data = launcher(python)
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
