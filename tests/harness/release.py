"""The package as a release installs it, as fixtures (the mechanism: pulumi_zarr.testing.release):
a wheel built offline from a copy of the checkout, and a virtualenv with that wheel in its
site-packages (not editable), its dependencies taken from the test environment through a
``.pth`` (no index needed). The fixture :func:`program_python`
is such a virtualenv's python (the wheel, :func:`release_wheel`, is made once per run): every
Python program the real CLI runs uses it, as users have the package. For pip runs that must
find everything offline, :func:`repack` makes wheels of the test environment's own
distributions (a stand-in for PyPI, ``PIP_FIND_LINKS`` with ``PIP_NO_INDEX``)."""

from __future__ import annotations

import base64
import fcntl
import hashlib
import shutil
import zipfile
from importlib.metadata import Distribution, distribution
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from pulumi_zarr.testing.release import checkout_wheel, release_venv


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
            checkout_wheel(work).parent.rename(dist)
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
