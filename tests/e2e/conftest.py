"""Fixtures of the real-CLI journeys: the `pulumi` binary, an emulator, a fresh stack per test.

`bash scripts/test.sh` puts the CLI that scripts/pulumi-cli.sh builds on PATH. Without it the
journeys skip with the reason, except under CI=true, where a missing CLI fails them.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from harness.api import ZarrApi
from harness.fixtures import CRS_4326, write_good_cube
from harness.measure import unique
from harness.servers import RawServer

from pulumi_zarr.testing.cli import Stack, native_plugins

REPO = Path(__file__).resolve().parents[2]
PROGRAM = Path(__file__).resolve().parent / "program"
CLIENT_ID = "e2e-client"
#: Recognisable: must never appear in the state, `stack export` or any CLI output.
PLANTED_SECRET = "PLANTED-e2e-s3cr3t-5b7d1c"
BUCKET = "cubes"
GOOD = "good.zarr/"
OTHER = "other.zarr/"
#: A Python stack in the CLI's output: the users are never shown one for an error of ours.
TRACEBACK = re.compile(r"Traceback \(most recent call last\)|^\s*File \"[^\"]+\", line \d+", re.M)


@pytest.fixture(scope="session")
def pulumi_cli() -> str:
    cli = shutil.which("pulumi")
    if cli is None:
        reason = (
            "the pulumi CLI is not on PATH: `bash scripts/pulumi-cli.sh` builds it from Go "
            "modules (needs Go and the Go module proxy); scripts/test.sh does that when Go is there"
        )
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must run the real-CLI journeys: {reason}")
        pytest.skip(reason)
    return cli


@pytest.fixture(scope="session")
def plugin_server() -> Iterator[RawServer]:
    """Where the engine downloads any plugin from (:func:`download_env`): a server on 127.0.0.1
    that answers 404 and keeps each request. Automatic plugin acquisition is on, as users have
    it; a test whose commands made the engine try a download fails (:func:`downloads_asked`)."""
    with RawServer(
        b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    ) as server:
        yield server


def download_env(server: RawServer) -> dict[str, str]:
    """The environment that sends every plugin download to ``server`` instead of GitHub or
    get.pulumi.com (Pulumi's ``regexp=URL`` overrides, matching every plugin's source)."""
    return {"PULUMI_PLUGIN_DOWNLOAD_URL_OVERRIDES": f".*={server.url}/"}


def downloads_asked(server: RawServer) -> list[str]:
    """The request lines ``server`` received since the last call."""
    asked = [r.split(b"\r\n", 1)[0].decode() for r in server.requests]
    server.requests.clear()
    return asked


@pytest.fixture(scope="module")
def buckets(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("buckets")
    write_good_cube(root, BUCKET, GOOD)
    write_good_cube(root, BUCKET, OTHER)
    return root


@pytest.fixture(scope="module")
def emu(buckets: Path) -> Iterator[Any]:
    from pulumi_zarr.emulator.server import Emulator

    with Emulator(buckets, clients={CLIENT_ID: PLANTED_SECRET}, ingest_delay=0.3) as emulator:
        yield emulator


@pytest.fixture(scope="module")
def issued_tokens(emu: Any) -> list[str]:
    """Every access token the emulator hands out from now on."""
    tokens: list[str] = []
    issue = emu.app.issuer.issue

    def recording(*args: Any, **kwargs: Any) -> dict[str, Any]:
        answer = issue(*args, **kwargs)
        tokens.append(answer["access_token"])
        return answer

    emu.app.issuer.issue = recording
    return tokens


@pytest.fixture(scope="module")
def api(emu: Any) -> Iterator[ZarrApi]:
    client = ZarrApi(emu.url, emu.token_url, CLIENT_ID, PLANTED_SECRET)
    yield client
    client.close()


@pytest.fixture
def stack_factory(
    pulumi_cli: str,
    tmp_path: Path,
    emu: Any,
    issued_tokens: list[str],
    program_python: Path,
    plugin_server: RawServer,
) -> Iterator[Callable[..., Stack]]:
    """``stack_factory(program=PROGRAM, config=..., secret=..., env=...)``: an initialised stack
    configured for the emulator, its Python program run by ``program_python`` (``env`` may name
    another ``PULUMI_PYTHON_CMD``). After the test, the engine must have tried no plugin
    download, and no stack output may hold a secret, nor a Python traceback unless the test
    expects one (``traceback=True``).

    ``resource="native"``: the journeys' program declares its collections with the native
    plugin's class (``NativeZarrCollection``), and the stack installs the plugin."""
    made: list[tuple[Stack, bool]] = []

    def make(
        program: Path = PROGRAM,
        *,
        project: str = "zarr-e2e",
        config: dict[str, Any] | None = None,
        secret: str = PLANTED_SECRET,
        env: dict[str, str] | None = None,
        resource: str = "dynamic",
        traceback: bool = False,
        init: bool = True,
        **options: Any,
    ) -> Stack:
        """``options``: more keywords of :class:`Stack` (own_project_file, plugins, stack).
        ``init=False``: no `stack init` and no config (a README block the test runs does them;
        ``config`` and ``secret`` are then unused)."""
        if resource == "native":
            options.setdefault("plugins", native_plugins())
            config = {f"{project}:resource": "native", **(config or {})}
        env = {
            "PULUMI_PYTHON_CMD": str(program_python),
            **download_env(plugin_server),
            **(env or {}),
        }
        stack = Stack(
            pulumi_cli, tmp_path / f"ws{len(made)}", program, project=project, env=env, **options
        )
        if init:
            stack.init(
                {
                    "sentinelhub:baseUrl": emu.url,
                    "sentinelhub:clientId": CLIENT_ID,
                    **(config or {}),
                },
                {"sentinelhub:clientSecret": secret},
            )
        made.append((stack, traceback))
        return stack

    downloads_asked(plugin_server)
    yield make
    asked = downloads_asked(plugin_server)
    assert not asked, f"the engine tried to download plugins: {asked}"
    for stack, traceback_expected in made:
        shown = "\n".join(stack.transcript)
        if not traceback_expected:
            frame = TRACEBACK.search(shown)
            assert frame is None, f"a Python traceback in the CLI output: {shown[frame.start() :]}"
        leaks = [PLANTED_SECRET, *issued_tokens]
        # a secret the user stored in clear is in clear where the backend copies the config
        config_file = stack.dir / f"Pulumi.{stack.stack}.yaml"
        in_clear = config_file.is_file() and PLANTED_SECRET in config_file.read_text()
        texts = {"CLI output": shown, "state files": stack.state_files(history_config=not in_clear)}
        for where, text in texts.items():
            hits = (text.find(leak) for leak in leaks)
            found = [text[max(0, i - 300) : i + 40] for i in hits if i >= 0]
            assert not found, f"secret or token found in the {where}: {found}"


