"""What a release ships and how users install it: the wheel's files and metadata, the version
kept once, ``mypy --strict`` on the example programs against the installed wheel, and the
examples' and the template's requirements inside a checkout and from a release.

Everything runs offline (``pip --no-index``) on copies in temporary folders.
"""

from __future__ import annotations

import email.parser
import json
import re
import shutil
import subprocess
import sys
import zipfile
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pytest
import yaml
from packaging.requirements import Requirement

import pulumi_zarr
from pulumi_zarr.testing.release import REPO, build_wheel, copy_source, pip, release_venv

try:
    import tomllib
except ImportError:  # Python 3.10
    import tomli as tomllib

PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text())
VERSION = PYPROJECT["project"]["version"]
TEMPLATE = REPO / "templates" / "zarr-python"
PROGRAMS = [*sorted(p.parent for p in (REPO / "examples").glob("*/__main__.py")), TEMPLATE]
PROJECTS = [REPO, *PROGRAMS]
#: The other Pulumi SDKs an example needs besides pulumi-zarr (its requirements.txt, in order);
#: they are installed in .venv-aws only, where the tests marked aws_example run.
OTHER_SDKS = {"aws-bucket": ["pulumi-aws"]}
AWS_EXAMPLE = pytest.mark.aws_example


def with_other_sdks(programs: list[Path]) -> list[Any]:
    """``programs`` as parameters, those needing another SDK marked ``aws_example``."""
    return [pytest.param(p, marks=AWS_EXAMPLE) if p.name in OTHER_SDKS else p for p in programs]


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_source(tmp_path_factory.mktemp("source"))


