"""Test controls: rate limit, fault rules, counters, stuck ingestions, timelines.

:class:`Control` is used in-process; :class:`RemoteControl` offers the same methods over the
``/_emulator/`` HTTP routes (for an emulator running as a subprocess).
"""

from __future__ import annotations

import math
import re
import threading
import time
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from typing import Any

#: Where the test controls are served over HTTP (not part of the Zarr Import API).
ADMIN_PREFIX = "/_emulator"


def duration_problem(value: float, *, zero: bool = True) -> str | None:
    """What is wrong with ``value`` as a number of seconds (None: nothing). NaN, infinities and
    negative numbers are refused (a NaN delay made every later POST fail); 0 only if ``zero``."""
    if not math.isfinite(value) or value < 0 or (value == 0 and not zero):
        return f"must be a finite number of seconds, {'0 or more' if zero else 'above 0'}"
    return None


def check_duration(what: str, value: float, *, zero: bool = True) -> float:
    """``value`` (as a float) if it is a valid number of seconds; else a ValueError naming
    ``what``."""
    problem = duration_problem(float(value), zero=zero)
    if problem:
        raise ValueError(f"{what} {problem}, got {value!r}")
    return float(value)


#: Placeholders a fault's ``body`` may hold, replaced per request: what the service would
#: echo (the request's Authorization header, its body) and how often the rule has applied.
BODY_PLACEHOLDERS = ("{{authorization}}", "{{request_body}}", "{{n}}")


#: The fields of a :class:`FaultRule` the emulator keeps; whoever adds a rule cannot set them.
FAULT_COUNTERS = ("id", "seen", "applied")


@dataclass
class FaultRule:
    """What to do with requests matching ``method`` (None: any) and the ``path`` regex.

    ``skip`` first matches pass untouched; then the rule applies ``times`` times (-1: forever).
    Actions: wait ``delay`` seconds; serve the request as if its path were ``reroute``; then
    ``drop`` the connection "before" handling (no side effect) or "after" it (response lost),
    or answer ``status`` (with ``retry_after_ms``) and/or ``body`` (default status 200;
    :data:`BODY_PLACEHOLDERS` filled in) with extra ``headers`` instead of the service's
    answer; with ``handle`` the service handles the request first (its side effects happen,
    its answer is replaced). ``repeat`` sends the body that many times (no Content-Length);
    ``drip`` sends the answer (the given one, or the service's own) one byte every ``drip``
    seconds.
    """

    path: str = ".*"
    method: str | None = None
    status: int | None = None
    retry_after_ms: int | None = None
    delay: float = 0.0
    drop: str | None = None
    body: str | None = None
    headers: dict[str, str] | None = None
    handle: bool = False
    repeat: int = 1
    drip: float = 0.0
    reroute: str | None = None
    skip: int = 0
    times: int = 1
    id: int = 0
    seen: int = field(default=0, repr=False)
    applied: int = field(default=0, repr=False)

    def __post_init__(self) -> None:
        if self.drop not in (None, "before", "after"):
            raise ValueError("drop must be 'before' or 'after'")
        if self.status is not None and not 100 <= int(self.status) <= 599:
            raise ValueError("status must be an HTTP status code")
        if self.times == 0 or self.times < -1:
            raise ValueError("times must be positive or -1 (forever)")
        if self.repeat < 1:
            raise ValueError("repeat must be at least 1")
        self.drip, self.delay = (
            check_duration("drip", self.drip),
            check_duration("delay", self.delay),
        )
        if self.reroute is not None and not self.reroute.startswith("/"):
            raise ValueError("reroute must be a path starting with '/'")
        re.compile(self.path)
        if self.method:
            self.method = self.method.upper()

    @property
    def answers(self) -> bool:
        """Whether the rule answers itself (instead of the service's answer)."""
        return self.status is not None or self.body is not None

    def public(self) -> dict[str, Any]:
        """The rule as the admin API shows it: its id first, every field but ``seen``."""
        shown = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "seen"}
        return {"id": shown.pop("id"), **shown}


#: How many requests :meth:`Control.journal` remembers.
JOURNAL_LENGTH = 20_000