@pytest.fixture
def existing(api: ZarrApi) -> Iterator[dict[str, Any]]:
    """A collection made outside Pulumi, ingested; deleted afterwards if still there."""
    name = unique("existing")
    made = api.create(name, BUCKET, GOOD, CRS_4326)
    api.wait_final(made["id"])
    yield made
    if api.get(made["id"]) is not None:
        api.delete(made["id"])


def up_with_plain_secret(stack: Stack) -> str:
    """A user's slip: ``config set sentinelhub:clientSecret`` WITHOUT ``--secret`` (with
    ``--plaintext``, which the CLI asks for when the value looks like a secret; a value that
    does not is stored in clear without it), then ``up -v=9 --logtostderr``, whose output this
    searches for the secret (stack_factory searches the state files and every other output).

    That output is kept out of the transcript: the engine's verbose log also holds the
    plugins' own stderr, where a Python traceback is not the user's to see."""
    stack.run("config", "set", "--plaintext", "sentinelhub:clientSecret", stdin=PLANTED_SECRET)
    assert PLANTED_SECRET in (stack.dir / f"Pulumi.{stack.stack}.yaml").read_text()  # in clear
    verbose = stack.run("up", "--yes", "--skip-preview", "-v=9", "--logtostderr", record=False)
    at = verbose.text.find(PLANTED_SECRET)
    assert at < 0, f"the secret in the -v=9 output: {verbose.text[max(0, at - 300) : at + 40]}"
    return verbose.text


