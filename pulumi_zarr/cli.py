"""The ``pulumi-zarr`` command line: look at collections, run the emulator, check a Zarr store,
write ``pulumi import --file`` documents (``pulumi-zarr --help`` lists the commands).

Exit status: 0 ok; 1 findings (rule violations) or an error answer of the API (or the output was
closed early, as by ``| head``: quietly); 2 a usage error, bad configuration or a missing optional
extra (the message says what to fix or install).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, NamedTuple

from .api.config import BY_NAME, CONNECTION, PREFLIGHT, PROFILE, Reader, first_set
from .api.endpoints import API_PREFIXES, DEFAULT_API_PREFIX
from .api.settings import Settings
from .errors import ConfigurationError, MissingExtra, ZarrApiError
from .terminal import printable, unsafe_characters

PROG = "pulumi-zarr"
#: Exit statuses; CLOSED: the output was closed early (Python's status on EPIPE).
OK, FINDINGS, USAGE = 0, 1, 2
CLOSED = 1

#: Flags that work before or after the subcommand: dest -> default. Each is defined once in
#: :func:`_shared_flags` and accepted by the commands that use it.
CONNECTION_FLAGS = {s.name: None for s in CONNECTION if s.has_flag}
OUTPUT_FLAGS = {"json": False}


class SharedFlags(NamedTuple):
    connection: argparse.ArgumentParser
    output: argparse.ArgumentParser


def _shared_flags() -> SharedFlags:
    """Parent parsers of the shared flags: (connection, output). Their defaults are
    suppressed so a flag given before the subcommand is not reset by the subcommand's
    parser; :func:`main` fills in the defaults after parsing."""
    connection = argparse.ArgumentParser(add_help=False, argument_default=argparse.SUPPRESS)
    group = connection.add_argument_group("connection (before or after the subcommand)")
    base_url, client_id, api_prefix = (BY_NAME[k] for k in ("base_url", "client_id", "api_prefix"))
    group.add_argument(
        base_url.flag,
        metavar="URL",
        help=f"deployment URL (default: {base_url.variable} or Sentinel Hub EU)",
    )
    group.add_argument(
        client_id.flag,
        metavar="ID",
        help=f"OAuth client id (default: {client_id.variable}); the secret is read from "
        f"{BY_NAME['client_secret'].variable} (or a sentinelhub-py profile) only",
    )
    group.add_argument(
        api_prefix.flag,
        metavar="PREFIX",
        help=f"{' or '.join(API_PREFIXES)} (default: {api_prefix.variable}, else "
        f"{DEFAULT_API_PREFIX})",
    )
    output = argparse.ArgumentParser(add_help=False, argument_default=argparse.SUPPRESS)
    output.add_argument("--json", action="store_true", help="print JSON instead of text")
    return SharedFlags(connection, output)


def _settings(args: argparse.Namespace) -> Settings:
    """The settings of the flags, the environment and sentinelhub-py's profiles, as the
    provider resolves them; messages name the flag a value came from."""
    flags = {s.flag: getattr(args, s.name) for s in CONNECTION if s.has_flag}
    return Settings.resolve(flags, os.environ, command_line=True)


def _one_line(value: Any) -> str:
    return " | ".join(str(value).splitlines()) if value is not None else ""


def _table(rows: Sequence[dict[str, str]], columns: Sequence[str]) -> str:
    """Rows as aligned columns under upper-case headers (the last column is not padded);
    every cell is service text, shown :func:`~pulumi_zarr.terminal.printable`."""
    rows = [{c: printable(r.get(c, "")) for c in columns} for r in rows]
    widths = [max([len(c), *(len(r.get(c, "")) for r in rows)]) for c in columns]
    lines = [[c.upper() for c in columns], *([r.get(c, "") for c in columns] for r in rows)]
    return "\n".join(
        "  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)).rstrip()
        for line in lines
    )


def _print_json(data: Any) -> None:
    print(json.dumps(data, indent=2, sort_keys=True))


COLLECTION_COLUMNS: tuple[str, ...] = ("id", "name", "status", "bucket", "path", "ingestion errors")
ARRAY_COLUMNS: tuple[str, ...] = ("name", "dtype", "shape", "chunks")


def _collection_row(wire: dict[str, Any]) -> dict[str, str]:
    return {
        "id": wire["id"],
        "name": wire["name"],
        "status": wire["status"],
        "bucket": wire["s3Bucket"],
        "path": wire["path"],
        "ingestion errors": _one_line(wire.get("ingestionErrors")),
    }


def _collection_text(wire: dict[str, Any]) -> str:
    bands = sorted((wire.get("additionalData") or {}).get("bands") or {})
    size = f"{wire['width']} x {wire['height']}" if wire.get("width") is not None else ""
    fields = {
        "id": wire["id"],
        "name": wire["name"],
        "status": wire["status"],
        "ingestion errors": _one_line(wire.get("ingestionErrors")),
        "bucket": wire["s3Bucket"],
        "path": wire["path"],
        "crs": wire["crs"],
        "created": wire.get("created") or "",
        "size (pixels)": size,
        "bands": ", ".join(bands),
        "data type": f"zarr-{wire['id']}",
    }
    width = max(map(len, fields)) + 1
    return "\n".join(f"{k + ':':<{width}} {printable(v)}".rstrip() for k, v in fields.items())


def _array_row(wire: dict[str, Any]) -> dict[str, str]:
    zarray = wire.get("zarray") or {}

    def dims(key: str) -> str:
        return " x ".join(map(str, zarray.get(key) or [])) or "?"

    return {
        "name": wire["name"],
        "dtype": str(zarray.get("dtype", "?")),
        "shape": dims("shape"),
        "chunks": dims("chunks"),
    }


def _collections(args: argparse.Namespace) -> int:
    from .api.client import ZarrClient

    client = ZarrClient(_settings(args))
    try:
        if args.action == "get":
            wire = client.get(args.id).to_wire()
            if args.json:
                _print_json(wire)
            else:
                print(_collection_text(wire))
            return OK
        if args.action == "list":
            found: Iterable[Any] = client.list_collections(search=args.search)
            what, row, columns = "collections", _collection_row, COLLECTION_COLUMNS
        else:
            found = client.list_arrays(args.id, search=args.search)
            what, row, columns = "arrays", _array_row, ARRAY_COLUMNS
        wires = []
        for i, item in enumerate(found, start=1):
            wires.append(item.to_wire())
            if not args.json and i % 100 == 0:
                print(f"… {i} {what} so far", file=sys.stderr, flush=True)
        if args.json:
            _print_json(wires)
        elif wires:
            print(_table([row(w) for w in wires], columns))
        else:
            print(f"no {what}" + (f" matching {args.search!r}" if args.search else ""))
    finally:
        client.close()
    return OK


class ResourcePair(NamedTuple):
    name: str
    collection_id: str


def _resource_pair(value: str) -> ResourcePair:
    """``NAME=ID``: a Pulumi resource name and the id of the collection it adopts. Pulumi takes
    any non-empty name; one with a control character (a newline, an escape sequence) could not
    be shown as it is, in Pulumi's output or ours, so it is refused."""
    name, sep, collection_id = value.partition("=")
    if not (sep and name and collection_id):
        raise argparse.ArgumentTypeError(
            f"expected NAME=COLLECTION_ID (the resource's name in the program), got {value!r}"
        )
    unsafe = unsafe_characters(name)
    if unsafe:
        raise argparse.ArgumentTypeError(
            f"resource name '{printable(name)}' holds control character(s) "
            f"{', '.join(dict.fromkeys(unsafe))}: use a name without them (as in the program)"
        )
    return ResourcePair(name, collection_id)


