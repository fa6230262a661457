"""``pulumi-zarr emulator …`` and ``python -m pulumi_zarr.emulator …``: one definition of the
options, the same parse from both, a real server from the console script, a missing extra."""

from __future__ import annotations

import dataclasses
import json
import re
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from pulumi_zarr import cli
from pulumi_zarr.emulator import __main__ as emulator_main
from pulumi_zarr.emulator.app import Config
from pulumi_zarr.emulator.server import EmulatorProcess

README = Path(__file__).resolve().parents[2] / "README.md"
EVERY_OPTION = [
    "--host", "127.0.0.1", "--port", "0", "--buckets", "{dir}", "--client", "a:a-secret",
    "--client", "b:b-secret", "--ingest-delay", "0.1", "--state", "{dir}/state.sqlite",
    "--token-ttl", "60", "--log-level", "warning",
]  # fmt: skip


def every_option(directory: Path) -> list[str]:
    return [a.format(dir=directory) for a in EVERY_OPTION]


def emulator_flags() -> set[str]:
    parser = emulator_main.parser()
    return {flag for action in parser._actions for flag in action.option_strings} - {"-h", "--help"}


def settings(args: Any) -> dict[str, Any]:
    """What a parse means to the emulator: its Config and the server's options."""
    return {
        **emulator_main.config_values(args),
        **{k: getattr(args, k) for k in ("host", "port", "log_level")},
    }


@pytest.mark.parametrize(
    "argv",
    [
        "every",
        ["--s3-endpoint", "http://127.0.0.1:9"],
        ["--buckets", ".", "--client", "x:y"],
    ],
)
def test_both_entry_points_parse_every_option_alike(tmp_path, argv):
    argv = every_option(tmp_path) if argv == "every" else argv
    direct = emulator_main.parser().parse_args(argv)
    via_cli = cli.build_parser().parse_args(["emulator", *argv])
    assert settings(via_cli) == settings(direct)
    if argv[0] == "--host":  # every option given: each one reached the settings
        assert settings(direct) == {
            "buckets_dir": str(tmp_path),
            "s3_endpoint": None,
            "clients": {"a": "a-secret", "b": "b-secret"},
            "ingest_delay": 0.1,
            "state_path": f"{tmp_path}/state.sqlite",
            "token_ttl": 60.0,
            "host": "127.0.0.1",
            "port": 0,
            "log_level": "warning",
        }


def test_the_options_cover_the_emulator_config_with_its_defaults():
    fields = {f.name: f for f in dataclasses.fields(Config)}
    assert set(emulator_main.CONFIG_FIELDS) == set(fields)
    parsed = emulator_main.config_values(emulator_main.parser().parse_args(["--buckets", "."]))
    assert {**parsed, "buckets_dir": None} == dataclasses.asdict(Config())


def test_the_readme_names_every_option():
    text = README.read_text()
    usage = text[text.index("## The emulator") :]
    assert {f for f in emulator_flags() if f not in usage} == set()


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        ([], "one of the arguments --buckets --s3-endpoint is required"),
        (["--buckets", ".", "--s3-endpoint", "http://127.0.0.1:9"], "not allowed with argument"),
        (["--buckets", ".", "--client", "nocolon"], "argument --client: expected ID:SECRET"),
        (["--buckets", "/no/such/dir"], "argument --buckets: no such folder: /no/such/dir"),
        (["--buckets", ".", "--port", "x"], "argument --port: invalid int value: 'x'"),
    ],
)
def test_usage_errors_exit_2(capsys, argv, says):
    assert cli.main(["emulator", *argv]) == 2
    assert says in capsys.readouterr().err


def test_a_busy_port_exits_2_saying_what_to_change(buckets_dir):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        argv = ["emulator", "--buckets", str(buckets_dir), "--port", str(port)]
        done = subprocess.run(
            [sys.executable, "-m", "pulumi_zarr.cli", *argv],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.endswith(
        f"pulumi-zarr: cannot listen on 127.0.0.1 port {port}: Address already in use; choose "
        "another --port (0: a free one) or --host\n"
    )


@pytest.mark.parametrize("entry", ["pulumi-zarr", "python -m pulumi_zarr.emulator"])
def test_without_the_extra_says_what_to_install(capsys, monkeypatch, tmp_path, entry):
    monkeypatch.setitem(sys.modules, "uvicorn", None)  # import uvicorn fails as if not installed
    argv = ["--buckets", str(tmp_path)]
    code = cli.main(["emulator", *argv]) if entry == "pulumi-zarr" else emulator_main.main(argv)
    out, err = capsys.readouterr()
    assert (code, out) == (2, "")
    assert err == (
        f"{entry if entry == 'pulumi-zarr' else 'python -m pulumi_zarr.emulator'}: the emulator "
        "needs the optional extra 'emulator': pip install \"pulumi-zarr[emulator]\" (module "
        "'uvicorn' is missing)\n"
    )


def test_the_console_script_serves_with_every_option(tmp_path, buckets_dir, capsys, monkeypatch):
    script = Path(sys.executable).with_name("pulumi-zarr")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "pulumi_zarr.cli"]
    emulator = EmulatorProcess()
    emulator.argv = [*command, "emulator", *every_option(buckets_dir)]  # instead of -m …emulator
    with emulator:
        monkeypatch.setenv("SH_CLIENT_SECRET", "b-secret")
        assert (
            cli.main(
                ["collections", "list", "--json", "--base-url", emulator.url, "--client-id", "b"]
            )
            == 0
        )
        assert json.loads(capsys.readouterr().out) == []
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+", emulator.url)
    assert (buckets_dir / "state.sqlite").exists()  # --state reached the server
