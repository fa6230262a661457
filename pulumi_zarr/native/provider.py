"""The native ``sentinelhub`` provider: a thin adapter from the engine's gRPC calls (through
``pulumi.provider.experimental``) to :class:`~pulumi_zarr.collection.calls.Operations`, the same
calls the dynamic provider makes. What is particular to the plugin is listed on
:class:`NativeProvider`.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import re
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from pulumi.provider.experimental.provider import (
    CheckFailure,
    CheckRequest,
    CheckResponse,
    ConfigureRequest,
    ConfigureResponse,
    CreateRequest,
    CreateResponse,
    DeleteRequest,
    DiffRequest,
    DiffResponse,
    GetSchemaRequest,
    GetSchemaResponse,
    InvokeRequest,
    InvokeResponse,
    PropertyDiff,
    PropertyDiffKind,
    Provider,
    ReadRequest,
    ReadResponse,
    UpdateRequest,
    UpdateResponse,
)
from pulumi.runtime.rpc import UNKNOWN

from ..collection.calls import Operations
from ..collection.spec import OUTPUT_FIELDS, SERVICE_FIELDS, OnChange, on_change
from ..dynamic.property_bags import PROVIDER_KEY
from ..errors import PulumiZarrError, no_collection
from .config import marked_secret, place_changes, stack_config
from .engine_log import EngineLog, current_urn
from .names import TOKEN, is_wire_name, wire_name, wire_text
from .values import from_wire, plain, to_wire

#: Threads running lifecycle calls. Nearly all of their time is spent waiting for the service
#: (polling an ingestion), so this bounds how many creates proceed at once, not CPU use.
WORKERS = 64

T = TypeVar("T")


def _expect_type(urn_type: str) -> None:
    """Refuse a type this provider does not serve (the type may carry its parents' types,
    ``parent$child``)."""
    own = urn_type.split("$")[-1]
    if own != TOKEN:
        raise PulumiZarrError(f"the sentinelhub provider serves only {TOKEN}, not {own!r}")


def _detailed(
    changed: list[str], replaces: list[str], olds: Mapping[str, Any], news: Mapping[str, Any]
) -> dict[str, PropertyDiff]:
    """The per-property diff the CLI shows (``[diff: ~name]``)."""
    kinds = {
        (True, True): PropertyDiffKind.UPDATE,
        (False, True): PropertyDiffKind.ADD,
        (True, False): PropertyDiffKind.DELETE,
    }
    replacing = {
        PropertyDiffKind.UPDATE: PropertyDiffKind.UPDATE_REPLACE,
        PropertyDiffKind.ADD: PropertyDiffKind.ADD_REPLACE,
        PropertyDiffKind.DELETE: PropertyDiffKind.DELETE_REPLACE,
    }
    detailed = {}
    for field in changed:
        kind = kinds.get((field in olds, field in news), PropertyDiffKind.UPDATE)
        if field in replaces:
            kind = replacing[kind]
        detailed[wire_name(field)] = PropertyDiff(kind, input_diff=True)
    return detailed


def _wire_args(text: str, wire: Mapping[str, str]) -> str:
    """A message with each argument's snake_case name written as its wire name."""
    for field, name in sorted(wire.items(), key=lambda item: -len(item[0])):
        text = re.sub(rf"\b{re.escape(field)}\b", name, text)
    return text