def _output_file(value: str) -> str:
    """``-o``: standard output (``-``), or a file in an existing folder; checked before any
    request so that a bad path fails at once."""
    if value == "-":
        return value
    path = os.path.abspath(value)
    if os.path.isdir(path):
        raise argparse.ArgumentTypeError(f"{value} is a folder: give the path of a file")
    if not os.path.isdir(os.path.dirname(path)):
        raise argparse.ArgumentTypeError(
            f"no such folder: {os.path.dirname(value) or '.'} (create it first)"
        )
    return value


def _import_file(args: argparse.Namespace) -> int:
    from .api.client import ZarrClient
    from .dynamic.import_file import import_document

    names = [name for name, _ in args.resources]
    twice = sorted({name for name in names if names.count(name) > 1})
    if twice:
        print(f"{PROG}: resource name(s) given twice: {', '.join(twice)}", file=sys.stderr)
        return USAGE
    client = ZarrClient(_settings(args))
    try:
        document = import_document(client, args.resources)
    finally:
        client.close()
    text = json.dumps(document, indent=2) + "\n"
    if args.output == "-":
        sys.stdout.write(text)
    else:
        try:
            with open(args.output, "w", encoding="utf-8") as out:
                out.write(text)
        except OSError as exc:
            print(f"{PROG}: cannot write {args.output}: {exc.strerror or exc}", file=sys.stderr)
            return USAGE
        print(
            f"wrote {args.output}; next: pulumi import --file {args.output} --protect=false "
            "--generate-code=false, then declare the same resources in the program",
            file=sys.stderr,
        )
    return OK


