"""Background ingestion: rules run in a small worker pool; the visible status follows the clock.

A run stores its outcome with the collection; the status shown is CREATED for a short moment
after create, INGESTING until ``ready_at`` (and while the outcome isn't computed or a stuck
rule matches), then the outcome. No thread sleeps per collection.
"""

from __future__ import annotations

import logging
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from ..errors import NoGroup, StorageError
from ..models import Status
from ..preflight.rules import inspect_group, jsonable, no_group
from ..preflight.zarr_store import close_store, open_group
from .buckets import Buckets
from .database import Database, Row

log = logging.getLogger(__name__)
CREATED_MOMENT = 0.2  # seconds a new collection shows CREATED (capped at a quarter of the delay)


def run_rules(buckets: Buckets, row: Row) -> dict[str, Any]:
    """Open the collection's group and apply the rules; the stored outcome."""
    where = buckets.describe(row.s3_bucket, row.path)
    store = None
    try:
        store = buckets.open_store(row.s3_bucket, row.path)
        group = open_group(store, where)
        inspection = inspect_group(group, row.crs)
        violation = getattr(store, "violation", None)
        if violation:
            raise StorageError(violation)
    except NoGroup as exc:
        return _failed(no_group(exc).message)
    except StorageError as exc:
        return _failed(str(exc))
    except Exception as exc:  # unreadable metadata etc.: a FAILED ingestion, never a crash
        log.warning("ingestion of %s failed: %s", row.id, type(exc).__name__)
        return _failed(f"cannot read the Zarr group at {where}: {type(exc).__name__}: {exc}")
    finally:
        close_store(store)
    if not inspection.ok:
        return _failed(inspection.message or "ingestion failed")
    return jsonable(
        {
            "status": Status.INGESTED.value,
            "ingestionErrors": inspection.message,
            "envelope": inspection.envelope,
            "width": inspection.width,
            "height": inspection.height,
            "zattrs": inspection.zattrs,
            "additionalData": {
                "bands": inspection.bands,
                "maxMetersPerPixel": inspection.max_meters_per_pixel,
            },
            "arrays": [
                {
                    "name": a.name,
                    "s3Bucket": row.s3_bucket,
                    "path": f"{row.path}{a.name}/",
                    "zarray": a.zarray,
                    "zattrs": a.zattrs,
                }
                for a in inspection.arrays
            ],
        }
    )


def _failed(message: str) -> dict[str, Any]:
    return {"status": Status.FAILED.value, "ingestionErrors": message, "arrays": []}


class Ingestor:
    """Schedules ingestion runs and derives what a collection looks like right now."""

    def __init__(self, db: Database, buckets: Buckets, delay: float, is_stuck: Any) -> None:
        self.db, self.buckets, self.delay = db, buckets, delay
        self._is_stuck = is_stuck
        self._pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="zarr-ingest")

    def resume(self) -> None:
        """Restart every ingestion that had no outcome (after a restart with a state file)."""
        for collection_id, generation in self.db.pending():
            self.submit(collection_id, generation)

    def submit(self, collection_id: str, generation: int) -> None:
        self._pool.submit(self._run, collection_id, generation)

    def _run(self, collection_id: str, generation: int) -> None:
        row = self.db.get(collection_id)
        if row is None or row.generation != generation:
            return
        self.db.set_result(collection_id, generation, run_rules(self.buckets, row))

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)

    def ready_at(self) -> float:
        return time.time() + self.delay

    def outcome(self, row: Row, now: float | None = None) -> tuple[Status, dict[str, Any] | None]:
        """The visible status and the outcome whose fields are shown (None: nothing yet)."""
        now = time.time() if now is None else now
        if row.result is not None and now >= row.ready_at and not self._is_stuck(row.name):
            return Status(row.result["status"]), row.result
        moment = min(CREATED_MOMENT, self.delay / 4)
        if not row.reingest and now < row.started_at + moment:
            return Status.CREATED, None
        return Status.INGESTING, row.previous

    def final_at(self, row: Row) -> float | None:
        """When the collection's current run became final (None: not final yet)."""
        status, _ = self.outcome(row)
        if not status.is_final or row.computed_at is None:
            return None
        return max(row.ready_at, row.computed_at)
