"""The dynamic ``ResourceProvider`` of ZarrCollection: Pulumi's calls mapped onto lifecycle steps.

The provider object holds nothing that is serialized: the SDK stores it (pickled by
reference, a few dozen bytes) in every resource's state. Settings are read inside the
provider host process, from the stack configuration handed to ``configure`` and from the
environment; API clients are cached per process (one token and pool per credential).
"""

from __future__ import annotations

import os
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

from .errors import NotFound, ZarrCollectionError
from .property_bags import is_unknown, unwrap, wrap
from .settings import PREFLIGHT_SOURCES, SOURCES, Settings, preflight_sources

if TYPE_CHECKING:
    from .client import ZarrClient
    from .schema import ZarrCollectionInputs

# pydantic, requests and the models are imported on the first call that needs them, not
# when the host unpickles the provider (see the Benchmarks section of the README).


def _defaults() -> dict[str, Any]:
    from .schema import ZarrCollectionInputs

    return {
        name: field.default
        for name, field in ZarrCollectionInputs.model_fields.items()
        if not field.is_required() and field.default is not None
    }


def _reason(field: str, message: str) -> str:
    from .schema import INPUT_FIELDS

    message = message.removeprefix("Value error, ")
    if message == "Field required":
        return f"{field} is required"
    if message == "Extra inputs are not permitted":
        return f"{field} is not an input of ZarrCollection (inputs: {', '.join(INPUT_FIELDS)})"
    return message if message.startswith(field) else f"{field}: {message}"


def validate(props: dict[str, Any]) -> tuple[dict[str, Any], list[CheckFailure]]:
    """Checked inputs (defaults filled in) and one failure per bad property.

    Properties whose value is not known yet (preview) are passed through unchecked.
    """
    from pydantic import ValidationError

    from .schema import ZarrCollectionInputs

    unknown = {k for k, v in props.items() if is_unknown(v)}
    known = {k: v for k, v in props.items() if k not in unknown}
    try:
        inputs = ZarrCollectionInputs.model_validate(known).model_dump(exclude_none=True)
        failures: list[CheckFailure] = []
    except ValidationError as exc:
        inputs = {**_defaults(), **known}
        failures = [
            CheckFailure(str(err["loc"][0]), _reason(str(err["loc"][0]), err["msg"]))
            for err in exc.errors()
            if err["loc"] and err["loc"][0] not in unknown
        ]
    inputs.update({k: props[k] for k in unknown})
    return inputs, failures


def parse_inputs(props: dict[str, Any]) -> ZarrCollectionInputs:
    """The inputs model from a property bag that may also hold outputs."""
    from .schema import INPUT_FIELDS, ZarrCollectionInputs

    return ZarrCollectionInputs.model_validate({k: props[k] for k in INPUT_FIELDS if k in props})


class ZarrCollectionProvider(ResourceProvider):
    """Creates, reads, updates and deletes Sentinel Hub Zarr collections."""

    def __init__(self) -> None:
        super().__init__()

    # Only the class reference may be serialized into the state, never host-side settings.
    def __getstate__(self) -> dict[str, Any]:
        return {}

    def __setstate__(self, state: dict[str, Any]) -> None:
        pass

    def configure(self, req: ConfigureRequest) -> None:
        keys = (*SOURCES.values(), *PREFLIGHT_SOURCES.values())
        self._config = {key: req.config.get(key) for key, _ in keys}

    def _settings(self) -> Settings:
        return Settings.resolve(getattr(self, "_config", {}), os.environ)

    def _client(self) -> ZarrClient:
        from .client import shared_client

        return shared_client(self._settings())

    # -- engine calls --------------------------------------------------------------------
    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        self._settings()  # missing credentials fail at preview, not half-way through `up`
        plain, secret = unwrap(news)
        inputs, failures = validate(plain)
        mode = inputs.get("preflight")
        where = [inputs.get(k) for k in ("s3_bucket", "path", "crs")]
        if mode in ("warn", "error") and not failures and not any(map(is_unknown, where)):
            from .preflight import preflight_collection  # zarr only when the check runs

            sources = preflight_sources(getattr(self, "_config", {}), os.environ)
            reasons = preflight_collection(*where, mode, **sources)
            failures += [CheckFailure("path", reason) for reason in reasons]
        return CheckResult(wrap(inputs, secret), failures)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        from .schema import INPUT_FIELDS, OnChange, on_change

        old, _ = unwrap(olds)
        new, _ = unwrap(news)
        defaults = _defaults()
        changed = [
            field
            for field in INPUT_FIELDS
            if is_unknown(new.get(field))
            or old.get(field, defaults.get(field)) != new.get(field, defaults.get(field))
        ]
        replaces = [field for field in changed if on_change(field) is OnChange.REPLACE]
        return DiffResult(changes=bool(changed), replaces=replaces, delete_before_replace=False)

    def create(self, props: dict[str, Any]) -> CreateResult:
        from . import lifecycle

        plain, secret = unwrap(props)
        inputs = parse_inputs(plain)
        collection_id, outs = lifecycle.create(self._client(), inputs)
        return CreateResult(collection_id, wrap({**plain, **outs}, secret))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        from . import lifecycle
        from .schema import INPUT_FIELDS, SERVICE_FIELDS

        plain, secret = unwrap(props)
        client = self._client()
        try:
            collection = client.get(id_)
        except NotFound:
            return ReadResult(None, {})  # gone: Pulumi drops it from the state
        # Provider options come from the state (refresh) or the program (import); the
        # service's own fields always come from the service, so drift shows.
        inputs, _ = validate({k: plain[k] for k in INPUT_FIELDS if k in plain})
        inputs = {k: inputs[k] for k in INPUT_FIELDS if k in inputs and k not in SERVICE_FIELDS}
        inputs.update(lifecycle.service_inputs(collection))
        outs = {**inputs, **lifecycle.outputs(client, collection)}
        return ReadResult(id_, wrap(outs, secret), wrap(inputs, secret))

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        from . import lifecycle

        old, _ = unwrap(olds)
        plain, secret = unwrap(news)
        inputs = parse_inputs(plain)
        client = self._client()
        try:
            if old.get("name") != inputs.name:
                client.rename(id_, inputs.name)
            if old.get("reingest_trigger") != inputs.reingest_trigger:
                lifecycle.reingest(client, id_, inputs)
            collection = client.get(id_)
        except NotFound:
            raise ZarrCollectionError(
                f"{lifecycle.describe(inputs)} ({id_}) no longer exists on the service. Run "
                "`pulumi refresh` to drop it from the state; the next `pulumi up` creates it again."
            ) from None
        outs = {**plain, **lifecycle.outputs(client, collection)}
        return UpdateResult(wrap(outs, secret))

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        from . import lifecycle

        lifecycle.delete(self._client(), id_)
