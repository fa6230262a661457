"""The dynamic ``ResourceProvider`` of ZarrCollection: a thin adapter from Pulumi's calls to
the schema (validation, diff) and the lifecycle (what happens on the service).

The provider object holds nothing that is serialized: the SDK stores it (pickled by
reference, a few dozen bytes) in every resource's state. Settings are read inside the
provider host process, from the stack configuration handed to ``configure`` and from the
environment; API clients are cached per process (one token and pool per credential).
pydantic, requests and the models load on the first call that needs them, not when the
host unpickles the provider (see the Benchmarks section of the README).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from functools import cached_property
from typing import TYPE_CHECKING, Any

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

from .property_bags import is_unknown, unwrap, wrap
from .settings import PREFLIGHT_SOURCES, SOURCES, Settings, preflight_sources

if TYPE_CHECKING:
    from .client import ZarrClient
    from .preflight.reporting import PreflightReporter


class ZarrCollectionProvider(ResourceProvider):
    """Creates, reads, updates and deletes Sentinel Hub Zarr collections."""

    def __init__(self) -> None:
        super().__init__()
        self._config: dict[str, Any] = {}

    # Only the class reference may be serialized into the state, never host-side settings.
    def __getstate__(self) -> dict[str, Any]:
        return {}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__()

    def configure(self, req: ConfigureRequest) -> None:
        import pulumi

        from .profiles import PROFILE_CONFIG_KEY

        keys = [key for key, _ in (*SOURCES.values(), *PREFLIGHT_SOURCES.values())]
        self._config = {key: req.config.get(key) for key in (*keys, PROFILE_CONFIG_KEY)}

        from .logs import debug_http_from_environment, forward_progress

        # the dynamic host has no engine connection: pulumi.log.info writes "info: …" to its
        # stderr, which the CLI shows (under the stack) as it comes
        forward_progress(pulumi.log.info)
        debug_http_from_environment()

    def _client(self, props: Mapping[str, Any]) -> ZarrClient:
        """The client for a resource: its ``profile`` input, else the stack's settings."""
        from .client import shared_client

        profile = props.get("profile")
        profile = None if profile is None or is_unknown(profile) else str(profile)
        return shared_client(Settings.resolve(self._config, os.environ, profile))

    @cached_property
    def _preflight(self) -> PreflightReporter:
        import pulumi

        from .preflight.reporting import PreflightReporter

        # the dynamic provider host has no engine connection: pulumi.log writes
        # "warning: …" to its stderr, which the CLI shows
        return PreflightReporter(pulumi.log.warn)

    # -- engine calls --------------------------------------------------------------------
    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        from .schema import InputFailure, preflight_target, validate

        plain, secret = unwrap(news)
        inputs, failures = validate(plain)
        # missing or wrong credentials fail at preview, not half-way through `up` (one token
        # request per credential and host process: later calls reuse the token)
        self._client(inputs).authenticate()
        target = None if failures else preflight_target(inputs)
        if target:
            from .preflight import collection_findings  # zarr only when the check runs

            found = collection_findings(**target, **preflight_sources(self._config, os.environ))
            reasons = self._preflight.failures(inputs["preflight"], found)
            failures = [InputFailure("path", reason) for reason in reasons]
        return CheckResult(wrap(inputs, secret), [CheckFailure(*f) for f in failures])

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        from .schema import OnChange, changed_fields, on_change

        changed = changed_fields(unwrap(olds)[0], unwrap(news)[0])
        replaces = [field for field in changed if on_change(field) is OnChange.REPLACE]
        return DiffResult(changes=bool(changed), replaces=replaces, delete_before_replace=False)

    def create(self, props: dict[str, Any]) -> CreateResult:
        from . import lifecycle
        from .schema import parse_inputs

        plain, secret = unwrap(props)
        collection_id, outs = lifecycle.create(self._client(plain), parse_inputs(plain))
        return CreateResult(collection_id, wrap({**plain, **outs}, secret))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        from . import lifecycle

        plain, secret = unwrap(props)
        found = lifecycle.read(self._client(plain), id_, plain)
        if found is None:
            return ReadResult(None, {})  # gone: Pulumi drops it from the state
        inputs, outs = found
        return ReadResult(id_, wrap(outs, secret), wrap(inputs, secret))

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        from . import lifecycle
        from .schema import parse_inputs

        old, _ = unwrap(olds)
        plain, secret = unwrap(news)
        outs = lifecycle.update(self._client(plain), id_, old, parse_inputs(plain))
        return UpdateResult(wrap({**plain, **outs}, secret))

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        from . import lifecycle

        lifecycle.delete(self._client(unwrap(props)[0]), id_)
