"""The package as a release installs it: a wheel built offline from a copy of the checkout, and
a virtualenv with that wheel in its site-packages (not editable), its dependencies taken from
the test environment through a ``.pth`` (no index needed)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
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


def release_venv(wheel: Path, venv: Path) -> Path:
    """The python of a virtualenv at ``venv`` with ``wheel`` installed into site-packages."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", venv], check=True)
    python = venv / "bin" / "python"
    paths = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    site = subprocess.run([python, "-c", paths], capture_output=True, text=True, check=True)
    target = Path(site.stdout.strip())
    pip("install", "--no-deps", "--no-index", "--target", target, wheel)
    (target / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return python
