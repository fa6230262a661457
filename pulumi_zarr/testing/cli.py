"""Drive the real `pulumi` CLI the way a user does, in an isolated workspace.

Each :class:`Stack` has its own PULUMI_HOME, a local file backend and passphrase secrets;
update checks are off, plugin downloads on, as users have them (see :data:`BASE_ENV`). Every
command's output is kept in
:attr:`Stack.transcript` so tests can search it (for secrets, for what the user saw). Used by
tests/e2e and scripts/demo.py; the CLI itself comes from scripts/pulumi-cli.sh.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PASSPHRASE = "e2e-only-passphrase"

#: Set for every command: isolation, no network, no prompts.
BASE_ENV = {
    "PULUMI_CONFIG_PASSPHRASE": PASSPHRASE,
    "PULUMI_SKIP_UPDATE_CHECK": "true",
    "PULUMI_SKIP_CONFIRMATIONS": "true",
    "PIP_DISABLE_PIP_VERSION_CHECK": "1",
    # The language host scripts/pulumi-cli.sh builds may be one that ignores the `virtualenv`
    # runtime option: name the interpreter (the one with pulumi_zarr installed) explicitly. A
    # Stack's ``env`` may name another; its virtualenv is then the program's (project_file).
    # With an editable install (the test environment's), the language host does not see
    # pulumi-plugin.json ("resource": false) and has the engine download a "zarr" plugin: the
    # tests run programs with a release's virtualenv (tests/harness/release.py).
    "PULUMI_PYTHON_CMD": sys.executable,
}


@dataclass
class Result:
    args: tuple[str, ...]
    code: int
    stdout: str
    stderr: str

    @property
    def text(self) -> str:
        return self.stdout + self.stderr

    def __str__(self) -> str:
        return f"pulumi {' '.join(self.args)} → exit {self.code}\n{self.stdout}\n{self.stderr}"


class CliError(AssertionError):
    pass


def project_file(name: str, python: Path) -> str:
    """A Pulumi.yaml for a Python program run with the virtualenv of ``python``."""
    return (
        f"name: {name}\nruntime:\n  name: python\n  options:\n    toolchain: pip\n"
        f"    virtualenv: {python.parent.parent}\n"
    )


#: The native provider's plugin executable (a console script of pulumi-zarr).
NATIVE_PLUGIN = "pulumi-resource-sentinelhub"


def native_plugins() -> dict[str, Path]:
    """``plugins`` for :class:`Stack`: the native provider's plugin installed beside this
    interpreter (the venv's bin folder, where pip puts console scripts)."""
    folder = Path(sys.executable).parent
    if not (folder / NATIVE_PLUGIN).is_file():
        raise FileNotFoundError(
            f"{NATIVE_PLUGIN} is not in {folder}: install pulumi-zarr into this environment "
            "(pip install -e .)"
        )
    return {"sentinelhub": folder}


def plugins_block(plugins: Mapping[str, Path]) -> str:
    """A Pulumi.yaml ``plugins`` section: provider name -> the folder of its plugin executable
    (project plugins: found there, before PATH and the plugin cache)."""
    entries = "".join(f"    - name: {name}\n      path: {path}\n" for name, path in plugins.items())
    return f"plugins:\n  providers:\n{entries}"


class Stack:
    """One project folder, one stack, its own backend and PULUMI_HOME under ``root``."""

    def __init__(
        self,
        cli: str,
        root: Path,
        program: Path | None,
        *,
        project: str = "zarr-e2e",
        stack: str = "e2e",
        env: dict[str, str] | None = None,
        echo: bool = False,
        own_project_file: bool = False,
        plugins: Mapping[str, Path] | None = None,
    ) -> None:
        """``program``: the program folder (None: an empty project folder, e.g. for ``pulumi
        new``); a Python program runs with this interpreter's environment. ``echo``: print each
        command and its output as it runs (for demos). ``own_project_file``: keep the program's
        Pulumi.yaml (e.g. a YAML program; its ``name`` is the project) instead of writing one
        for a Python program. ``plugins``: provider plugins to declare in Pulumi.yaml
        (:func:`plugins_block`). ``env`` wins over :data:`BASE_ENV`; its ``PULUMI_PYTHON_CMD``
        is the interpreter of a Python program."""
        self.cli, self.root, self.stack, self.echo = cli, root, stack, echo
        inherited = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("PULUMI_", "SH_", "AWS_")) and k != "OAUTHLIB_INSECURE_TRANSPORT"
        }
        self.env = {
            **inherited,
            **BASE_ENV,
            "PULUMI_HOME": str(root / "pulumi-home"),
            "PULUMI_BACKEND_URL": f"file://{root / 'state'}",
            **(env or {}),
        }
        self.dir = root / "project"
        if program is None:
            self.dir.mkdir(parents=True)
        else:
            # what a program's own install makes (node_modules, generated SDKs) is made anew
            ignore = shutil.ignore_patterns("__pycache__", "node_modules", "sdks", "bin")
            shutil.copytree(program, self.dir, ignore=ignore)
            (self.dir / "requirements.txt").unlink(missing_ok=True)
            project_yaml = self.dir / "Pulumi.yaml"
            if own_project_file:
                found = re.search(r"^name:\s*(\S+)", project_yaml.read_text(), re.MULTILINE)
                project = found.group(1) if found else project
            else:
                python = Path(self.env["PULUMI_PYTHON_CMD"])
                project_yaml.write_text(project_file(project, python))
            if plugins:
                project_yaml.write_text(project_yaml.read_text() + plugins_block(plugins))
        self.project = project
        (root / "state").mkdir(exist_ok=True)
        self.transcript: list[str] = []

    # -- commands --------------------------------------------------------------------------
    def run(
        self,
        *args: str,
        ok: bool | None = True,
        timeout: float = 900,
        stdin: str | None = None,
        record: bool = True,
    ) -> Result:
        """Run ``pulumi ARGS``; ``ok`` True/False asserts the exit status, None accepts any.

        ``record=False`` keeps the output out of :attr:`transcript` (for output that shows
        secrets on purpose, such as ``stack export --show-secrets``).
        """
        if self.echo:
            print("$ pulumi " + " ".join(args), flush=True)
        done = subprocess.run(
            [self.cli, "--non-interactive", "--color", "never", *args],
            cwd=self.dir,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            input=stdin or "",
        )
        result = Result(args, done.returncode, done.stdout, done.stderr)
        if self.echo:
            print(result.text, end="", flush=True)
        if record:
            self.transcript.append(str(result))
        if ok is True and result.code != 0:
            raise CliError(f"expected success:\n{result}")
        if ok is False and result.code == 0:
            raise CliError(f"expected failure:\n{result}")
        return result

    def start(self, *args: str, output: Path) -> subprocess.Popen[bytes]:
        """Start ``pulumi ARGS`` without waiting, its output (stdout and stderr) to ``output``
        (the caller waits for it, or kills it)."""
        with output.open("wb") as sink:
            return subprocess.Popen(
                [self.cli, "--non-interactive", "--color", "never", *args],
                cwd=self.dir,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=sink,
                stderr=subprocess.STDOUT,
            )

    def init(self, config: dict[str, Any], secrets: dict[str, str] | None = None) -> Stack:
        self.run("stack", "init", self.stack)
        self.configure(config, secrets)
        return self

    def configure(self, config: dict[str, Any], secrets: dict[str, str] | None = None) -> None:
        if config:  # one command for them all: each CLI start costs a few hundred ms
            values = (v if isinstance(v, str) else json.dumps(v) for v in config.values())
            pairs = (f"--plaintext={k}={v}" for k, v in zip(config, values, strict=True))
            self.run("config", "set-all", *pairs)
        for key, value in (secrets or {}).items():  # from stdin: never on a command line
            self.run("config", "set", "--secret", key, stdin=value)

    def collections(self, collections: dict[str, dict[str, Any]]) -> None:
        """Set the program's ``collections`` config (see tests/e2e/program)."""
        self.configure({f"{self.project}:collections": collections})

    def preview(self, *extra: str, ok: bool | None = True) -> Result:
        return self.run("preview", *extra, ok=ok)

    def up(self, *extra: str, ok: bool | None = True) -> Result:
        return self.run("up", "--yes", "--skip-preview", *extra, ok=ok)

    def refresh(self, *extra: str, ok: bool | None = True) -> Result:
        return self.run("refresh", "--yes", "--skip-preview", *extra, ok=ok)

    def destroy(self, *extra: str, ok: bool | None = True) -> Result:
        return self.run("destroy", "--yes", "--skip-preview", *extra, ok=ok)

    def outputs(self) -> dict[str, Any]:
        return json.loads(self.run("stack", "output", "--json").stdout or "{}")

    def export(self) -> dict[str, Any]:
        return json.loads(self.run("stack", "export").stdout)

    def resources(self) -> list[dict[str, Any]]:
        """The custom resources in the stack's state (no stack, no provider)."""
        return [
            r
            for r in self.export()["deployment"].get("resources", [])
            if r.get("custom") and not r["type"].startswith("pulumi:providers:")
        ]

    def state_files(self, *, history_config: bool = True) -> str:
        """Every file of the backend, as text. ``history_config=False``: without the stack
        configuration that each update's history entry (``*.history.json``) copies from
        ``Pulumi.<stack>.yaml`` as it is there (a value the user set in clear is in clear in
        that copy: the backend's record of the user's file, nothing a provider wrote)."""
        texts = []
        for path in sorted(p for p in (self.root / "state").rglob("*") if p.is_file()):
            text = path.read_text(errors="replace")
            if not history_config and path.name.endswith(".history.json"):
                entry = json.loads(text)
                entry.pop("config", None)
                text = json.dumps(entry)
            texts.append(text)
        return "\n".join(texts)