class Control:
    """Mutable test controls shared by the app and the tests (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[FaultRule] = []
        self._next_id = 1
        self._rate: tuple[int, float] | None = None
        self._hits: dict[str, deque[float]] = {}
        self._tokens: Counter[str] = Counter()
        self._requests: Counter[str] = Counter()
        self._journal: deque[str] = deque(maxlen=JOURNAL_LENGTH)
        self._stuck: re.Pattern[str] | None = None
        self.timeline_source: Callable[[str], dict[str, Any] | None] | None = None

    # faults
    def add_fault(self, **rule: Any) -> int:
        fault = FaultRule(**{k: v for k, v in rule.items() if k not in FAULT_COUNTERS})
        with self._lock:
            fault.id = self._next_id
            self._next_id += 1
            self._faults.append(fault)
        return fault.id

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()

    def faults(self) -> list[dict[str, Any]]:
        with self._lock:
            return [f.public() for f in self._faults]

    def match_fault(self, method: str, path: str) -> FaultRule | None:
        """The first active rule matching the request, counting it as seen/applied."""
        with self._lock:
            for fault in self._faults:
                if fault.method and fault.method != method.upper():
                    continue
                if not re.search(fault.path, path):
                    continue
                if fault.times != -1 and fault.applied >= fault.times:
                    continue
                fault.seen += 1
                if fault.seen <= fault.skip:
                    continue
                fault.applied += 1
                return fault
        return None

    # rate limit
    def set_rate_limit(self, max_requests: int | None, window: float = 60.0) -> None:
        """At most ``max_requests`` per ``window`` seconds per client (None: unlimited)."""
        window = check_duration("window", window, zero=False)
        with self._lock:
            self._rate = None if max_requests is None else (int(max_requests), window)
            self._hits.clear()

    def rate_limit_hit(self, client: str) -> int | None:
        """Record a request of ``client``; the Retry-After in ms when over the limit."""
        with self._lock:
            if self._rate is None:
                return None
            limit, window = self._rate
            now = time.monotonic()
            hits = self._hits.setdefault(client, deque())
            while hits and hits[0] <= now - window:
                hits.popleft()
            if len(hits) >= limit:
                return max(1, math.ceil((hits[0] + window - now) * 1000))
            hits.append(now)
            return None

    # counters
    def count_token(self, client_id: str) -> None:
        with self._lock:
            self._tokens[client_id] += 1

    def count_request(self, key: str, request: str = "") -> None:
        """Count a request by route ``key``; journal ``request`` ("METHOD /path") in order."""
        with self._lock:
            self._requests[key] += 1
            if request:
                self._journal.append(request)

    def journal(self) -> list[str]:
        """The latest requests ("METHOD /path", token requests too), oldest first."""
        with self._lock:
            return list(self._journal)

    def stats(self) -> dict[str, dict[str, int]]:
        """``{"token_requests": {client_id: n}, "requests": {"GET /route/{template}": n}}``."""
        with self._lock:
            return {"token_requests": dict(self._tokens), "requests": dict(self._requests)}

    def reset_stats(self) -> None:
        with self._lock:
            self._tokens.clear()
            self._requests.clear()
            self._journal.clear()

    # ingestion
    def set_stuck(self, pattern: str | None) -> None:
        """Collections whose name matches ``pattern`` (re.search) stay INGESTING."""
        compiled = re.compile(pattern) if pattern else None
        with self._lock:
            self._stuck = compiled

    def is_stuck(self, name: str) -> bool:
        with self._lock:
            pattern = self._stuck
        return bool(pattern and pattern.search(name))

    def timeline(self, collection_id: str) -> dict[str, Any] | None:
        """When a collection was created, when its run started, became ready and final."""
        return self.timeline_source(collection_id) if self.timeline_source else None


class RemoteControl:
    """:class:`Control`'s methods over HTTP, for an emulator in another process."""

    def __init__(self, url: str) -> None:
        import requests

        self._base = url.rstrip("/") + ADMIN_PREFIX
        self._http = requests.Session()

    def _call(self, method: str, path: str, json: Any = None) -> Any:
        response = self._http.request(method, self._base + path, json=json, timeout=10)
        response.raise_for_status()
        return response.json() if response.content else None

    def add_fault(self, **rule: Any) -> int:
        return int(self._call("POST", "/faults", rule)["id"])

    def clear_faults(self) -> None:
        self._call("DELETE", "/faults")

    def faults(self) -> list[dict[str, Any]]:
        return self._call("GET", "/faults")

    def set_rate_limit(self, max_requests: int | None, window: float = 60.0) -> None:
        self._call("PUT", "/rate-limit", {"max_requests": max_requests, "window": window})

    def stats(self) -> dict[str, dict[str, int]]:
        return self._call("GET", "/stats")

    def reset_stats(self) -> None:
        self._call("POST", "/stats/reset")

    def journal(self) -> list[str]:
        return self._call("GET", "/journal")

    def set_stuck(self, pattern: str | None) -> None:
        self._call("PUT", "/stuck", {"pattern": pattern})

    def timeline(self, collection_id: str) -> dict[str, Any] | None:
        response = self._http.get(f"{self._base}/collections/{collection_id}/timeline", timeout=10)
        if response.status_code == 404:
            return None
        response.raise_for_status()
        return response.json()

    def close(self) -> None:
        self._http.close()