@pytest.fixture(scope="module")
def wheel(source: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_wheel(source, tmp_path_factory.mktemp("dist"))


@pytest.fixture(scope="module")
def release_python(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return release_venv(wheel, tmp_path_factory.mktemp("release-venv"))


def test_the_wheel_ships_typing_the_license_and_metadata(wheel):
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        metadata = archive.read(f"pulumi_zarr-{VERSION}.dist-info/METADATA").decode()
        plugin = json.loads(archive.read("pulumi_zarr/pulumi-plugin.json"))
    meta = email.parser.Parser().parsestr(metadata)
    assert "pulumi_zarr/py.typed" in names
    # Python language hosts take a `pulumi-*` package for a provider SDK and fetch its plugin
    # (here a "zarr" plugin that does not exist) unless the package says it has none.
    assert plugin == {"resource": False}
    assert f"pulumi_zarr-{VERSION}.dist-info/licenses/LICENSE" in names
    assert not [n for n in names if n.split("/")[0] in ("tests", "examples", "templates")]
    assert meta["Version"] == VERSION
    assert meta["License-Expression"] == "Apache-2.0"
    assert "Typing :: Typed" in meta.get_all("Classifier")
    assert all(url.split(", ")[1].startswith("https://") for url in meta.get_all("Project-URL"))
    scripts = archive_entry_points(wheel)
    assert "pulumi-zarr = pulumi_zarr.cli:main" in scripts


def archive_entry_points(wheel: Path) -> str:
    with zipfile.ZipFile(wheel) as archive:
        return archive.read(f"pulumi_zarr-{VERSION}.dist-info/entry_points.txt").decode()


def test_the_license_is_the_apache_2_text_pyproject_names():
    text = (REPO / "LICENSE").read_text()
    assert PYPROJECT["project"]["license"] == "Apache-2.0"
    assert text.split()[:4] == ["Apache", "License", "Version", "2.0,"]
    assert "END OF TERMS AND CONDITIONS" in text


def test_the_version_is_kept_once():
    assert pulumi_zarr.__version__ == version("pulumi-zarr") == VERSION
    copies = [p for p in (REPO / "pulumi_zarr").rglob("*.py") if f'"{VERSION}"' in p.read_text()]
    assert copies == []


def test_the_changelog_has_an_unreleased_section():
    text = (REPO / "CHANGELOG.md").read_text()
    assert "[Keep a Changelog](https://keepachangelog.com/" in text
    unreleased = text.split("## [Unreleased]", 1)[1].split("\n## ", 1)[0]
    assert re.search(r"^### (Added|Changed|Fixed)$", unreleased, re.M)


@pytest.mark.parametrize("project", PROJECTS, ids=lambda p: p.name)
def test_projects_use_pip_and_dot_venv(project):
    runtime = yaml.safe_load((project / "Pulumi.yaml").read_text())["runtime"]
    assert runtime == {"name": "python", "options": {"toolchain": "pip", "virtualenv": ".venv"}}


@pytest.mark.parametrize("program", with_other_sdks(PROGRAMS), ids=lambda p: p.name)
def test_requirements_work_in_a_checkout_and_from_a_release(program, wheel, tmp_path):
    requirements = program / "requirements.txt"
    lines = [ln for ln in requirements.read_text().splitlines() if ln.strip()]
    # pulumi-zarr (no path, no -e), and what the program composes with (in .venv-aws)
    assert [Requirement(ln).name for ln in lines] == [
        "pulumi-zarr",
        *OTHER_SDKS.get(program.name, []),
    ]

    # a checkout, as the README says: the package installed into the venv first (here: editable),
    # so Pulumi's `pip install -r requirements.txt` has nothing to fetch
    out = pip("install", "--dry-run", "--no-index", "-r", requirements)
    assert "Requirement already satisfied: pulumi-zarr" in out and "Would install" not in out

    # a fresh venv (`pulumi new`, e2e/test_template.py): the requirement resolves to the wheel
    ours = tmp_path / "requirements.txt"  # offline: only pulumi-zarr's line resolves here
    ours.write_text(lines[0] + "\n")
    requirements = ours
    fresh = ("install", "--dry-run", "--no-index", "--no-deps", "--ignore-installed")
    out = pip(*fresh, "--find-links", wheel.parent, "-r", requirements)
    assert f"Would install pulumi-zarr-{VERSION}" in out


def test_the_template_is_well_formed():
    project = yaml.safe_load((TEMPLATE / "Pulumi.yaml").read_text())
    assert (project["name"], project["description"]) == ("${PROJECT}", "${DESCRIPTION}")
    config = project["template"]["config"]
    assert project["template"]["description"] and all(s["description"] for s in config.values())
    assert [key for key, spec in config.items() if spec.get("secret")] == [
        "sentinelhub:clientSecret"
    ]
    asked = {key for key in config if ":" not in key}
    required = set(
        re.findall(r'config\.require\("(\w+)"\)', (TEMPLATE / "__main__.py").read_text())
    )
    assert asked == required == {"bucket", "path", "name", "crs"}
    provider_keys = {"sentinelhub:clientId", "sentinelhub:clientSecret", "sentinelhub:baseUrl"}
    assert {key for key in config if ":" in key} == provider_keys
    from pulumi_zarr.api.config import stack_keys
    from pulumi_zarr.api.settings import SH_EU
    from pulumi_zarr.collection.spec import check_crs

    assert provider_keys <= set(stack_keys())
    assert check_crs(config["crs"]["default"]) and config["sentinelhub:baseUrl"]["default"] == SH_EU
    assert ".venv/" in (TEMPLATE / ".gitignore").read_text().split()


def mypy_strict(release_python: Path, programs: list[Path], folder: Path) -> tuple[int, str]:
    """``mypy --strict`` on ``programs`` (and any other .py in ``folder``) as a user runs it on
    their program: pulumi-zarr found in the release's site-packages. Exit status and output."""
    pytest.importorskip("mypy", reason="mypy comes with the dev extra")
    for program in programs:  # away from the checkout, each under a module name of its own
        shutil.copy(program / "__main__.py", folder / f"{program.name.replace('-', '_')}.py")
    files = sorted(p.name for p in folder.glob("*.py"))
    # pulumi-aws (examples/aws-bucket) takes mypy minutes to analyse: its cache is kept
    cache = Path.home() / ".cache" / "pulumi-zarr" / "mypy"
    mypy = [sys.executable, "-m", "mypy", "--strict", "--python-executable", str(release_python)]
    mypy += ["--cache-dir", str(cache)]
    done = subprocess.run([*mypy, *files], cwd=folder, capture_output=True, text=True, timeout=300)
    return done.returncode, done.stdout + done.stderr


def test_mypy_strict_passes_on_every_program_and_catches_mistyped_inputs(release_python, tmp_path):
    """What a user sees running ``mypy --strict`` on a program: the package is found in
    site-packages and typed (py.typed). Every example that needs no other SDK and the template
    pass; in a program with mistakes, both classes' keyword forms, typed from the spec's inputs,
    flag a misspelled or mistyped input. One mypy run for all (the SDK's analysis is most of its
    cost)."""
    (tmp_path / "mistakes.py").write_text(
        "from pulumi_zarr import ZarrCollection\n"
        'ZarrCollection("a", name="n", s3_bucket="b", path="p/", crs="c", wait_for_ingestion="y")\n'
        'ZarrCollection("b", name="n", s3_bucket="b", path="p/", crz="c")\n'
        "from pulumi_zarr.native import NativeZarrCollection\n"
        'NativeZarrCollection("c", name="n", s3_bucket="b", path="p/", crz="c")\n'
        'NativeZarrCollection("d", name="n", s3_bucket="b", path="p/", crs="c", preflight=1)\n'
        'NativeZarrCollection("e", name="n", s3_bucket="b", path="p/", crs="c", profile="eu")\n'
    )
    programs = [p for p in PROGRAMS if p.name not in OTHER_SDKS]
    code, shown = mypy_strict(release_python, programs, tmp_path)
    errors = [line for line in shown.splitlines() if ": error: " in line]
    assert code == 1 and errors, shown
    assert all(line.startswith("mistakes.py:") for line in errors), shown
    assert "mistakes.py:2: error: No overload variant" in shown
    assert 'mistakes.py:3: error: Unexpected keyword argument "crz"' in shown
    # the native class has the same typed keywords
    assert 'mistakes.py:5: error: Unexpected keyword argument "crz"' in shown
    assert "mistakes.py:6: error: No overload variant" in shown
    assert "mistakes.py:7:" not in shown, shown


@AWS_EXAMPLE
def test_mypy_strict_passes_on_the_examples_with_other_sdks(release_python, tmp_path):
    """The examples that compose with another SDK (aws-bucket: the real pulumi-aws package)
    pass ``mypy --strict`` too, where that SDK is installed (.venv-aws)."""
    programs = [p for p in PROGRAMS if p.name in OTHER_SDKS]
    code, shown = mypy_strict(release_python, programs, tmp_path)
    assert code == 0 and "Success: no issues found" in shown, shown
