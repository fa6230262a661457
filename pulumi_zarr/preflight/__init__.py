"""Preflight: check a Zarr store against Sentinel Hub's ingestion rules before deploying it.

:mod:`.rules` holds the rules (shared with the emulator's ingestion), :mod:`.zarr_store` opens a
store (local folder or S3) read-only, :mod:`.check` runs the rules and reports what it found,
:mod:`.reporting` decides what a finding means for the ``preflight`` input. Importing this
package is cheap: zarr, numpy and s3fs are imported only when a check runs (install
``pulumi-zarr[preflight]``).
"""

from __future__ import annotations

from ..errors import PreflightUnavailable, StorageError
from .check import Findings, Report, collection_findings, collection_location, run_preflight

__all__ = [
    "Findings",
    "PreflightUnavailable",
    "Report",
    "StorageError",
    "collection_findings",
    "collection_location",
    "run_preflight",
]
