"""The package as a release installs it: a wheel built offline from a copy of the checkout, and
a virtualenv with that wheel in its site-packages (not editable), its dependencies taken from
the test environment through a ``.pth`` (no index needed). The fixture :func:`program_python`
is such a virtualenv's python (the wheel, :func:`release_wheel`, is made once per run): every
Python program the real CLI runs uses it, as users have the package. For pip runs that must
find everything offline, :func:`repack` makes wheels of the test environment's own
distributions (a stand-in for PyPI, ``PIP_FIND_LINKS`` with ``PIP_NO_INDEX``)."""

from __future__ import annotations

import base64
import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import sys
import zipfile
from importlib.metadata import Distribution, distribution
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

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


@pytest.fixture(scope="session")
def release_wheel(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Path:
    """A wheel built from the checkout as it is at the start of the run. Made once per run:
    the xdist workers share it (a lock; the first to come builds it)."""
    base = tmp_path_factory.getbasetemp()
    shared = base if worker_id == "master" else base.parent  # all workers' common folder
    with (shared / "release.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        dist = shared / "release-dist"
        if not dist.is_dir():
            work = shared / "release-work"
            shutil.rmtree(work, ignore_errors=True)
            build_wheel(copy_source(work / "source"), work / "dist")
            (work / "dist").rename(dist)
        (wheel,) = dist.glob("*.whl")
        return wheel


@pytest.fixture(scope="session")
def program_python(release_wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The python of a release virtualenv over this environment: the real CLI runs every Python
    program (and its dynamic provider host) with it. With an editable install (this
    environment's) the language host's `pip list` does not show ``pulumi-plugin.json``, and the
    host has the engine download a "zarr" plugin (tests/e2e/test_release_install.py)."""
    return release_venv(release_wheel, tmp_path_factory.mktemp("release-venv"))


def requirement_closure(*names: str) -> list[Distribution]:
    """The installed distributions ``names`` need to run here (their requirements, recursively,
    without extras), ``names`` included."""
    found: dict[str, Distribution] = {}
    todo = list(names)
    while todo:
        name = canonicalize_name(todo.pop())
        if name in found:
            continue
        found[name] = dist = distribution(name)
        for line in dist.requires or []:
            requirement = Requirement(line)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                todo.append(requirement.name)
    return list(found.values())


def repack(dist: Distribution, folder: Path) -> Path:
    """A wheel in ``folder`` of the installed distribution ``dist``: its files as installed
    (those inside site-packages; pip writes the console scripts anew), a new RECORD."""
    info = next(
        Path(str(f)).parts[0] for f in dist.files or [] if str(f).endswith(".dist-info/METADATA")
    )
    tags = [
        line.split(":", 1)[1].strip()
        for line in (dist.read_text("WHEEL") or "").splitlines()
        if line.startswith("Tag:")
    ]
    parts = [".".join(dict.fromkeys(tag.split("-")[i] for tag in tags)) for i in range(3)]
    wheel = folder / f"{info.removesuffix('.dist-info')}-{'-'.join(parts)}.whl"
    skip = {f"{info}/{name}" for name in ("RECORD", "INSTALLER", "REQUESTED", "direct_url.json")}
    record = []
    with zipfile.ZipFile(wheel, "w", zipfile.ZIP_STORED) as archive:
        for file in dist.files or []:
            name = str(file)
            if name.startswith("..") or name in skip or "__pycache__" in name:
                continue
            data = Path(dist.locate_file(file)).read_bytes()
            archive.writestr(name, data)
            digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
            record.append(f"{name},sha256={digest.decode()},{len(data)}")
        record.append(f"{info}/RECORD,,")
        archive.writestr(f"{info}/RECORD", "\n".join(record) + "\n")
    return wheel
