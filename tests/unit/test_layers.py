"""The layers of ``pulumi_zarr`` (docs/architecture.md), checked on every import statement,
including those inside functions: the API client reaches no Pulumi module, and the resource
core reaches neither surface and touches Pulumi only in ``collection/unknown.py``."""

from __future__ import annotations

import ast
import subprocess
import sys
from functools import cache
from pathlib import Path

import pulumi_zarr

PACKAGE = Path(pulumi_zarr.__file__).parent


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def module_path(name: str) -> Path | None:
    base = PACKAGE.parent.joinpath(*name.split("."))
    for path in (base.with_suffix(".py"), base / "__init__.py"):
        if path.is_file():
            return path
    return None


@cache
def imports(name: str) -> frozenset[str]:
    """The absolute names of the modules that module ``name`` imports, anywhere in its code."""
    path = module_path(name)
    assert path is not None, name
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, *([base] if base else [])])
            found.add(base)
            # ``from . import lifecycle``: a module, when there is one by that name
            found.update(
                f"{base}.{alias.name}"
                for alias in node.names
                if module_path(f"{base}.{alias.name}")
            )
    return frozenset(found)


def reached(start: str, stop: tuple[str, ...] = ()) -> dict[str, str]:
    """Every module ``start`` reaches through pulumi_zarr's own imports (not through those
    named in ``stop``): name -> importer."""
    seen: dict[str, str] = {start: ""}
    todo = [start]
    while todo:
        current = todo.pop()
        for target in imports(current):
            # importing pulumi_zarr.a.b runs pulumi_zarr/__init__ and a/__init__ first: those
            # are not followed (the package's __init__ is the dynamic surface's public face)
            if target not in seen:
                seen[target] = current
                if target.startswith("pulumi_zarr.") and module_path(target) and target not in stop:
                    todo.append(target)
    return seen


def layer(folder: str) -> list[str]:
    return sorted(module_name(p) for p in (PACKAGE / folder).rglob("*.py"))


def offending(modules: list[str], forbidden: tuple[str, ...], allowed: str = "") -> dict[str, str]:
    """What ``modules`` reach that is Pulumi or in ``forbidden`` (``allowed`` is reached, not
    followed)."""
    bad = {}
    for start in modules:
        for target, importer in reached(start, (allowed,)).items():
            if target == allowed:
                continue
            if target.split(".")[0] == "pulumi" or target.startswith(forbidden):
                bad[target] = f"{start} → … → {importer}"
    return bad


def test_the_api_client_reaches_no_pulumi_module():
    assert len(layer("api")) >= 8  # the client, its models, settings, transport, …
    assert offending(layer("api"), ("pulumi_zarr.dynamic", "pulumi_zarr.native")) == {}


def test_the_core_reaches_no_surface_and_pulumi_only_for_unknowns():
    unknown = "pulumi_zarr.collection.unknown"
    core = [m for m in layer("collection") if m != unknown]
    assert offending(core, ("pulumi_zarr.dynamic", "pulumi_zarr.native"), unknown) == {}
    assert {m for m in imports(unknown) if "pulumi." in m} == {
        "pulumi.output",
        "pulumi.runtime",
    }


def test_importing_every_api_module_loads_no_pulumi():
    """The same, as Python sees it: with ``pulumi`` unimportable, every api module imports
    (the top package stands in empty: its ``__init__`` is the dynamic surface's face)."""
    code = (
        "import sys, importlib\n"
        "class NoPulumi:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] == 'pulumi':\n"
        "            raise ImportError(f'{name} imported')\n"
        "sys.meta_path.insert(0, NoPulumi())\n"
        "import types; sys.modules['pulumi_zarr'] = types.ModuleType('pulumi_zarr')\n"
        f"sys.modules['pulumi_zarr'].__path__ = [{str(PACKAGE)!r}]\n"
        f"for name in {layer('api')!r}: importlib.import_module(name)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'pulumi'))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert (done.returncode, done.stdout.strip()) == (0, "[]"), done.stderr
