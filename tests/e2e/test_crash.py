"""`kill -9` of `pulumi up` while a collection ingests, then the user's recovery as the
README's "After a crash" tells it (real CLI, both providers).

What must hold: the provider process the dead CLI leaves ends within seconds, and deletes
nothing; the rerun is told to adopt the collection, adopts it, and that collection stays: one
collection, in the state, kept by `pulumi refresh`.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import time
from pathlib import Path
from typing import Any

import pytest
from harness.measure import unique

from pulumi_zarr.testing.cli import Stack

from .conftest import spec

pytestmark = pytest.mark.e2e

#: How long a provider process may outlive the CLI that started it.
EXIT_SECONDS = 10
#: What runs our code for a stack: the native plugin, the dynamic provider host and its shell.
OURS = ("pulumi-resource-sentinelhub", "pulumi.dynamic", "pulumi-resource-pulumi-python")


def processes(stack: Stack) -> dict[int, str]:
    """pid -> command line of every live process started for ``stack`` (they all inherit its
    PULUMI_HOME), wherever they were re-parented."""
    marker = f"PULUMI_HOME={stack.env['PULUMI_HOME']}".encode()
    found = {}
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and marker in (entry / "environ").read_bytes().split(b"\0"):
                found[int(entry.name)] = (entry / "cmdline").read_bytes().replace(b"\0", b" ")
        except OSError:  # gone meanwhile
            continue
    return {pid: cmdline.decode(errors="replace").strip() for pid, cmdline in found.items()}


def ours(stack: Stack) -> dict[int, str]:
    return {pid: cmd for pid, cmd in processes(stack).items() if any(o in cmd for o in OURS)}


def wait_for(what: str, until: Any, timeout: float) -> Any:
    deadline = time.monotonic() + timeout
    while not (found := until()):
        assert time.monotonic() < deadline, f"no {what} within {timeout:g} s"
        time.sleep(0.2)
    return found


@pytest.mark.timeout(400)
@pytest.mark.parametrize("resource", ["dynamic", "native"])
def test_kill_during_create_then_the_readme_recovery(stack_factory, emu, api, tmp_path, resource):
    name = unique("crash")
    emu.control.set_stuck(re.escape(name))  # INGESTING until released
    stack = stack_factory(resource=resource)
    stack.collections({"cube": spec(name)})
    output = tmp_path / "killed-up.txt"
    cli = stack.start("up", "--yes", "--skip-preview", output=output)
    try:
        wait_for("progress line", lambda: "is still INGESTING" in output.read_text(), 120)
        assert ours(stack), processes(stack)  # the test sees the provider process
        os.kill(cli.pid, signal.SIGKILL)  # the CLI only: not its children
        cli.wait()
        died = time.monotonic()
        while ours(stack) and time.monotonic() < died + EXIT_SECONDS:
            time.sleep(0.2)
        left = ours(stack)  # asserted last: first what the old process did to the collection
        stack.transcript.append(f"killed up:\n{output.read_text()}")
        [made] = api.named(name)
        # the ingestion ends: a process still polling it writes its last progress line (to a
        # dead stderr) within a second; before the fix that line failed the create, which
        # deleted the collection
        emu.control.set_stuck(None)
        time.sleep(3)
        assert api.get(made["id"]), f"deleted by a process the killed CLI left: {left}"

        # the README's "After a crash", step by step
        stack.run("cancel", "--yes")
        rerun = stack.up(ok=False).text
        told = re.search(r'import_?[iI]d="([0-9a-f-]+)"', rerun)
        assert told and told.group(1) == made["id"], rerun
        stack.collections({"cube": spec(name, import_id=made["id"])})
        stack.up()
        stack.refresh("--clear-pending-creates")

        assert [c["id"] for c in api.named(name)] == [made["id"]]
        assert [r["id"] for r in stack.resources()] == [made["id"]]
        assert "pending_operations" not in stack.export()["deployment"]
        assert stack.up().text.count("warning") == 0
        assert left == {}, f"still running {EXIT_SECONDS} s after the CLI was killed: {left}"
    finally:
        emu.control.set_stuck(None)
        if cli.poll() is None:
            cli.kill()
            cli.wait()
        # ours (before the fix they never end) and the language host (Pulumi's: it ends at its
        # engine health check, every 5 minutes)
        for pid in processes(stack):
            with contextlib.suppress(ProcessLookupError):  # ended meanwhile
                os.kill(pid, signal.SIGKILL)
        for made in api.named(name):
            api.delete(made["id"])