def _emulator(args: argparse.Namespace) -> int:
    from .emulator.__main__ import serve

    return serve(args)


def _crs(value: str) -> str:
    """``--crs``: an EPSG code or the opengis URL the ZarrCollection resource accepts."""
    from .collection.spec import check_crs, crs_url

    try:
        return check_crs(crs_url(int(value)) if value.isdigit() else value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{exc} (or just the EPSG code, e.g. 4326)") from None


def _validate(args: argparse.Namespace) -> int:
    from .preflight import PreflightUnavailable, StorageError, run_preflight

    def progress(message: str) -> None:
        print(f"… {message}", file=sys.stderr, flush=True)

    try:
        report = run_preflight(
            args.location, args.crs, s3_endpoint=args.s3_endpoint, progress=progress
        )
    except PreflightUnavailable as exc:
        module = getattr(exc.__cause__, "name", None)
        raise MissingExtra("preflight", "validate", module) from exc
    except StorageError as exc:
        print(f"{PROG}: cannot read the Zarr store: {exc}", file=sys.stderr)
        return USAGE
    if args.json:
        _print_json(report.as_dict())
    else:
        print(report.text())
    return OK if report.ok else FINDINGS


def _sample_cube(args: argparse.Namespace) -> int:
    from .collection.spec import check_bucket, check_path

    try:
        bucket, path = check_bucket(args.bucket), check_path(args.path)
    except ValueError as exc:
        print(f"{PROG}: sample-cube: {exc}", file=sys.stderr)
        return USAGE
    try:
        from .emulator.samples import CRS_URLS, write_cube
    except ImportError as exc:
        raise MissingExtra("emulator", "sample-cube", getattr(exc, "name", None)) from exc
    grid = next((key for key, url in CRS_URLS.items() if url == args.crs), None)
    if grid is None:
        codes = ", ".join(url.rsplit("/", 1)[-1] for url in CRS_URLS.values())
        print(f"{PROG}: sample-cube: --crs: sample grids exist for EPSG {codes}", file=sys.stderr)
        return USAGE
    target = Path(args.buckets) / bucket / path
    if target.exists():
        print(f"{PROG}: sample-cube: {target} exists; choose another --path", file=sys.stderr)
        return USAGE
    arrays = tuple(a for a in args.arrays.split(",") if a)
    write_cube(target, arrays=arrays, times=args.times or None, crs=grid)
    if args.json:
        _print_json(
            {
                "store": str(target),
                "s3Bucket": bucket,
                "path": path,
                "crs": args.crs,
                "arrays": list(arrays),
            }
        )
        return OK
    print(f"wrote a Zarr group with arrays {', '.join(arrays)} to {target}")
    print(f"serve it:   pulumi-zarr emulator --buckets {args.buckets}")
    print(f"declare it: s3_bucket={bucket!r} path={path!r} crs={args.crs!r}")
    return OK


def build_parser() -> argparse.ArgumentParser:
    """The parser of every command; shared flags are accepted before or after a subcommand."""
    from . import __version__
    from .emulator.__main__ import add_options as add_emulator_options

    connection, output = _shared_flags()
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Look at Zarr collections of a Sentinel Hub deployment, run the local "
        "emulator of the Zarr Import API, check a Zarr store before deploying it.",
        epilog=__doc__.split("\n\n")[-1],
        parents=[connection, output],
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(
        name: str, run: Callable[[argparse.Namespace], int], accepts: dict[str, Any], **kw: Any
    ) -> argparse.ArgumentParser:
        sub: argparse.ArgumentParser = commands.add_parser(name, **kw)
        sub.set_defaults(run=run, accepts=accepts)
        return sub

    shared = [connection, output]
    col = command(
        "collections",
        _collections,
        {**CONNECTION_FLAGS, **OUTPUT_FLAGS},
        parents=shared,
        help="list or inspect the collections of a deployment",
        description="Collections of a deployment, as the provider sees them ("
        + ", ".join(s.variable for s in CONNECTION if Reader.CLI in s.readers)
        + f"; flags win over the environment; a sentinelhub-py profile ({PROFILE.variable}, "
        "else [default-profile]) fills what is unset).",
    )
    actions = col.add_subparsers(dest="action", required=True, metavar="ACTION")
    listing = actions.add_parser(
        "list", parents=shared, help="every collection (all pages): status, ingestion errors"
    )
    listing.add_argument("--search", help="only names containing this")
    get = actions.add_parser("get", parents=shared, help="one collection")
    get.add_argument("id")
    arrays = actions.add_parser(
        "arrays", parents=shared, help="the ingested arrays of a collection"
    )
    arrays.add_argument("id")
    arrays.add_argument("--search", help="only names containing this")

    imp = command(
        "import-file",
        _import_file,
        CONNECTION_FLAGS,
        parents=[connection],
        help="write a `pulumi import --file` document for existing collections",
        description="Adopt existing collections as dynamic ZarrCollection resources: reads "
        "each from the service and writes the entries `pulumi import --file` takes as they are "
        "(the engine cannot import a dynamic resource by id). Exit 1 when a collection does "
        "not exist.",
    )
    imp.add_argument(
        "resources",
        nargs="+",
        type=_resource_pair,
        metavar="NAME=ID",
        help="the resource's name in the program, and the collection's id",
    )
    imp.add_argument(
        "-o",
        "--output",
        default="-",
        type=_output_file,
        help="the file to write (default: standard output)",
    )

    emu = command(
        "emulator",
        _emulator,
        {},
        help="run the local emulator (needs pulumi-zarr[emulator])",
        description="Local emulator of Sentinel Hub's Zarr Import API; the same options as "
        "python -m pulumi_zarr.emulator.",
    )
    add_emulator_options(emu)

    val = command(
        "validate",
        _validate,
        OUTPUT_FLAGS,
        parents=[output],
        help="check a Zarr store against the ingestion rules (needs pulumi-zarr[preflight])",
        description="Exit 0: no violation; 1: violations (skipped arrays count); 2: the store "
        "can't be read, a bad option, or the preflight extra is missing.",
    )
    val.add_argument("location", help="a folder, or s3://bucket/prefix/ (AWS credentials as usual)")
    val.add_argument(
        "--crs",
        type=_crs,
        help="the collection's CRS: EPSG code or opengis URL (default: the group's 'crs' "
        "attribute, else 4326)",
    )
    val.add_argument(
        BY_NAME["s3_endpoint"].flag,
        metavar="URL",
        default=first_set(PREFLIGHT, {}, os.environ)["s3_endpoint"],
        help=f"S3-compatible endpoint URL (default: {BY_NAME['s3_endpoint'].variable}, else AWS)",
    )
    cube = command(
        "sample-cube",
        _sample_cube,
        OUTPUT_FLAGS,
        parents=[output],
        help="write a small Zarr cube that ingests, for the emulator (needs pulumi-zarr[emulator])",
        description="Write a Zarr v2 group that passes every ingestion rule into a buckets folder "
        "(BUCKETS/BUCKET/PATH), to serve with `pulumi-zarr emulator --buckets BUCKETS`.",
    )
    cube.add_argument(
        "--buckets", required=True, metavar="DIR", help="the emulator's buckets folder"
    )
    cube.add_argument("--bucket", default="cubes", help="the bucket: a folder in it (%(default)s)")
    cube.add_argument("--path", default="demo.zarr/", help="the group's prefix (%(default)s)")
    cube.add_argument("--arrays", default="B1,B2,B3", help="comma-separated (%(default)s)")
    cube.add_argument("--times", type=int, default=0, help="time steps (default: none)")
    cube.add_argument(
        "--crs", type=_crs, default=_crs("4326"), help="EPSG code or opengis URL (4326)"
    )
    return parser


def _parse(parser: argparse.ArgumentParser, argv: Sequence[str] | None) -> argparse.Namespace:
    args = parser.parse_args(argv)
    for dest, default in {**CONNECTION_FLAGS, **OUTPUT_FLAGS}.items():
        if not hasattr(args, dest):
            setattr(args, dest, default)
        elif dest not in args.accepts:
            flag = "--" + dest.replace("_", "-")
            parser.error(f"{flag} does not apply to '{args.command}'")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (see the module's docstring)."""
    parser = build_parser()
    try:
        args = _parse(parser, argv)
    except SystemExit as exc:  # argparse: a usage error (2), --help or --version (0)
        return exc.code if isinstance(exc.code, int) else USAGE
    try:
        code: int = args.run(args)
        sys.stdout.flush()  # a closed pipe shows here, not at exit
    except BrokenPipeError:
        # the reader went away (`| head`): stop quietly, as Python's docs say for SIGPIPE, and
        # point stdout at /dev/null so that the flush at exit cannot fail again
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return CLOSED
    except (MissingExtra, ConfigurationError) as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return USAGE
    except ZarrApiError as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return FINDINGS
    return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
