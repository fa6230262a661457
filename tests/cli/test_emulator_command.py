"""``pulumi-zarr emulator …`` and ``python -m pulumi_zarr.emulator …``: one definition of the
options, the same parse from both, a real server from the console script, a missing extra."""

from __future__ import annotations

import dataclasses
import json
import re
import socket
import sys
from pathlib import Path
from typing import Any

import pytest

from cli.helpers import command, run_command
from pulumi_zarr import cli
from pulumi_zarr.emulator import __main__ as emulator_main
from pulumi_zarr.emulator.config import SERVER_FIELDS, Config, ServerOptions
from pulumi_zarr.emulator.server import EmulatorProcess

ROOT = Path(__file__).resolve().parents[2]  # the checkout the suite's editable install is from

README = ROOT / "README.md"
EVERY_OPTION = [
    "--host", "127.0.0.1", "--port", "0", "--buckets", "{dir}", "--client", "a:a-secret",
    "--client", "b:b-secret", "--ingest-delay", "0.1", "--state", "{dir}/state.sqlite",
    "--token-ttl", "60", "--log-level", "warning", "--deployment", "cdse",
]  # fmt: skip


def every_option(directory: Path) -> list[str]:
    return [a.format(dir=directory) for a in EVERY_OPTION]


NOT_SECONDS = ("nan", "inf", "-1", "x")


def emulator_flags() -> set[str]:
    parser = emulator_main.parser()
    return {flag for action in parser._actions for flag in action.option_strings} - {"-h", "--help"}


def settings(args: Any) -> dict[str, Any]:
    """What a parse means to the emulator: its Config and the server's options."""
    return {
        **emulator_main.config_values(args),
        **{k: getattr(args, k) for k in SERVER_FIELDS},
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
            "deployment": "cdse",
            "host": "127.0.0.1",
            "port": 0,
            "log_level": "warning",
            "s3": False,
        }


def test_the_options_cover_the_emulator_config_with_its_defaults():
    fields = {f.name: f for f in dataclasses.fields(Config)}
    assert set(emulator_main.CONFIG_FIELDS) == set(fields)
    parsed = emulator_main.config_values(emulator_main.parser().parse_args(["--buckets", "."]))
    assert {**parsed, "buckets_dir": None} == dataclasses.asdict(Config())
    args = emulator_main.parser().parse_args(["--buckets", "."])
    assert ServerOptions(**{k: getattr(args, k) for k in SERVER_FIELDS}) == ServerOptions()


def test_the_readme_names_every_option():
    text = README.read_text()
    usage = text[text.index("## The emulator") :]
    assert {f for f in emulator_flags() if f not in usage} == set()


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        ([], "one of the arguments --buckets --s3-endpoint --s3 is required"),
        (["--buckets", ".", "--s3-endpoint", "http://127.0.0.1:9"], "not allowed with argument"),
        (["--s3", "--s3-endpoint", "http://127.0.0.1:9"], "not allowed with argument"),
        (["--s3", "--deployment", "mars"], "invalid choice: 'mars' (choose from"),
        (["--buckets", ".", "--client", "nocolon"], "argument --client: expected ID:SECRET"),
        (["--buckets", "/no/such/dir"], "argument --buckets: no such folder: /no/such/dir"),
        (["--buckets", ".", "--port", "x"], "argument --port: expected a TCP port, 0 to 65535"),
    ],
)
def test_usage_errors_exit_2(capsys, argv, says):
    assert cli.main(["emulator", *argv]) == 2
    assert says in capsys.readouterr().err


@pytest.mark.parametrize(
    ("flag", "value"),
    [
        *((flag, value) for flag in ("--ingest-delay", "--token-ttl") for value in NOT_SECONDS),
        ("--token-ttl", "0"),
    ],
)
def test_a_delay_or_ttl_that_is_not_a_duration_is_a_usage_error(capsys, flag, value):
    with pytest.raises(SystemExit) as exited:  # the parse (shared by both commands) refuses it
        emulator_main.parser().parse_args(["--buckets", ".", flag, value])
    allowed = "0 or more" if flag == "--ingest-delay" else "above 0"
    assert exited.value.code == 2
    assert capsys.readouterr().err.endswith(
        f"error: argument {flag}: must be a finite number of seconds, {allowed}, got '{value}'\n"
    )


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (
            ["--port", "99999"],
            "argument --port: expected a TCP port, 0 to 65535 (0: a free one), got '99999'",
        ),
        (
            ["--state", "{dir}/missing/s.db"],
            "argument --state: no such folder: {dir}/missing (create it first)",
        ),
        (
            ["--state", "{dir}"],
            "argument --state: {dir} is a folder: give the path of a file in it",
        ),
    ],
)
def test_the_command_refuses_a_bad_port_or_state_file_without_a_traceback(tmp_path, argv, says):
    argv = [a.format(dir=tmp_path) for a in argv]
    done = run_command("emulator", "--buckets", str(tmp_path), *argv)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.splitlines()[-1] == "pulumi-zarr emulator: error: " + says.format(
        dir=tmp_path
    )
    assert "Traceback" not in done.stderr


def test_a_state_file_that_is_not_a_database_exits_2(tmp_path, buckets_dir):
    (tmp_path / "notes.txt").write_text("not a database, " * 100)
    done = run_command(
        "emulator",
        "--buckets",
        str(buckets_dir),
        "--state",
        str(tmp_path / "notes.txt"),
        "--port",
        "0",
    )
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == (
        f"pulumi-zarr: cannot keep the state in {tmp_path / 'notes.txt'}: file is not a database; "
        "give another --state file\n"
    )


def test_a_busy_port_exits_2_saying_what_to_change(buckets_dir):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        done = run_command("emulator", "--buckets", str(buckets_dir), "--port", str(port))
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
        f"needs the optional extra 'emulator': pip install -e \"{ROOT}[emulator]\" (module "
        "'uvicorn' is missing)\n"
    )


def test_the_console_script_serves_with_every_option(tmp_path, buckets_dir, capsys, monkeypatch):
    emulator = EmulatorProcess()
    emulator.argv = [*command(), "emulator", *every_option(buckets_dir)]  # not -m …emulator
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
