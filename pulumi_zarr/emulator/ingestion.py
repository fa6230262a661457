"""Background ingestion: rules run in a small worker pool; the visible status follows the clock.

A run stores its outcome with the collection; the status shown is CREATED for a short moment
after create, INGESTING until ``ready_at`` (and while the outcome isn't computed or a stuck
rule matches), then the outcome. No thread sleeps per collection. Every run ends with an
outcome: a run that crashes stores FAILED, and runs cut short by a stop are run again at the
next start, at most :data:`MAX_RUNS` times in all.
"""

from __future__ import annotations

import json
import logging
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any, NamedTuple

from ..api.models import Status
from ..errors import NoGroup, StorageError
from ..preflight.rules import inspect_group, jsonable, no_group
from ..preflight.zarr_store import close_store, open_group
from .buckets import Buckets
from .database import Database, Row

log = logging.getLogger(__name__)
CREATED_MOMENT = 0.2  # seconds a new collection shows CREATED (capped at a quarter of the delay)
#: The most attributes ingested from one ``.zattrs`` (or ``.zarray``): the service documents
#: no limit; beyond these the ingestion FAILS, so no answer about a collection grows absurd.
MAX_ATTRIBUTES_BYTES = 64 * 1024
MAX_ATTRIBUTES_DEPTH = 32
#: How many times a run is started before a collection whose runs never end is FAILED.
MAX_RUNS = 2


def _depth(value: Any, limit: int) -> int:
    """How deeply ``value`` nests lists and dicts (counting stops past ``limit``)."""
    deepest, stack = 0, [(value, 0)]
    while stack and deepest <= limit:
        item, depth = stack.pop()
        if isinstance(item, (dict, list, tuple)):
            deepest = max(deepest, depth + 1)
            stack += [(v, depth + 1) for v in (item.values() if isinstance(item, dict) else item)]
    return deepest


def attributes_problem(where: str, attributes: Any) -> str | None:
    """Why ``attributes`` (parsed JSON metadata) are too absurd to ingest, or None."""
    if _depth(attributes, MAX_ATTRIBUTES_DEPTH) > MAX_ATTRIBUTES_DEPTH:
        return f"{where} nests deeper than {MAX_ATTRIBUTES_DEPTH} levels"
    size = len(json.dumps(attributes, default=str))
    if size > MAX_ATTRIBUTES_BYTES:
        return f"{where} holds {size} bytes of JSON, more than {MAX_ATTRIBUTES_BYTES}"
    return None


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
        if not inspection.ok:
            return _failed(inspection.message or "ingestion failed")
        absurd = [
            attributes_problem(what, value)
            for what, value in [
                (".zattrs of the group", inspection.zattrs),
                *((f".zattrs of array '{a.name}'", a.zattrs) for a in inspection.arrays),
                *((f".zarray of array '{a.name}'", a.zarray) for a in inspection.arrays),
            ]
        ]
        if any(absurd):
            return _failed(
                "the Zarr metadata is too large or too deeply nested to ingest: "
                + "; ".join(filter(None, absurd))
                + " (the attributes are returned with the collection and its arrays)"
            )
    except NoGroup as exc:
        return _failed(no_group(exc).message)
    except StorageError as exc:
        return _failed(str(exc))
    except RecursionError:
        return _failed(f"cannot read the Zarr group at {where}: its metadata nests too deeply")
    except Exception as exc:  # unreadable metadata etc.: a FAILED ingestion, never a crash
        log.warning("ingestion of %s failed: %s", row.id, type(exc).__name__)
        return _failed(
            f"cannot read the Zarr group at {where}: {type(exc).__name__}: {str(exc)[:300]}"
        )
    finally:
        close_store(store)
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


class RunWindow(NamedTuple):
    started_at: float
    ready_at: float


class Outcome(NamedTuple):
    """The visible status, and the outcome whose fields are shown (None: nothing yet)."""

    status: Status
    shown: dict[str, Any] | None


class Ingestor:
    """Schedules ingestion runs and derives what a collection looks like right now."""

    def __init__(self, db: Database, buckets: Buckets, delay: float, is_stuck: Any) -> None:
        self.db, self.buckets, self.delay = db, buckets, delay
        self._is_stuck = is_stuck
        self._pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="zarr-ingest")

    def resume(self) -> None:
        """Finish every ingestion that had no outcome (after a restart with a state file): run
        it again, or FAIL it when its runs were cut short :data:`MAX_RUNS` times already."""
        for collection_id, generation, runs in self.db.pending():
            if runs < MAX_RUNS:
                self.submit(collection_id, generation)
                continue
            self.db.set_result(
                collection_id,
                generation,
                _failed(
                    f"ingestion was interrupted {runs} times (the emulator stopped while "
                    "ingesting); re-ingest the collection to try again"
                ),
            )

    def submit(self, collection_id: str, generation: int) -> None:
        self._pool.submit(self._run, collection_id, generation)

    def _run(self, collection_id: str, generation: int) -> None:
        """One run; whatever goes wrong, the collection ends with an outcome (FAILED)."""
        try:
            row = self.db.get(collection_id)
            if row is None or row.generation != generation:
                return
            self.db.count_run(collection_id, generation)
            self.db.set_result(collection_id, generation, run_rules(self.buckets, row))
        except Exception as exc:
            log.error("ingestion of %s crashed: %s", collection_id, type(exc).__name__)
            self.db.set_result(
                collection_id,
                generation,
                _failed(
                    f"ingestion crashed ({type(exc).__name__}); re-ingest the collection to "
                    "try again"
                ),
            )

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)

    def run_window(self) -> RunWindow:
        """(started_at, ready_at) of a run that starts now: ready exactly ``delay`` later."""
        started = time.time()
        return RunWindow(started, started + self.delay)

    def outcome(self, row: Row, now: float | None = None) -> Outcome:
        """The visible status and the outcome whose fields are shown (None: nothing yet)."""
        now = time.time() if now is None else now
        if row.result is not None and now >= row.ready_at and not self._is_stuck(row.name):
            return Outcome(Status(row.result["status"]), row.result)
        moment = min(CREATED_MOMENT, self.delay / 4)
        if not row.reingest and now < row.started_at + moment:
            return Outcome(Status.CREATED, None)
        return Outcome(Status.INGESTING, row.previous)

    def final_at(self, row: Row) -> float | None:
        """When the collection's current run became final (None: not final yet)."""
        status, _ = self.outcome(row)
        if not status.is_final or row.computed_at is None:
            return None
        return max(row.ready_at, row.computed_at)
