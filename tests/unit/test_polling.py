"""wait_until_final: when it polls, what progress it reports, and when it gives up (on a fake
clock; the collection's status is scripted by the time)."""

from __future__ import annotations

import logging

import pytest

from pulumi_zarr.api.models import Collection
from pulumi_zarr.collection.polling import wait_until_final
from pulumi_zarr.collection.progress import progress_log
from pulumi_zarr.crs import crs_url
from pulumi_zarr.errors import IngestionTimeout, RequestMayHaveBeenApplied

ID = "00000000-0000-0000-0000-000000000001"


class Scripted:
    """A clock, and a service whose collection is INGESTING until ``ready_at`` seconds."""

    def __init__(self, ready_at: float, final: str = "INGESTED") -> None:
        self.now = 0.0
        self.ready_at = ready_at
        self.final = final
        self.polls: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        assert seconds > 0
        self.now += seconds

    def collection(self) -> Collection:
        status = self.final if self.now >= self.ready_at else "INGESTING"
        return Collection(
            id=ID, name="Cube", s3_bucket="b", path="c.zarr/", crs=crs_url(4326), status=status
        )

    def get(self, collection_id: str) -> Collection:
        assert collection_id == ID
        self.polls.append(self.now)
        return self.collection()


def wait(service: Scripted, timeout: float) -> Collection:
    return wait_until_final(
        service,  # type: ignore[arg-type]  # only .get is used
        service.collection(),
        timeout,
        clock=service.clock,
        sleep=service.sleep,
    )


def progress(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == progress_log.name]


def test_progress_after_10_s_then_every_30_s_then_the_end(caplog):
    service = Scripted(ready_at=75.0)
    with caplog.at_level(logging.INFO, logger=progress_log.name):
        done = wait(service, timeout=1800)
    assert done.status.value == "INGESTED"
    lines = progress(caplog)
    elapsed = [line.split(": ")[1].split(" s ")[0] for line in lines[:-1]]
    assert elapsed == ["10", "40", "70"], lines
    assert all("is still INGESTING" in line and "of 1800 s" in line for line in lines[:-1])
    # the last line says how it ended, so "still INGESTING" is not what stays on screen
    assert lines[-1] == f"Zarr collection 'Cube' ({ID}) is INGESTED after {service.now:.0f} s"
    assert service.now - 75.0 < 0.1 * 75.0  # overshoot under 10 % of the duration


def test_a_short_wait_reports_nothing(caplog):
    service = Scripted(ready_at=5.0, final="FAILED")
    with caplog.at_level(logging.INFO, logger=progress_log.name):
        assert wait(service, timeout=60).status.value == "FAILED"
    assert progress(caplog) == []


def test_the_timeout_ends_the_wait_without_polling_at_the_deadline(caplog):
    service = Scripted(ready_at=1e9)
    with caplog.at_level(logging.INFO, logger=progress_log.name), pytest.raises(IngestionTimeout):
        wait(service, timeout=45)
    assert service.now == pytest.approx(45)
    assert max(service.polls) < 45
    assert [line.split(": ")[1][:4] for line in progress(caplog)] == ["10 s", "40 s"]


def test_a_poll_cut_off_by_the_deadline_is_the_timeout():
    """A poll sent just before the deadline and cut off by it (the client's deadline watchdog)
    ends the wait as the timeout does, not as a failed request."""

    class CutAtTheDeadline(Scripted):
        def get(self, collection_id: str) -> Collection:
            super().get(collection_id)
            self.now = 45.0  # the request took until the deadline, which cut it off
            raise RequestMayHaveBeenApplied("no complete answer before the deadline (0.0 s)")

    service = CutAtTheDeadline(ready_at=1e9)
    with pytest.raises(IngestionTimeout) as timeout:
        wait(service, timeout=45)
    assert len(service.polls) == 1
    # what is known: the last status read, and that the request at the deadline got no answer
    said = timeout.value.state("ingestionTimeoutSeconds")
    assert said == (
        "still INGESTING after 45 s (ingestionTimeoutSeconds); the status request at the "
        "deadline: no response: no complete answer before the deadline (0.0 s)"
    )


def test_a_failed_poll_before_the_deadline_is_that_failure():
    class Failing(Scripted):
        def get(self, collection_id: str) -> Collection:
            super().get(collection_id)
            raise RequestMayHaveBeenApplied("connection reset")

    with pytest.raises(RequestMayHaveBeenApplied):
        wait(Failing(ready_at=1e9), timeout=45)
