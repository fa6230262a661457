"""``python -m pulumi_zarr.emulator``: serve the emulator until interrupted."""

from __future__ import annotations

import argparse
import logging
import sys
from typing import Any

import uvicorn

from .app import Config, EmulatorApp
from .server import LISTENING, bind, uvicorn_config


def _client(text: str) -> tuple[str, str]:
    client_id, sep, secret = text.partition(":")
    if not sep or not client_id or not secret:
        raise argparse.ArgumentTypeError("expected ID:SECRET")
    return client_id, secret


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m pulumi_zarr.emulator",
        description="Local emulator of Sentinel Hub's Zarr Import API",
    )
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8080, help="0: any free port")
    where = p.add_mutually_exclusive_group(required=True)
    where.add_argument("--buckets", metavar="DIR", help="folder whose sub-folders are buckets")
    where.add_argument("--s3-endpoint", metavar="URL", help="S3-compatible endpoint to read from")
    p.add_argument(
        "--client",
        action="append",
        type=_client,
        default=[],
        metavar="ID:SECRET",
        help="OAuth client (repeatable); default local:local-secret",
    )
    p.add_argument("--ingest-delay", type=float, default=1.0, metavar="SECONDS")
    p.add_argument("--state", metavar="PATH", help="SQLite file keeping collections")
    p.add_argument("--token-ttl", type=float, default=3600.0, metavar="SECONDS")
    p.add_argument("--log-level", default="info", choices=["debug", "info", "warning", "error"])
    return p


class _Server(uvicorn.Server):
    """Prints the URL once the server accepts connections."""

    url = ""

    async def startup(self, sockets: Any = None) -> None:
        await super().startup(sockets=sockets)
        if not self.should_exit:
            print(f"{LISTENING}{self.url}", flush=True)


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    logging.basicConfig(level=args.log_level.upper(), format="%(levelname)s %(name)s: %(message)s")
    config = Config(
        buckets_dir=args.buckets,
        s3_endpoint=args.s3_endpoint,
        clients=dict(args.client) or {"local": "local-secret"},
        ingest_delay=args.ingest_delay,
        state_path=args.state,
        token_ttl=args.token_ttl,
    )
    app = EmulatorApp(config)
    sock = bind(args.host, args.port)
    port = sock.getsockname()[1]
    host = f"[{args.host}]" if ":" in args.host else args.host
    server = _Server(uvicorn_config(app, access_log=True, log_level=args.log_level))
    server.url = f"http://{host}:{port}"
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
