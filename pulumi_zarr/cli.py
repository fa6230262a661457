"""The ``pulumi-zarr`` command line.

* ``pulumi-zarr collections list|get|arrays`` — look at a deployment, configured like the
  provider (``SH_*`` environment variables, or ``--base-url`` / ``--client-id``).
* ``pulumi-zarr emulator …`` — the local emulator (needs the ``emulator`` extra).
* ``pulumi-zarr validate LOCATION`` — check a Zarr store against the ingestion rules.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from typing import Any

from .errors import ConfigurationError, ZarrApiError
from .settings import PREFLIGHT_SOURCES, SOURCES, Settings, preflight_sources


def _settings(args: argparse.Namespace) -> Settings:
    config = {
        SOURCES["base_url"][0]: args.base_url,
        SOURCES["client_id"][0]: args.client_id,
        SOURCES["api_prefix"][0]: args.api_prefix,
    }
    return Settings.resolve({k: v for k, v in config.items() if v}, os.environ)


def _print(data: Any, as_json: bool, columns: Sequence[str] = ()) -> None:
    if as_json or not columns:
        print(json.dumps(data, indent=2, sort_keys=True))
        return
    rows = data if isinstance(data, list) else [data]
    widths = [max([len(c), *(len(str(r.get(c, ""))) for r in rows)]) for c in columns]
    print("  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)))
    for row in rows:
        print("  ".join(str(row.get(c, "")).ljust(w) for c, w in zip(columns, widths, strict=True)))


def _collections(args: argparse.Namespace) -> int:
    from .client import ZarrClient

    client = ZarrClient(_settings(args))
    try:
        if args.action == "list":
            rows = []
            for i, c in enumerate(client.list_collections(search=args.search), start=1):
                rows.append(c.to_wire())
                if not args.json and i % 100 == 0:
                    print(f"… {i} collections so far", file=sys.stderr)
            _print(rows, args.json, ("id", "name", "status", "s3Bucket", "path"))
        elif args.action == "get":
            _print(client.get(args.id).to_wire(), True)
        else:
            rows = [a.to_wire() for a in client.list_arrays(args.id, search=args.search)]
            _print(rows, args.json, ("name", "path"))
    finally:
        client.close()
    return 0


def _emulator(args: argparse.Namespace) -> int:
    try:
        from .emulator.__main__ import main as emulator_main
    except ImportError as exc:
        print(
            f"the emulator needs the optional extra: pip install 'pulumi-zarr[emulator]' ({exc})",
            file=sys.stderr,
        )
        return 2
    return emulator_main(args.rest)


def _validate(args: argparse.Namespace) -> int:
    from .preflight import StorageError, run_preflight
    from .schema import crs_url

    crs = crs_url(int(args.crs)) if args.crs and args.crs.isdigit() else args.crs

    def progress(message: str) -> None:
        print(f"… {message}", file=sys.stderr, flush=True)

    try:
        report = run_preflight(args.location, crs, s3_endpoint=args.s3_endpoint, progress=progress)
    except StorageError as exc:
        print(f"pulumi-zarr: cannot read the Zarr store: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(report.as_dict(), indent=2) if args.json else report.text())
    return 0 if report.ok else 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="pulumi-zarr", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)

    col = commands.add_parser("collections", help="list or inspect collections of a deployment")
    col.add_argument("--base-url", help="deployment URL (default: SH_BASE_URL or Sentinel Hub EU)")
    col.add_argument("--client-id", help="OAuth client id (default: SH_CLIENT_ID)")
    col.add_argument("--api-prefix", help="/api/v1/zarr (default) or /zarr/v1")
    col.add_argument("--json", action="store_true", help="print JSON")
    actions = col.add_subparsers(dest="action", required=True)
    listing = actions.add_parser("list", help="every collection (all pages)")
    listing.add_argument("--search", help="only names containing this")
    get = actions.add_parser("get", help="one collection")
    get.add_argument("id")
    arrays = actions.add_parser("arrays", help="the ingested arrays of a collection")
    arrays.add_argument("id")
    arrays.add_argument("--search", help="only names containing this")
    col.set_defaults(run=_collections)

    emu = commands.add_parser(
        "emulator", help="run the local emulator (same options as python -m pulumi_zarr.emulator)"
    )
    emu.add_argument("rest", nargs=argparse.REMAINDER)
    emu.set_defaults(run=_emulator)

    val = commands.add_parser(
        "validate",
        help="check a Zarr store against the ingestion rules (exit 1 on violations, 2 if "
        "unreadable)",
    )
    val.add_argument("location", help="a folder, or s3://bucket/prefix/ (AWS credentials as usual)")
    val.add_argument(
        "--crs",
        help="the collection's CRS: EPSG code or opengis URL (default: the group's 'crs' "
        "attribute, else 4326)",
    )
    val.add_argument(
        "--s3-endpoint",
        default=preflight_sources({}, os.environ)["s3_endpoint"],
        help=f"S3-compatible endpoint URL (default: {PREFLIGHT_SOURCES['s3_endpoint'][1]}, "
        "else AWS)",
    )
    val.add_argument("--json", action="store_true", help="print the report as JSON")
    val.set_defaults(run=_validate)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except (ConfigurationError, ZarrApiError) as exc:
        print(f"pulumi-zarr: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
