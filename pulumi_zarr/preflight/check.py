"""Run the ingestion rules on a store and report every violation found."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..api.config import source_text
from ..crs import CRS_EPSG_4326
from ..errors import NoGroup, PreflightUnavailable, StorageError
from ..terminal import printable
from .zarr_store import close_store, open_group, open_location

if TYPE_CHECKING:
    from ..api.deployments import Deployment
    from .rules import Violation


@dataclass
class Report:
    """What the preflight found at ``location``: ``ok`` when nothing breaks a rule."""

    location: str
    crs: str
    violations: list[Violation] = field(default_factory=list)
    arrays: list[str] = field(default_factory=list)  # data arrays that would be ingested

    @property
    def ok(self) -> bool:
        return not self.violations

    @property
    def fails(self) -> bool:
        """True when the whole ingestion would FAIL (not just skip arrays)."""
        return any(v.fails for v in self.violations)

    def as_dict(self) -> dict[str, Any]:
        return {
            "location": self.location,
            "crs": self.crs,
            "ok": self.ok,
            "ingestion": "FAILED" if self.fails else "INGESTED",
            "arrays": self.arrays,
            "violations": [v.as_dict() for v in self.violations],
        }

    def text(self) -> str:
        """A readable report, one line per violation (names from the store shown
        :func:`~pulumi_zarr.terminal.printable`)."""
        if self.ok:
            return printable(
                f"{self.location}: OK, arrays {', '.join(self.arrays)} would be ingested"
            )
        outcome = (
            "ingestion would FAIL"
            if self.fails
            else f"ingestion would skip arrays (ingested: {', '.join(self.arrays) or 'none'})"
        )
        lines = [f"{self.location}: {len(self.violations)} violation(s), {outcome}"]
        lines += [f"  {v.line()}" for v in self.violations]
        return "\n".join(map(printable, lines))


def collection_location(s3_bucket: str, path: str, buckets_dir: str | None = None) -> str:
    """Where a collection's group is: ``s3://bucket/path``, or under a local folder of
    buckets (the emulator's layout) when ``buckets_dir`` is given."""
    if buckets_dir:
        return str(Path(buckets_dir) / s3_bucket / path)
    return f"s3://{s3_bucket}/{path}"


def run_preflight(
    location: str,
    crs: str | None,
    *,
    s3_endpoint: str | None = None,
    progress: Callable[[str], None] | None = None,
) -> Report:
    """Check the Zarr group at ``location`` (a folder, ``file://`` or ``s3://`` URL) for
    ingestion with ``crs`` (None: the group's ``crs`` attribute, else EPSG:4326). Reads only
    metadata and coordinate arrays; ``progress`` is told what is being done.

    Raises :class:`StorageError` when the store can't be read (:class:`PreflightUnavailable`
    when zarr isn't installed); a missing group is a rule 1 violation, not an error.
    """
    say = progress or (lambda _message: None)
    say(f"opening {location}")
    store = open_location(location, s3_endpoint)
    try:
        return _inspect(store, location, crs, say)
    except StorageError:
        raise
    except Exception as exc:  # unreadable metadata, network errors while reading
        raise StorageError(f"cannot read {location}: {type(exc).__name__}: {exc}") from exc
    finally:
        close_store(store)


def _inspect(store: Any, location: str, crs: str | None, say: Callable[[str], None]) -> Report:
    from .rules import inspect_group, no_group

    try:
        group = open_group(store, location)
    except NoGroup as exc:
        return Report(location, crs or "", [no_group(exc)])
    if crs is None:
        attr = group.attrs.get("crs")
        crs = attr if isinstance(attr, str) else CRS_EPSG_4326
        say(f"crs {crs} (from the group's 'crs' attribute or the default; set it to be sure)")

    say("reading metadata and coordinate arrays")
    inspection = inspect_group(group, crs)
    say(f"checked {len(inspection.checked)} data array(s)")
    return Report(location, crs, inspection.violations, [a.name for a in inspection.arrays])


@dataclass(frozen=True)
class Findings:
    """What the preflight of one collection found, one line per problem. ``readable`` is
    False when the store could not be read; the one line then says why."""

    location: str
    lines: list[str]
    readable: bool = True
    #: What could not be checked: warnings in every mode, never failures.
    warnings: list[str] = field(default_factory=list)


def collection_findings(
    s3_bucket: str,
    path: str,
    crs: str,
    *,
    s3_endpoint: str | None = None,
    buckets_dir: str | None = None,
    deployment: Deployment | None = None,
    no_deployment: str = "",
) -> Findings:
    """The preflight of a ZarrCollection's inputs, as ``check`` runs it. Never raises: a store
    that can't be read is a finding too. On S3, the bucket's policy and region are checked
    for ``deployment`` too (``no_deployment``: why there is none, a warning)."""
    location = collection_location(s3_bucket, path, buckets_dir)
    access, warnings = [], []
    if not buckets_dir:
        if deployment is not None:
            access, warnings = _bucket_access(s3_bucket, path, location, deployment, s3_endpoint)
        elif no_deployment:
            warnings = [f"preflight: {location}: bucket access not checked: {no_deployment}"]
    try:
        report = run_preflight(location, crs, s3_endpoint=s3_endpoint)
    except StorageError as exc:
        reason = (
            f"preflight could not read the Zarr store at {location}: {exc}. Give the provider "
            "read access (AWS credentials or profile; an S3-compatible endpoint with "
            f"{source_text('s3_endpoint')}), or set preflight='off'"
        )
        return Findings(location, [*access, reason], readable=False, warnings=warnings)
    lines = [printable(f"preflight: {location}: {v.line()}") for v in report.violations]
    return Findings(location, access + lines, warnings=warnings)


def _bucket_access(
    bucket: str, path: str, location: str, deployment: Deployment, endpoint: str | None
) -> tuple[list[str], list[str]]:
    """(problems, warnings) of the bucket's policy and region, as report lines."""
    from ..bucket.access import check_bucket

    try:
        found = check_bucket(
            bucket, path, deployment, endpoint=endpoint, as_whom="your AWS credentials"
        )
    except ImportError as exc:  # boto3/policyuniverse come with the preflight extra
        raise PreflightUnavailable(f"checking bucket access needs {exc.name}") from exc
    head = f"preflight: {location}: bucket access"
    return (
        [printable(f"{head}: {p.line()}") for p in found.problems],
        [printable(f"{head} not checked: {w}") for w in found.warnings],
    )