class NativeProvider(Provider):
    """Serves ``sentinelhub:index:ZarrCollection``. What is particular to the plugin:

    * property names are camelCase on the wire (:mod:`.names`), values are ``PropertyValue``s
      (:mod:`.values`), messages name the wire names;
    * the lifecycle blocks (HTTP, ingestion waits): it runs in a pool of :data:`WORKERS`
      threads, sized for waiting rather than for CPUs, so that many creates wait at once and
      the event loop stays free to answer every other call, Cancel included;
    * what it logs (progress while waiting, preflight warnings, the lines of the HTTP debug
      switch) goes to the engine's log service, on the resource of the call (:mod:`.engine_log`);
    * preview calls (``preview=True``) change nothing: they answer what the state will look like;
    * import: ``read`` with no state answers the inputs the service stores (name, bucket, path,
      CRS) and the outputs. The provider's own inputs (``waitForIngestion``,
      ``ingestionTimeoutSeconds``, ``preflight``, ``reingestTrigger``) cannot be read back and
      take their defaults: a program that imports with other values shows them as a diff
      (README: "Native provider", Import);
    * a state the dynamic resource wrote (snake_case names, ``__provider``), reached through the
      alias the typed class and the schema declare, diffs as an update that rewrites the state
      and changes nothing on the service.
    """

    def __init__(self, workers: int = WORKERS, log: EngineLog | None = None) -> None:
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="sentinelhub")
        self._log = log or EngineLog(None)
        self._ops = Operations({}, self._warn)

    def _warn(self, message: str) -> None:
        self._log.warn(wire_text(message))

    def _status(self, message: str) -> None:
        self._log.status(wire_text(message))  # progress while waiting, on the resource's row

    async def _run(self, urn: str, call: Callable[..., T], *args: Any) -> T:
        """``call(*args)`` in the pool, about the resource ``urn`` (what it logs is attached
        to that resource); its errors come back naming the wire names."""
        loop = asyncio.get_running_loop()
        context = contextvars.copy_context()
        context.run(current_urn.set, urn)
        try:
            return await loop.run_in_executor(
                self._pool, functools.partial(context.run, call, *args)
            )
        except PulumiZarrError as exc:
            raise PulumiZarrError(wire_text(str(exc))) from None

    # -- the provider ---------------------------------------------------------------------
    async def get_schema(self, request: GetSchemaRequest) -> GetSchemaResponse:
        from .package_schema import schema_text

        return GetSchemaResponse(schema=schema_text())

    async def check_config(self, request: CheckRequest) -> CheckResponse:
        # the engine strips secrets from what it sends here and keeps the ones answered
        return CheckResponse(inputs=marked_secret(request.new_inputs))

    async def diff_config(self, request: DiffRequest) -> DiffResponse:
        """An explicit provider instance whose settings now point at another account or
        deployment (:data:`~.config.PLACE_VARIABLES`) replaces its collections: the engine asks
        this when such a provider changes and when a resource moves to another provider
        (``provider:`` changed), then creates each collection through the new provider and
        deletes the old one through the old. A default provider (the stack's ``sentinelhub:*``
        configuration) keeps today's rule instead: its collections are not replaced, and a
        call that does not find one where the state says it was made stops and says so."""
        changed = place_changes(request.urn, request.old_state, request.new_inputs)
        if not changed:
            return DiffResponse()  # the engine's own comparison of the provider's inputs
        # no detailed diff: the SDK's DiffConfig cannot marshal one (3.272: it reads
        # PropertyDiff.inputDiff, which does not exist); the engine shows the replaced keys
        return DiffResponse(changes=True, replaces=changed, diffs=changed)

    async def configure(self, request: ConfigureRequest) -> ConfigureResponse:
        self._ops = Operations(stack_config(request.args), self._warn, self._status, self._log.info)
        # no output values or resource references: inputs of this resource are plain values
        return ConfigureResponse(accept_secrets=True, supports_preview=True)

    async def cancel(self) -> None:
        """Answered at once: the engine stops sending calls and then stops the plugin; a create
        in flight is not abandoned half-way (its own error handling deletes what it made)."""

    # -- the resource ---------------------------------------------------------------------
    async def check(self, request: CheckRequest) -> CheckResponse:
        _expect_type(request.type)
        news, secret = from_wire(request.new_inputs)
        inputs, failures = await self._run(request.urn, self._ops.check, news)
        return CheckResponse(
            inputs=to_wire(inputs, secret),
            failures=[CheckFailure(wire_name(f.property), wire_text(f.reason)) for f in failures],
        )

    async def diff(self, request: DiffRequest) -> DiffResponse:
        olds, _ = from_wire(request.old_state)
        news, _ = from_wire(request.new_inputs)
        changed, replaces = await self._run(
            request.urn, self._ops.diff, olds, news, request.resource_id
        )
        detailed = _detailed(changed, replaces, olds, news)
        # written by the dynamic resource (moved here by an alias): an update rewrites it in
        # wire names, without `__provider` (the diff shows that one, when it is there)
        legacy = [key for key in request.old_state if not is_wire_name(key)]
        shown = [key for key in legacy if key == PROVIDER_KEY] or legacy
        detailed.update({key: PropertyDiff(PropertyDiffKind.DELETE, False) for key in shown})
        return DiffResponse(
            changes=bool(detailed),
            replaces=[wire_name(field) for field in replaces],
            delete_before_replace=False,
            diffs=list(detailed),
            detailed_diff=detailed,
        )

    async def create(self, request: CreateRequest) -> CreateResponse:
        _expect_type(request.type)
        props, secret = from_wire(request.properties)
        if request.preview:  # what the state will hold; the service computes the outputs
            return CreateResponse("", to_wire({**props, **self._unknown_outputs()}, secret))
        collection_id, state = await self._run(
            request.urn, self._ops.create, props, request.timeout
        )
        return CreateResponse(collection_id, to_wire(state, secret))

    async def read(self, request: ReadRequest) -> ReadResponse:
        importing = not request.properties and not request.inputs
        props, secret = from_wire(request.properties or request.inputs)
        found = await self._run(request.urn, self._ops.read, request.resource_id, props)
        if found is None:
            if importing:  # an empty answer would import an empty resource
                raise PulumiZarrError(
                    f"{no_collection(request.resource_id)}, so there is nothing to import"
                )
            return ReadResponse("")  # gone: the engine drops it from the state
        inputs, state = found
        if importing:  # only what the service stores: the provider's own inputs take defaults
            inputs = {k: v for k, v in inputs.items() if k in SERVICE_FIELDS}
        return ReadResponse(request.resource_id, to_wire(state, secret), to_wire(inputs, secret))

    async def update(self, request: UpdateRequest) -> UpdateResponse:
        olds, _ = from_wire(request.olds)
        news, secret = from_wire(request.news)
        if request.preview:
            planned = await self._run(request.urn, self._planned, olds, news)
            return UpdateResponse(to_wire(planned, secret))
        state = await self._run(
            request.urn, self._ops.update, request.resource_id, olds, news, request.timeout
        )
        return UpdateResponse(to_wire(state, secret))

    async def delete(self, request: DeleteRequest) -> None:
        props, _ = from_wire(request.properties)
        await self._run(request.urn, self._ops.delete, request.resource_id, props, request.timeout)

    # -- the functions ----------------------------------------------------------------------
    async def invoke(self, request: InvokeRequest) -> InvokeResponse:
        """A function of :mod:`.functions`: its arguments checked with the resources' wording
        (failures name the wire names), its result in wire names, no credential in it."""
        from ..collection.queries import check_args
        from .functions import BY_TOKEN, arg_names, from_wire_args

        function = BY_TOKEN.get(request.tok)
        if function is None:
            raise PulumiZarrError(
                f"the sentinelhub provider has no function {request.tok!r} (functions: "
                f"{', '.join(BY_TOKEN)})"
            )
        args = from_wire_args(function, {k: plain(v) for k, v in request.args.items()})
        parsed, failures = check_args(function.args, function.name, args)
        if failures:
            wire = {field: name for name, field in arg_names(function).items()}
            return InvokeResponse(
                failures=[
                    CheckFailure(wire.get(f.property, f.property), _wire_args(f.reason, wire))
                    for f in failures
                ]
            )
        result = await self._run("", function.run, self._ops, parsed)
        return InvokeResponse(to_wire(result, set()))

    # -- previews -------------------------------------------------------------------------
    @staticmethod
    def _unknown_outputs() -> dict[str, Any]:
        return dict.fromkeys(OUTPUT_FIELDS, UNKNOWN)

    def _planned(self, olds: Mapping[str, Any], news: Mapping[str, Any]) -> dict[str, Any]:
        """The state after an update, as far as a preview knows it: the outputs stay, unless
        the update re-ingests (then the service computes them anew)."""
        changed, _ = self._ops.diff(olds, news)
        if any(on_change(field) is OnChange.REINGEST for field in changed):
            return {**news, **self._unknown_outputs()}
        return {**news, **{k: olds.get(k) for k in OUTPUT_FIELDS}}
