"""``python -m pulumi_zarr.emulator``: serve the emulator until interrupted.

The emulator's command-line options are defined here once (:func:`add_options`), for this
entry point and for ``pulumi-zarr emulator``, with the defaults of :mod:`.config`. Defining
them needs no optional extra; FastAPI and uvicorn are imported only by :func:`serve`.
"""

from __future__ import annotations

import argparse
import logging
import sqlite3
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NamedTuple

from ..api.deployments import BY_NAME
from ..errors import ConfigurationError, MissingExtra
from .auth import ClientCredentials
from .config import CONFIG_FIELDS, DEFAULT_CLIENTS, LOG_LEVELS, Config, ServerOptions
from .control import duration_problem

_SERVER = ServerOptions()


def _client(text: str) -> ClientCredentials:
    client_id, sep, secret = text.partition(":")
    if not sep or not client_id or not secret:
        raise argparse.ArgumentTypeError("expected ID:SECRET")
    return ClientCredentials(client_id, secret)


def _folder(text: str) -> str:
    if not Path(text).is_dir():
        raise argparse.ArgumentTypeError(f"no such folder: {text}")
    return text


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        port = -1
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(
            f"expected a TCP port, 0 to 65535 (0: a free one), got {text!r}"
        )
    return port


def _state_file(text: str) -> str:
    path = Path(text)
    if path.is_dir():
        raise argparse.ArgumentTypeError(f"{text} is a folder: give the path of a file in it")
    if not path.parent.is_dir():
        raise argparse.ArgumentTypeError(f"no such folder: {path.parent} (create it first)")
    return text


def _seconds(*, zero: bool) -> Callable[[str], float]:
    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            value = float("nan")
        problem = duration_problem(value, zero=zero)
        if problem:
            raise argparse.ArgumentTypeError(f"{problem}, got {text!r}")
        return value

    return parse


def _seconds_option(parser: argparse.ArgumentParser, field: str, *, zero: bool, help: str) -> None:
    """``--<field>``, a number of seconds defaulting to the :class:`Config` field's default."""
    parser.add_argument(
        "--" + field.replace("_", "-"),
        type=_seconds(zero=zero),
        default=getattr(Config, field),
        metavar="SECONDS",
        help=f"{help} (%(default)s)",
    )


