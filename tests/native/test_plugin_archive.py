"""The plugin archive ``python -m pulumi_zarr.native.plugin_tarball`` writes serves any machine:
its launcher names no path of the writer's, runs the plugin with the first of
``$PULUMI_PYTHON_CMD``, ``python3`` and ``python`` that has pulumi_zarr, and otherwise says what
to install. Run as the engine runs it (extracted, executed), with a controlled PATH."""

from __future__ import annotations

import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

import pulumi_zarr
from pulumi_zarr.native.plugin_tarball import PLUGIN, write


@pytest.fixture(scope="module")
def plugin(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The archive's executable, extracted as `pulumi plugin install --file` does."""
    root = tmp_path_factory.mktemp("plugin-archive")
    archive = write(root / "dist", pulumi_zarr.__version__)
    assert archive.name == f"sentinelhub-{pulumi_zarr.__version__}.tgz"
    with tarfile.open(archive) as tar:
        tar.extractall(root / "installed", filter="data")
    executable = root / "installed" / PLUGIN
    assert sys.prefix not in executable.read_text()  # nothing of the machine that wrote it
    return executable


@pytest.fixture(scope="module")
def bare_python(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The python of an empty virtualenv: one without pulumi_zarr."""
    venv = tmp_path_factory.mktemp("bare-venv")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", venv], check=True)
    return str(venv / "bin" / "python")


def launch(plugin: Path, path: Path, python_cmd: str | None) -> subprocess.CompletedProcess[str]:
    """The plugin's ``--help``, with only ``path`` on PATH and that PULUMI_PYTHON_CMD."""
    env = {"PATH": str(path), **({"PULUMI_PYTHON_CMD": python_cmd} if python_cmd else {})}
    return subprocess.run(
        [plugin, "--help"], env=env, cwd=path, capture_output=True, text=True, timeout=60
    )


VENV_BIN = Path(sys.executable).parent  # holds python3 and python, with pulumi_zarr


@pytest.mark.parametrize(
    ("on_path", "python_cmd"),
    [("venv", None), ("empty", "this"), ("venv", "bare")],
    ids=["python3-on-PATH", "PULUMI_PYTHON_CMD", "PULUMI_PYTHON_CMD-without-it-then-PATH"],
)
def test_the_plugin_runs_with_a_python_that_has_pulumi_zarr(
    plugin, bare_python, tmp_path, on_path, python_cmd
):
    path = VENV_BIN if on_path == "venv" else tmp_path
    cmd = {None: None, "this": sys.executable, "bare": bare_python}[python_cmd]
    done = launch(plugin, path, cmd)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"usage: {PLUGIN} [-h] engine"), done.stdout


def test_without_such_a_python_it_says_what_to_install(plugin, bare_python, tmp_path):
    done = launch(plugin, tmp_path, bare_python)
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr == (
        f"{PLUGIN}: none of $PULUMI_PYTHON_CMD ({bare_python}), python3, python on PATH can "
        "import pulumi_zarr. Install pulumi-zarr (Python >= 3.10) into a virtualenv and put its "
        "bin folder on PATH, or set PULUMI_PYTHON_CMD to that virtualenv's python.\n"
    )
