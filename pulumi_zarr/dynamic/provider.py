"""The dynamic ``ResourceProvider`` of ZarrCollection: a thin adapter from the dynamic provider
host's calls to :class:`~pulumi_zarr.collection.calls.Operations` (which puts the spec and the
lifecycle in call order). Errors reach the CLI as the user's message alone (:func:`_reported`).
"""

from __future__ import annotations

import functools
import sys
import traceback
from collections.abc import Callable
from typing import Any, TypeVar

from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    ConfigureRequest,
    CreateResult,
    DiffResult,
    ReadResult,
    ResourceProvider,
    UpdateResult,
)

from ..collection import engine_watch
from ..collection.calls import Operations, config_keys
from ..errors import PulumiZarrError
from .property_bags import unwrap, wrap

F = TypeVar("F", bound=Callable[..., Any])


def _warn(message: str) -> None:
    import pulumi

    # the dynamic provider host has no engine connection: pulumi.log writes "warning: …" to
    # its stderr, which the CLI shows (under the stack), as it does "info: …" for progress
    pulumi.log.warn(message)


def _info(message: str) -> None:
    import pulumi

    pulumi.log.info(message)


def _reported(method: F) -> F:
    """An engine call whose own errors reach the CLI as ``ErrorType: message`` alone.

    The host reports a failed call with ``traceback.format_exc()``, which the CLI prints whole.
    A :class:`~pulumi_zarr.errors.PulumiZarrError` is a message for the user, so in the host
    process tracebacks are cut to their last line; any other exception is a bug, and its full
    traceback is written to the host's stderr (shown under the stack) first.
    """

    @functools.wraps(method)
    def call(*args: Any) -> Any:
        try:
            return method(*args)
        except PulumiZarrError as exc:
            exc.__cause__, exc.__suppress_context__ = None, True  # one line, not a chain
            raise
        except Exception:
            traceback.print_exc(limit=sys.getrecursionlimit())  # a bug: where it happened
            raise

    return call  # type: ignore[return-value]


class ZarrCollectionProvider(ResourceProvider):
    """Creates, reads, updates and deletes Sentinel Hub Zarr collections.

    It holds nothing that is serialized: the SDK stores it (pickled by reference, a few dozen
    bytes) in every resource's state. Settings are read inside the provider host process, from
    the stack configuration handed to ``configure`` and from the environment; API clients are
    cached per process (one token and pool per credential). pydantic, requests and the models
    load on the first call that needs them, not when the host unpickles the provider (see
    docs/benchmarks.md).
    """

    def __init__(self) -> None:
        super().__init__()
        self._ops = Operations({}, _warn)

    # Only the class reference may be serialized into the state, never host-side settings.
    def __getstate__(self) -> dict[str, Any]:
        return {}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__()

    def configure(self, req: ConfigureRequest) -> None:
        # called in the provider host only: from now on its tracebacks show the error alone,
        # and the host ends when the engine that started it (its address: the last argument) dies
        sys.tracebacklimit = 0
        engine_watch.watch(engine_watch.address_in(sys.argv[1:]))
        config = {key: req.config.get(key) for key in config_keys()}
        self._ops = Operations(config, _warn, _info)

    # -- engine calls --------------------------------------------------------------------
    @_reported
    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        plain, secret = unwrap(news)
        inputs, failures = self._ops.check(plain)
        return CheckResult(wrap(inputs, secret), [CheckFailure(*f) for f in failures])

    @_reported
    def diff(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        changed, replaces = self._ops.diff(unwrap(olds)[0], unwrap(news)[0], id_)
        return DiffResult(changes=bool(changed), replaces=replaces, delete_before_replace=False)

    @_reported
    def create(self, props: dict[str, Any]) -> CreateResult:
        plain, secret = unwrap(props)
        collection_id, state = self._ops.create(plain)
        return CreateResult(collection_id, wrap(state, secret))

    @_reported
    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        plain, secret = unwrap(props)
        found = self._ops.read(id_, plain)
        if found is None:
            return ReadResult(None, {})  # gone: Pulumi drops it from the state
        inputs, outs = found
        return ReadResult(id_, wrap(outs, secret), wrap(inputs, secret))

    @_reported
    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        plain, secret = unwrap(news)
        return UpdateResult(wrap(self._ops.update(id_, unwrap(olds)[0], plain), secret))

    @_reported
    def delete(self, id_: str, props: dict[str, Any]) -> None:
        self._ops.delete(id_, unwrap(props)[0])
