"""Client side: polling a collection until its ingestion ends, with a bounded back-off."""

from __future__ import annotations

import time
from collections.abc import Callable

from ..api.client import ZarrClient
from ..api.models import Collection
from ..errors import IngestionTimeout, ZarrApiError
from .progress import progress_log

#: The poll interval grows with the time already waited (so the overshoot past the end of
#: ingestion stays under ~10 % of its duration), from MIN to MAX seconds.
POLL_FRACTION = 0.09
MIN_POLL_SECONDS = 0.1
MAX_POLL_SECONDS = 1.0
#: Progress while waiting: a line after FIRST seconds, then every EVERY seconds.
PROGRESS_FIRST_SECONDS = 10.0
PROGRESS_EVERY_SECONDS = 30.0


def poll_interval(waited: float) -> float:
    return min(max(MIN_POLL_SECONDS, POLL_FRACTION * waited), MAX_POLL_SECONDS)


def wait_until_final(
    client: ZarrClient,
    collection: Collection,
    timeout_seconds: float,
    *,
    started: float | None = None,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> Collection:
    """Poll ``collection`` until it is INGESTED or FAILED; raise :class:`IngestionTimeout`.

    ``started`` is when ingestion began (``clock()`` time), by default now. While waiting, a
    progress line goes to :data:`~pulumi_zarr.collection.progress.progress_log` after 10 s, then
    every 30 s; after a progress line, the end of the wait is reported too (so the last line
    shown is not "still INGESTING").
    """
    start = clock() if started is None else started
    deadline = start + timeout_seconds
    report_at = start + PROGRESS_FIRST_SECONDS
    reported = False
    while not collection.status.is_final:
        now = clock()
        if now >= deadline:
            raise IngestionTimeout(collection, timeout_seconds)
        if now >= report_at:
            progress_log.info(
                "Zarr collection %r (%s) is still %s: %.0f s elapsed of %g s "
                "(ingestion_timeout_seconds)",
                collection.name,
                collection.id,
                collection.status.value,
                now - start,
                timeout_seconds,
            )
            report_at += PROGRESS_EVERY_SECONDS
            reported = True
        sleep(min(poll_interval(now - start), deadline - now))
        if clock() >= deadline:  # no poll at the deadline: its request could not finish
            raise IngestionTimeout(collection, timeout_seconds)
        try:
            collection = client.get(collection.id)
        except ZarrApiError as exc:
            if clock() >= deadline:  # a poll started just before the deadline and cut off by it
                cause = str(exc).rstrip(". ")
                raise IngestionTimeout(collection, timeout_seconds, cut_off=cause) from None
            raise
    if reported:
        progress_log.info(
            "Zarr collection %r (%s) is %s after %.0f s",
            collection.name,
            collection.id,
            collection.status.value,
            clock() - start,
        )
    return collection
