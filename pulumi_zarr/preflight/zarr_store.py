"""Opening a Zarr store read-only: a local folder or ``s3://bucket/prefix/`` (AWS or any
S3-compatible endpoint), with the environment's credentials. zarr and s3fs are imported lazily.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any, NamedTuple

from ..errors import NoGroup, PreflightUnavailable, StorageError, install_command


def _zarr() -> Any:
    try:
        import zarr
    except ImportError as exc:
        raise PreflightUnavailable(
            f"the Zarr check needs zarr: {install_command('preflight')}"
        ) from exc
    return zarr


def s3_store(bucket: str, path: str, endpoint: str | None = None) -> Any:
    """A read-only zarr store at ``s3://bucket/path`` (``endpoint``: S3-compatible storage)."""
    _zarr()
    try:
        import s3fs
    except ImportError as exc:
        raise PreflightUnavailable(
            f"reading S3 needs s3fs: {install_command('preflight')}"
        ) from exc
    from zarr.storage import FsspecStore

    options = {"endpoint_url": endpoint, "skip_instance_cache": True, "use_listings_cache": False}
    probe = s3fs.S3FileSystem(**options)
    try:
        exists = probe.exists(bucket)
    except Exception as exc:  # botocore/aiohttp errors: report, don't crash
        raise StorageError(f"bucket '{bucket}' is not accessible: {type(exc).__name__}") from exc
    if not exists:
        raise StorageError(f"bucket '{bucket}' does not exist or is not accessible")
    fs = s3fs.S3FileSystem(asynchronous=True, **options)
    return FsspecStore(fs, path=f"{bucket}/{path.rstrip('/')}", read_only=True)


def close_store(store: Any) -> None:
    """Close the S3 client of an ``s3://`` store (an open aiohttp session warns at exit)."""
    client = getattr(getattr(store, "fs", None), "_s3", None)
    if client is not None:
        from zarr.core.sync import sync

        with contextlib.suppress(Exception):
            sync(client.__aexit__(None, None, None))


class S3Location(NamedTuple):
    bucket: str
    prefix: str


def split_s3(location: str) -> S3Location:
    """``s3://bucket/prefix/`` → (bucket, prefix)."""
    bucket, _, path = location.removeprefix("s3://").partition("/")
    if not bucket:
        raise StorageError(f"{location!r} names no bucket: use s3://bucket/prefix/")
    return S3Location(bucket, path)


def open_location(location: str, s3_endpoint: str | None = None) -> Any:
    """A read-only store for a local folder (``file://`` allowed) or an ``s3://`` URL."""
    if location.startswith("s3://"):
        return s3_store(*split_s3(location), s3_endpoint)
    folder = Path(location.removeprefix("file://"))
    if folder.exists() and not folder.is_dir():
        raise StorageError(f"{location} is a file, not a folder: give the Zarr group's folder")
    if not folder.is_dir():
        raise StorageError(f"no such folder: {location}")
    zarr = _zarr()
    return zarr.storage.LocalStore(folder, read_only=True)


def open_group(store: Any, where: str) -> Any:
    """The Zarr format-2 group of ``store``; :class:`NoGroup` when there is none (rule 1)."""
    zarr = _zarr()
    try:
        return zarr.open_group(store=store, mode="r", zarr_format=2)
    except (
        FileNotFoundError,
        KeyError,
        zarr.errors.GroupNotFoundError,
        zarr.errors.NodeTypeValidationError,
    ) as exc:
        raise NoGroup(f"no Zarr group (.zgroup, Zarr format 2) at {where}") from exc
