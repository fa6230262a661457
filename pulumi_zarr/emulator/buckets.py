"""Bucket access: a jailed local folder of buckets, or an S3-compatible endpoint via s3fs."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from zarr.storage import LocalStore

from ..api import models
from ..api.deployments import DEFAULT, Deployment
from ..errors import StorageError
from ..preflight.zarr_store import s3_store

_BUCKET = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,254}$")


def bucket_problem(name: str) -> str | None:
    """Why ``name`` is not a plain bucket name, or None when it is."""
    if not name:
        return "must not be empty"
    if ".." in name or not _BUCKET.match(name):
        return (
            "must be a plain bucket name (letters, digits, '.', '_', '-'; no '/', '\\', '..', '%')"
        )
    return None


def path_problem(path: str) -> str | None:
    """Why ``path`` is not a safe prefix inside a bucket, or None when it is: the path rule,
    then what could reach another file on the emulator's own disk."""
    problem = models.path_problem(path)
    if problem:
        return problem
    if "\x00" in path:
        return "must not contain NUL"
    if "\\" in path:
        return "must not contain backslashes"
    if "%" in path:
        return "must not contain percent-encoded characters"
    return None


class JailedLocalStore(LocalStore):
    """A read-only LocalStore that refuses any key whose real path leaves ``jail``."""

    def __init__(self, root: Path, jail: Path) -> None:
        super().__init__(root, read_only=True)
        self.jail = os.path.realpath(jail)
        self.violation: str | None = None

    def _check(self, key: str) -> None:
        real = os.path.realpath(self.root / key)
        if os.path.commonpath([real, self.jail]) != self.jail:
            self.violation = f"'{key}' resolves outside the bucket (symlink); refusing to read it"
            raise StorageError(self.violation)

    async def get(self, key: str, prototype: Any = None, byte_range: Any = None) -> Any:
        self._check(key)
        return await super().get(key, prototype, byte_range)

    async def get_partial_values(self, prototype: Any, key_ranges: Any) -> Any:
        key_ranges = list(key_ranges)
        for key, _ in key_ranges:
            self._check(key)
        return await super().get_partial_values(prototype, key_ranges)

    async def exists(self, key: str) -> bool:
        self._check(key)
        return await super().exists(key)

    async def list_dir(self, prefix: str):  # type: ignore[override]
        self._check(prefix)
        async for key in super().list_dir(prefix):
            yield key


class Buckets:
    """Opens the store at ``s3Bucket``/``path`` for reading. On S3 it reads as ``deployment``
    would: a bucket whose policy does not let it read, or in another region, is refused."""

    def __init__(
        self,
        buckets_dir: str | Path | None = None,
        s3_endpoint: str | None = None,
        deployment: Deployment = DEFAULT,
    ):
        if (buckets_dir is None) == (s3_endpoint is None):
            raise ValueError("give exactly one of buckets_dir and s3_endpoint")
        self.buckets_dir = Path(buckets_dir).resolve() if buckets_dir is not None else None
        self.s3_endpoint = s3_endpoint
        self.deployment = deployment

    def describe(self, bucket: str, path: str) -> str:
        return f"s3://{bucket}/{path}"

    def open_store(self, bucket: str, path: str) -> Any:
        """A zarr store rooted at the group; raises :class:`StorageError`."""
        problem = bucket_problem(bucket) or path_problem(path)
        if problem:
            raise StorageError(f"invalid location s3://{bucket}/{path}: {problem}")
        if self.buckets_dir is not None:
            return self._local(bucket, path)
        return self._s3(bucket, path)

    def _local(self, bucket: str, path: str) -> JailedLocalStore:
        assert self.buckets_dir is not None
        bucket_dir = self.buckets_dir / bucket
        real_bucket = os.path.realpath(bucket_dir)
        if not os.path.isdir(bucket_dir) or os.path.commonpath(
            [real_bucket, str(self.buckets_dir)]
        ) != str(self.buckets_dir):
            raise StorageError(f"bucket '{bucket}' does not exist or is not accessible")
        root = bucket_dir / path
        real_root = os.path.realpath(root)
        if os.path.commonpath([real_root, real_bucket]) != real_bucket:
            raise StorageError(
                f"s3://{bucket}/{path} resolves outside the bucket (symlink); refusing to read it"
            )
        return JailedLocalStore(Path(real_root), Path(real_bucket))

    def _s3(self, bucket: str, path: str) -> Any:
        self._check_access(bucket, path)  # a missing bucket: s3_store says so
        return s3_store(bucket, path, self.s3_endpoint)

    def _check_access(self, bucket: str, path: str) -> None:
        from ..bucket.access import check_bucket

        found = check_bucket(
            bucket, path, self.deployment, endpoint=self.s3_endpoint, as_whom="its credentials"
        )
        reasons = [p.problem for p in found.problems] + found.warnings
        if reasons:
            raise StorageError(
                f"access denied: {self.deployment.name} cannot read s3://{bucket}/{path} as "
                f"{self.deployment.principal}: {'; '.join(reasons)}. Grant it with the bucket "
                "policy pulumi_zarr.bucket_policy(...) writes, in a bucket in "
                f"{' or '.join(self.deployment.regions)}"
            )