def spec(name: str, path: str = GOOD, **extra: Any) -> dict[str, Any]:
    """The inputs of one collection of the journeys' program."""
    return {"name": name, "s3_bucket": BUCKET, "path": path, "crs": CRS_4326, **extra}


def collections_named(api: ZarrApi, name: str) -> list[dict[str, Any]]:
    return [c for c in api.list() if c["name"] == name]


def dump(value: Any) -> str:
    return json.dumps(value, indent=1, default=str)


def check_function_outputs(out: dict[str, Any], buckets: Path) -> None:
    """The outputs examples/yaml-functions and examples/typescript take from the package's
    functions, looking at the collection they declare (path GOOD): as the emulator has it."""
    made = out["collectionId"]
    assert out["statusById"] == "INGESTED" and out["dataTypeByName"] == f"zarr-{made}", out
    assert out["namedIds"] == [made], out
    zarray = json.loads((buckets / BUCKET / GOOD / "B1" / ".zarray").read_text())
    assert out["firstArrayShape"] == zarray["shape"], out
    assert "clientSecret" not in json.dumps(out)


def check_name_lookups_fail(stack: Stack, api: ZarrApi, name: str) -> None:
    """The program's getZarrCollection by ``name`` + its ``lookupSuffix`` config fails with the
    plugin's wording: for a name nothing has, then for one two collections made in the emulator
    share. Previews: the collection named ``name`` exists, so the look-up runs then."""
    suffix = f"{stack.project}:lookupSuffix"
    stack.configure({suffix: " (gone)"})
    failed = stack.preview(ok=False).text
    assert f"there is no Zarr collection named '{name} (gone)' (for this account)" in failed, failed
    twin = f"{name} (twin)"
    twins = [api.create(twin, BUCKET, path, CRS_4326)["id"] for path in (GOOD, OTHER)]
    try:
        stack.configure({suffix: " (twin)"})
        failed = stack.preview(ok=False).text
    finally:
        for made in twins:
            api.delete(made)
    assert f"2 Zarr collections are named {twin!r}: " in failed, failed
    assert all(made in failed for made in twins) and "getZarrCollection with id" in failed, failed


def readme_values(name: str) -> dict[str, str]:
    """What a user fills in README.md's blocks, as the tests fill it: the collection's name, the
    emulator's bucket and store, the client id; and `--yes`, with no terminal to confirm on."""
    return {
        '"My Collection"': f'"{name}"',
        "my-bucket": BUCKET,
        "path-to-zarr.zarr/": GOOD,
        "<id>": CLIENT_ID,
        "\npulumi up\n": "\npulumi up --yes\n",
    }


def run_readme_block(
    stack: Stack,
    mark: str,
    substitutions: dict[str, str],
    *,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
) -> str:
    """Run README.md's bash block that follows ``mark`` (its ``<!-- run-by: FILE -->`` line)
    with ``bash -e -c`` in ``cwd`` (default ``stack.root``) and ``env`` (default the stack's),
    the client secret on stdin, after each of ``substitutions`` (each asserted present in the
    block). Its output joins the stack's transcript (searched for secrets) and is returned."""
    script = (REPO / "README.md").read_text().split(f"{mark}\n```bash\n", 1)[1]
    script = script.split("```", 1)[0]
    for placeholder, value in substitutions.items():
        assert placeholder in script, f"README.md's block after {mark} lacks {placeholder!r}"
        script = script.replace(placeholder, value)
    done = subprocess.run(
        ["bash", "-e", "-c", script],
        cwd=cwd or stack.root,
        env=env or stack.env,
        input=PLANTED_SECRET,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    shown = done.stdout + done.stderr
    stack.transcript.append(shown)
    assert done.returncode == 0, shown
    return shown