def add_options(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Add the emulator's options to ``parser`` (the one definition of them)."""
    parser.add_argument("--host", default=_SERVER.host, help="address to listen on (%(default)s)")
    parser.add_argument(
        "--port", type=_port, default=_SERVER.port, help="%(default)s; 0: a free port"
    )
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument(
        "--buckets",
        dest="buckets_dir",
        type=_folder,
        metavar="DIR",
        help="folder whose sub-folders are buckets (nothing outside it is read)",
    )
    where.add_argument(
        "--s3-endpoint",
        metavar="URL",
        help="S3-compatible endpoint to read buckets from (AWS credentials as usual)",
    )
    where.add_argument(
        "--s3",
        action="store_true",
        help="start moto's S3 server on 127.0.0.1 too and read buckets from it (needs "
        "pulumi-zarr[emulator-s3]; its URL is printed)",
    )
    parser.add_argument(
        "--deployment",
        default=Config.deployment,
        choices=list(BY_NAME),
        help="on S3, the deployment the emulator stands in for: an ingestion from a bucket whose "
        "policy does not grant its principal the reads, or in another region, FAILS "
        "(%(default)s)",
    )
    parser.add_argument(
        "--client",
        dest="clients",
        action="append",
        type=_client,
        default=[],
        metavar="ID:SECRET",
        help="OAuth client, each its own account (repeatable); default "
        + ", ".join(f"{client_id}:{secret}" for client_id, secret in DEFAULT_CLIENTS.items()),
    )
    _seconds_option(
        parser, "ingest_delay", zero=True, help="time from create or re-ingest to a final status"
    )
    parser.add_argument(
        "--state",
        dest="state_path",
        type=_state_file,
        metavar="PATH",
        help="SQLite file keeping collections across restarts (default: in memory)",
    )
    _seconds_option(parser, "token_ttl", zero=False, help="lifetime of issued tokens")
    parser.add_argument("--log-level", default=_SERVER.log_level, choices=LOG_LEVELS)
    return parser


def parser() -> argparse.ArgumentParser:
    """The parser of ``python -m pulumi_zarr.emulator``."""
    return add_options(
        argparse.ArgumentParser(
            prog="python -m pulumi_zarr.emulator",
            description="Local emulator of Sentinel Hub's Zarr Import API",
        )
    )


def config_values(args: argparse.Namespace) -> dict[str, Any]:
    """The keyword arguments of ``Config`` that the parsed options give."""
    values = {name: getattr(args, name) for name in CONFIG_FIELDS}
    values["clients"] = dict(args.clients or DEFAULT_CLIENTS)
    return values


def serve(args: argparse.Namespace) -> int:
    """Run the emulator the parsed options describe until interrupted; print its URL once
    it accepts connections. Raises :class:`MissingExtra` without the ``emulator`` extra and
    :class:`ConfigurationError` when it cannot listen there."""
    try:
        import uvicorn

        from .app import EmulatorApp
        from .server import LISTENING, bind, uvicorn_config
    except ImportError as exc:
        if (exc.name or "").startswith("pulumi_zarr"):
            raise
        raise MissingExtra("emulator", "the emulator", exc.name) from exc

    class _Server(uvicorn.Server):
        """Prints the URL once the server accepts connections."""

        url = ""

        async def startup(self, sockets: Any = None) -> None:
            await super().startup(sockets=sockets)
            if not self.should_exit:
                print(f"{LISTENING}{self.url}", flush=True)

    logging.basicConfig(level=args.log_level.upper(), format="%(levelname)s %(name)s: %(message)s")
    values = config_values(args)
    moto = _start_moto(args.host) if args.s3 else None
    if moto is not None:
        values["s3_endpoint"] = moto.url
    try:
        app = EmulatorApp(Config(**values))
    except sqlite3.Error as exc:
        raise ConfigurationError(
            f"cannot keep the state in {args.state_path}: {exc}; give another --state file"
        ) from None
    try:
        sock = bind(args.host, args.port)
    except OSError as exc:
        raise ConfigurationError(
            f"cannot listen on {args.host} port {args.port}: {exc.strerror or exc}; choose "
            "another --port (0: a free one) or --host"
        ) from None
    port = sock.getsockname()[1]
    host = f"[{args.host}]" if ":" in args.host else args.host
    server = _Server(uvicorn_config(app, access_log=True, log_level=args.log_level))
    server.url = f"http://{host}:{port}"
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
        if moto is not None:
            moto.server.stop()
    return 0


class _Moto(NamedTuple):
    server: Any  # moto.server.ThreadedMotoServer
    url: str


def _start_moto(host: str) -> _Moto:
    """moto's S3 server on ``host`` (a free port), with test credentials for this process
    when it has none (moto accepts any); its URL and how to reach it are printed."""
    import os

    try:
        from moto.server import ThreadedMotoServer
    except ImportError as exc:
        raise MissingExtra("emulator-s3", "--s3 (moto's S3 server)", exc.name) from exc
    from .server import S3_LISTENING

    for variable in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        os.environ.setdefault(variable, "testing")
    server = ThreadedMotoServer(ip_address=host, port=0, verbose=False)
    server.start()
    bound_host, port = server.get_host_and_port()
    url = f"http://{bound_host}:{port}"
    print(f"{S3_LISTENING}{url}", flush=True)
    print(
        f"  write buckets with AWS_ENDPOINT_URL={url} (any AWS credentials); preflight reads "
        f"them with `pulumi config set sentinelhub:preflightS3Endpoint {url}`",
        flush=True,
    )
    return _Moto(server, url)


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return serve(args)
    except (MissingExtra, ConfigurationError) as exc:
        print(f"python -m pulumi_zarr.emulator: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
