"""The package as a release installs it, made offline from this checkout: a wheel built from a
copy of the sources, and a virtualenv with that wheel in its site-packages (not editable), its
dependencies taken from the running environment's site-packages through a ``.pth``.

The Python language host finds ``pulumi-plugin.json`` only in such an install: with the
checkout's editable one it has the engine download a "zarr" plugin. scripts/demo.py and the
tests (tests/harness/release.py) run their programs with :func:`release_python`.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def pip(*args: str | Path, env: dict[str, str] | None = None) -> str:
    """``pip`` of this environment, offline; returns what it printed."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
    done = subprocess.run(
        [sys.executable, "-m", "pip", "--disable-pip-version-check", *map(str, args)],
        env={**clean, **(env or {})},
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert done.returncode == 0, f"pip {' '.join(map(str, args))}:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def copy_source(root: Path) -> Path:
    """A copy of the files a release is built from (building in the checkout leaves build/)."""
    root.mkdir(parents=True, exist_ok=True)
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(REPO / name, root / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(REPO / "pulumi_zarr", root / "pulumi_zarr", ignore=ignore)
    return root


def build_wheel(source: Path, dist: Path) -> Path:
    pip("wheel", "--no-deps", "--no-build-isolation", "--no-index", "-w", dist, source)
    (built,) = dist.glob("*.whl")
    return built


def release_venv(wheel: Path, venv: Path, base: Path | None = None) -> Path:
    """The python of a virtualenv at ``venv`` with ``wheel`` installed into site-packages, over
    the site-packages folders of ``base`` (a python; default: this one)."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", venv], check=True)
    python = venv / "bin" / "python"
    paths = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    site = subprocess.run([python, "-c", paths], capture_output=True, text=True, check=True)
    target = Path(site.stdout.strip())
    pip("install", "--no-deps", "--no-index", "--target", target, wheel)
    (target / "dependencies.pth").write_text("".join(f"{d}\n" for d in _site_dirs(base)))
    return python


def _site_dirs(python: Path | None) -> list[str]:
    """The site-packages folders of ``python`` (None: this one), in its order: its own, then
    those of the environments it is layered on (scripts/venv.sh ``layer``). Listed as plain
    paths, so their ``.pth`` files (an editable install's finder) do not run in the release."""
    path = sys.path
    if python is not None:
        code = "import json, sys; print(json.dumps(sys.path))"
        done = subprocess.run([python, "-c", code], capture_output=True, text=True, check=True)
        path = json.loads(done.stdout)
    return [entry for entry in path if Path(entry).name == "site-packages"]


def checkout_wheel(work: Path) -> Path:
    """A wheel of this checkout as it is now, in ``work/dist`` (built from ``work/source``)."""
    return build_wheel(copy_source(work / "source"), work / "dist")


def release_python(work: Path) -> Path:
    """The python of a release virtualenv of this checkout made under ``work``."""
    return release_venv(checkout_wheel(work), work / "venv")
