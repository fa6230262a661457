"""What each of the engine's resource calls does, on plain property bags: snake_case names, no
secret wrappers, no ``__provider``. Both providers (dynamic and native) adapt Pulumi's calls to
:class:`Operations`; the rules live in :mod:`.spec` and :mod:`.lifecycle`, this module puts them
in call order. Importing it is cheap: pydantic, requests and the models load on first use.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from functools import cached_property
from typing import TYPE_CHECKING, Any, NamedTuple

from ..api.config import PREFLIGHT, first_set, secret_stack_keys, stack_keys
from .unknown import is_unknown

if TYPE_CHECKING:
    from ..api.client import ZarrClient
    from ..api.settings import Settings
    from ..preflight.reporting import PreflightReporter
    from .lifecycle import Created, Found
    from .spec import Validated

#: The stack configuration keys the provider reads (``sentinelhub:clientId``, …), and those
#: of them that are secret (names both surfaces import from here).
config_keys, secret_config_keys = stack_keys, secret_stack_keys


class Changes(NamedTuple):
    """What a diff found: the inputs that changed, and those whose change replaces."""

    changed: list[str]
    replaces: list[str]


class Operations:
    """The resource calls of one configured provider.

    ``config``: the stack configuration (``{"sentinelhub:clientId": ...}``; environment
    variables are the fallback, read on each call). ``warn``: where preflight warnings go;
    ``info``: where progress lines go (None: nowhere, and no debug lines either); ``debug``:
    where the lines of the HTTP debug switch go (default: stderr).
    """

    def __init__(
        self,
        config: Mapping[str, Any],
        warn: Callable[[str], None],
        info: Callable[[str], None] | None = None,
        debug: Callable[[str], None] | None = None,
    ) -> None:
        self.config = {key: config.get(key) for key in config_keys()}
        self._settings: dict[tuple[Any, ...], Settings] = {}
        self._warn = warn
        if info is not None:
            from .progress import debug_http_from_environment, forward_progress

            forward_progress(info)
            debug_http_from_environment(write=debug)

    def settings(self, props: Mapping[str, Any]) -> Settings:
        """The settings of a resource: its ``profile`` input, else the stack's."""
        profile = props.get("profile")
        profile = None if profile is None or is_unknown(profile) else str(profile)
        # not at import: a program only pickles the provider
        from ..api.settings import Settings, environment_stamp

        # resolved once per profile and environment: a call costs a stat, not a resolve (~75 µs)
        key = (profile, environment_stamp(os.environ))
        settings = self._settings.get(key)
        if settings is None:
            settings = self._settings[key] = Settings.resolve(self.config, os.environ, profile)
        return settings

    def client(self, props: Mapping[str, Any]) -> ZarrClient:
        from ..api.client import shared_client

        return shared_client(self.settings(props))

    @cached_property
    def _preflight(self) -> PreflightReporter:
        from ..preflight.reporting import PreflightReporter

        return PreflightReporter(self._warn)

    def check(self, news: Mapping[str, Any]) -> Validated:
        """Checked inputs (defaults filled in) and the failures, preflight's included."""
        from .spec import InputFailure, Validated, preflight_target, validate

        inputs, failures = validate(news)
        # missing or wrong credentials fail at preview, not half-way through `up` (one token
        # request per credential and process: later calls reuse the token)
        self.client(inputs).authenticate()
        target = None if failures else preflight_target(inputs)
        if target:
            from ..errors import ConfigurationError
            from ..preflight import collection_findings  # zarr only when the check runs

            try:
                deployment, unknown = self.settings(inputs).known_deployment(), ""
            except ConfigurationError as exc:
                deployment, unknown = None, str(exc)
            found = collection_findings(
                **target,
                **first_set(PREFLIGHT, self.config, os.environ),
                deployment=deployment,
                no_deployment=unknown,
            )
            reasons = self._preflight.failures(inputs["preflight"], found)
            failures = [InputFailure("path", reason) for reason in reasons]
        return Validated(inputs, failures)

    @staticmethod
    def diff(
        olds: Mapping[str, Any], news: Mapping[str, Any], collection_id: str | None = None
    ) -> Changes:
        """The inputs that changed, and those of them whose change replaces the collection.
        ``collection_id``: the collection of the state diffed (this stack holds it)."""
        from .spec import OnChange, changed_fields, on_change

        if collection_id:
            from .lifecycle import hold

            hold(collection_id)

        changed = changed_fields(olds, news)
        return Changes(changed, [f for f in changed if on_change(f) is OnChange.REPLACE])

    def create(self, props: Mapping[str, Any], timeout: float = 0) -> Created:
        """The id, and the inputs and outputs to store. ``timeout``: the engine's for this
        create (the resource's ``customTimeouts``; 0: none), when shorter than
        ``ingestion_timeout_seconds`` the end of the wait."""
        from . import lifecycle
        from .spec import parse_inputs

        inputs = parse_inputs(props)
        limit = lifecycle.wait_limit(inputs, timeout, "create")
        collection_id, outs = lifecycle.create(self.client(props), inputs, limit)
        return lifecycle.Created(collection_id, {**props, **outs})

    def read(self, collection_id: str, props: Mapping[str, Any]) -> Found | None:
        """(inputs, outputs) as the collection is now; None when it is gone."""
        from . import lifecycle

        return lifecycle.read(self.client(props), collection_id, props)

    def update(
        self,
        collection_id: str,
        olds: Mapping[str, Any],
        news: Mapping[str, Any],
        timeout: float = 0,
    ) -> dict[str, Any]:
        """The inputs and outputs to store after applying the changed inputs (``timeout``: as
        for :meth:`create`)."""
        from . import lifecycle
        from .spec import parse_inputs

        inputs = parse_inputs(news)
        limit = lifecycle.wait_limit(inputs, timeout, "update")
        outs = lifecycle.update(self.client(news), collection_id, olds, inputs, limit)
        return {**news, **outs}

    def delete(self, collection_id: str, props: Mapping[str, Any], timeout: float = 0) -> None:
        from . import lifecycle

        lifecycle.delete(self.client(props), collection_id, props, timeout)
