"""The dynamic ``ResourceProvider`` of ZarrCollection: a thin adapter from the dynamic provider
host's calls to :class:`~pulumi_zarr.operations.Operations` (which puts the schema and the
lifecycle in call order).

The provider object holds nothing that is serialized: the SDK stores it (pickled by
reference, a few dozen bytes) in every resource's state. Settings are read inside the
provider host process, from the stack configuration handed to ``configure`` and from the
environment; API clients are cached per process (one token and pool per credential).
pydantic, requests and the models load on the first call that needs them, not when the
host unpickles the provider (see the Benchmarks section of the README).
"""

from __future__ import annotations

from typing import Any

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

from .operations import Operations, config_keys
from .property_bags import unwrap, wrap


def _warn(message: str) -> None:
    import pulumi

    # the dynamic provider host has no engine connection: pulumi.log writes "warning: …" to
    # its stderr, which the CLI shows (under the stack), as it does "info: …" for progress
    pulumi.log.warn(message)


def _info(message: str) -> None:
    import pulumi

    pulumi.log.info(message)


class ZarrCollectionProvider(ResourceProvider):
    """Creates, reads, updates and deletes Sentinel Hub Zarr collections."""

    def __init__(self) -> None:
        super().__init__()
        self._ops = Operations({}, _warn)

    # Only the class reference may be serialized into the state, never host-side settings.
    def __getstate__(self) -> dict[str, Any]:
        return {}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__()

    def configure(self, req: ConfigureRequest) -> None:
        config = {key: req.config.get(key) for key in config_keys()}
        self._ops = Operations(config, _warn, _info)

    # -- engine calls --------------------------------------------------------------------
    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        plain, secret = unwrap(news)
        inputs, failures = self._ops.check(plain)
        return CheckResult(wrap(inputs, secret), [CheckFailure(*f) for f in failures])

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        changed, replaces = self._ops.diff(unwrap(olds)[0], unwrap(news)[0])
        return DiffResult(changes=bool(changed), replaces=replaces, delete_before_replace=False)

    def create(self, props: dict[str, Any]) -> CreateResult:
        plain, secret = unwrap(props)
        collection_id, state = self._ops.create(plain)
        return CreateResult(collection_id, wrap(state, secret))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        plain, secret = unwrap(props)
        found = self._ops.read(id_, plain)
        if found is None:
            return ReadResult(None, {})  # gone: Pulumi drops it from the state
        inputs, outs = found
        return ReadResult(id_, wrap(outs, secret), wrap(inputs, secret))

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        plain, secret = unwrap(news)
        return UpdateResult(wrap(self._ops.update(id_, unwrap(olds)[0], plain), secret))

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        self._ops.delete(id_, unwrap(props)[0])
