"""What each lifecycle step does on the service, independent of Pulumi's calling convention.

Create never makes a second collection. The API has no idempotency key, so it POSTs only
when no collection with the same name, bucket, path and CRS exists; when one does, it stops
and says how to adopt it (``import_id``). After a POST whose outcome is unknown it looks for
the collection that POST made instead of POSTing again. Create is transactional: when it
raises, nothing it made is left on the service (a collection adopted with ``import_id`` is
left as it was), unless the engine that asked for it is gone: then no state would record the
DELETE, and the collection stays for the rerun to adopt (:mod:`.engine_watch`). Update
applies each changed input as its :class:`~pulumi_zarr.schema.OnChange` says.

Every step has an overall deadline: create and re-ingest ``ingestion_timeout_seconds``, the
others one request's budget. Past it, one request timeout more is left for cleaning up.
"""

from __future__ import annotations

import contextlib
import shlex
import time
from collections.abc import Mapping
from typing import Any

from .client import ZarrClient
from .engine_watch import engine_gone
from .errors import (
    AnswerTooLarge,
    AuthError,
    IngestionTimeout,
    NotFound,
    RateLimited,
    RequestMayHaveBeenApplied,
    RequestNotSent,
    ServerError,
    UnexpectedResponse,
    ZarrApiError,
    ZarrCollectionError,
)
from .models import Collection, CollectionCreate, Status
from .polling import poll_interval, wait_until_final
from .schema import (
    SERVICE_FIELDS,
    OnChange,
    ZarrCollectionInputs,
    ZarrCollectionOutputs,
    changed_fields,
    on_change,
    provider_options,
    store_fields,
)


def describe(spec: CollectionCreate | ZarrCollectionInputs) -> str:
    return f"Zarr collection {spec.name!r} (s3://{spec.s3_bucket}/{spec.path})"


def array_names(client: ZarrClient, collection: Collection) -> list[str]:
    if collection.status is not Status.INGESTED:
        return []
    return [array.name for array in client.list_arrays(collection.id)]


def outputs(client: ZarrClient, collection: Collection) -> dict[str, Any]:
    """The resource outputs of ``collection`` (array names fetched when it is ingested)."""
    names = array_names(client, collection)
    return ZarrCollectionOutputs.from_service(collection, names).model_dump(mode="json")


def service_inputs(collection: Collection) -> dict[str, Any]:
    """The inputs the service stores, as the collection has them now."""
    return {field: getattr(collection, field) for field in SERVICE_FIELDS}


def _cause(exc: Exception) -> str:
    """An error's text to quote inside another sentence."""
    return str(exc).rstrip(". ")


def _deadline(client: ZarrClient, seconds: float) -> contextlib.AbstractContextManager[Any]:
    """The deadline of a step that may take ``seconds``, plus one request timeout to clean up."""
    return client.deadline(time.monotonic() + seconds + client.settings.timeout_seconds)


def _same_spec(collection: Collection, spec: CollectionCreate) -> bool:
    return all(getattr(collection, f) == getattr(spec, f) for f in SERVICE_FIELDS)


def _identical(client: ZarrClient, spec: CollectionCreate) -> list[Collection]:
    """The collections with the same name, bucket, path and CRS as ``spec``."""
    return [c for c in client.list_collections(search=spec.name) if _same_spec(c, spec)]


#: How many collections a message names; it says how many more there are.
LISTED = 5


def _ids(found: list[Collection]) -> str:
    """The first :data:`LISTED` of ``found`` (namesakes) with their ids, and how to list all."""
    listed = ", ".join(
        f"{c.id} (created {c.created or 'at an unknown time'})" for c in found[:LISTED]
    )
    if len(found) <= LISTED:
        return listed
    search = shlex.quote(found[0].name)
    return (
        f"{listed} and {len(found) - LISTED} more (`pulumi-zarr collections list --search "
        f"{search}` lists them all)"
    )


def _exists(client: ZarrClient, spec: CollectionCreate, found: list[Collection]) -> Exception:
    url = f"{client.settings.api_url}/collections"
    if len(found) == 1:
        first = found[0]
        return ZarrCollectionError(
            f"{describe(spec)} already exists: collection {_ids(found)} has the same "
            "name, bucket, path and CRS. Nothing was created, so that there are never two. "
            f'To manage it with this resource, add import_id="{first.id}" to its inputs and '
            f"run `pulumi up` again; if it is not wanted, delete it (DELETE {url}/{first.id}) "
            "first."
        )
    return ZarrCollectionError(
        f"{describe(spec)} already exists {len(found)} times: {_ids(found)} have the "
        "same name, bucket, path and CRS. Nothing was created. Keep one: add "
        f'import_id="<its id>" to this resource\'s inputs and delete the others (DELETE '
        f"{url}/<id>), then run `pulumi up` again."
    )


def _find_made(
    client: ZarrClient, spec: CollectionCreate, lost: ZarrApiError, until: float
) -> Collection:
    """The collection a POST with an unknown outcome made, looked for until ``until`` (once
    more past it). The search before the POST found none, so a match is that POST's."""
    started = time.monotonic()
    failure: ZarrApiError | None = None
    while True:
        last = time.monotonic() >= until
        try:
            with contextlib.nullcontext() if last else client.deadline(until):
                made = _identical(client, spec)
            failure = None
        except ZarrApiError as exc:  # a failed lookup is tried again until the deadline
            made, failure = [], exc
        if len(made) == 1:
            return made[0]
        if made:
            raise ZarrCollectionError(
                f"creating {describe(spec)}: the POST got no usable answer ({_cause(lost)}), "
                f"and meanwhile {len(made)} collections with the same name, bucket, path and CRS "
                f"appeared: {_ids(made)}. Another program is creating the same "
                "collection. None was adopted and nothing was deleted: keep one with "
                'import_id="<its id>" and delete the others.'
            )
        if last:
            break
        now = time.monotonic()
        time.sleep(max(min(poll_interval(now - started), until - now), 0))
    looked = f"; looking it up failed as well ({_cause(failure)})" if failure else ""
    raise ZarrCollectionError(
        f"creating {describe(spec)}: the POST got no usable answer ({_cause(lost)}), and no "
        f"such collection appeared by the deadline (ingestion_timeout_seconds){looked}. The "
        "service may still have created it, and it may appear later: the next `pulumi up` "
        "looks for it before creating anything and, if it is there, says how to adopt it "
        "(import_id), so a second one is never made."
    )


def _post(client: ZarrClient, spec: CollectionCreate, until: float) -> Collection:
    """POST the collection unless an identical one exists; if the outcome is unknown, find
    the one the POST made (never a second POST)."""
    try:
        with client.deadline(until):
            existing = _identical(client, spec)
    except ZarrApiError as exc:
        # an AuthError says itself what to fix; a rerun gets an answer too large again
        again = "" if isinstance(exc, (AuthError, AnswerTooLarge)) else ": run `pulumi up` again"
        raise ZarrCollectionError(
            f"creating {describe(spec)}: could not check whether it already exists "
            f"({_cause(exc)}). Nothing was sent, so nothing was created{again}."
        ) from None
    if existing:
        raise _exists(client, spec, existing)
    try:
        with client.deadline(until):
            return client.create(spec)
    except (RequestNotSent, RateLimited) as exc:  # never sent, or refused: nothing was made
        raise ZarrCollectionError(
            f"creating {describe(spec)} failed before the service acted on it ({_cause(exc)}); "
            "nothing was created. Run `pulumi up` again."
        ) from None
    except (RequestMayHaveBeenApplied, ServerError, UnexpectedResponse) as exc:
        lost: ZarrApiError = exc  # the service may have made it
    return _find_made(client, spec, lost, until)


def _discard(client: ZarrClient, collection: Collection, reason: str) -> ZarrCollectionError:
    """Delete a collection create made but cannot keep; the error to raise about it."""
    if engine_gone():
        return ZarrCollectionError(
            f"{reason} The collection it created ({collection.id}) was kept: the Pulumi engine "
            "that started this provider no longer answers, so no state would record its "
            "deletion. The next `pulumi up` finds it and says how to adopt it (import_id)."
        )
    try:
        client.delete(collection.id)
    except NotFound:
        pass
    except ZarrApiError as exc:
        return ZarrCollectionError(
            f"{reason} Deleting the collection it created ({collection.id}) failed as well "
            f"({_cause(exc)}): delete it by hand with DELETE {client.settings.api_url}/collections/"
            f"{collection.id}, or it stays behind outside Pulumi's state."
        )
    return ZarrCollectionError(
        f"{reason} The collection it created ({collection.id}) was deleted, so nothing is "
        "left behind."
    )


def create(client: ZarrClient, inputs: ZarrCollectionInputs) -> tuple[str, dict[str, Any]]:
    """POST (or adopt ``import_id``), wait for ingestion if asked, read the outputs.
    Returns (id, outputs)."""
    started = time.monotonic()
    until = started + inputs.ingestion_timeout_seconds
    with _deadline(client, inputs.ingestion_timeout_seconds):
        if inputs.import_id:
            return _adopt(client, inputs, inputs.import_id, started)
        spec = inputs.create_payload()
        collection = _post(client, spec, until)
        try:
            if inputs.wait_for_ingestion:
                with client.deadline(until):
                    collection = wait_until_final(
                        client, collection, inputs.ingestion_timeout_seconds, started=started
                    )
                if collection.status is Status.FAILED:
                    raise _discard(
                        client,
                        collection,
                        f"{describe(spec)} failed to ingest: "
                        f"{collection.ingestion_errors or 'no reason given'}. "
                        "Fix the Zarr store (see the data constraints in the README), then run "
                        "`pulumi up` again.",
                    )
            return collection.id, outputs(client, collection)
        except ZarrCollectionError:
            raise
        except IngestionTimeout as exc:
            raise _discard(
                client,
                collection,
                f"{describe(spec)} was still {exc.collection.status.value} after "
                f"{exc.timeout_seconds:g} s (ingestion_timeout_seconds). Raise "
                "ingestion_timeout_seconds, or set wait_for_ingestion=False to return at once "
                "and follow `status` with `pulumi refresh`.",
            ) from None
        except Exception as exc:  # anything after the POST: the collection must not stay behind
            reason = f"creating {describe(spec)} failed after the POST ({_cause(exc)})."
            raise _discard(client, collection, reason) from None


def _adopt(
    client: ZarrClient, inputs: ZarrCollectionInputs, collection_id: str, started: float
) -> tuple[str, dict[str, Any]]:
    """Create by adopting the existing collection ``collection_id``: checked against the
    inputs, waited for if asked, renamed if only the name differs. A failure changes
    nothing."""
    not_adopted = "It was not adopted and nothing was changed"
    try:
        collection = client.get(collection_id)
    except NotFound:
        raise ZarrCollectionError(
            f"import_id {collection_id}: there is no such collection for this account. "
            f"{not_adopted}: check the id (`pulumi-zarr collections list`)."
        ) from None
    differing = [
        f"{field} (the service has {getattr(collection, field)!r}, the program "
        f"{getattr(inputs, field)!r})"
        for field in store_fields()
        if getattr(collection, field) != getattr(inputs, field)
    ]
    if differing:
        raise ZarrCollectionError(
            f"import_id {collection_id}: collection {collection.name!r} differs from the "
            f"program in {'; '.join(differing)}. These cannot change in place. {not_adopted}: "
            "set these inputs to the service's values, or remove import_id to create a new "
            "collection. (If this resource already manages that collection, remove import_id: "
            "it is only read when the resource is created.)"
        )
    if inputs.wait_for_ingestion:
        try:
            collection = wait_until_final(
                client, collection, inputs.ingestion_timeout_seconds, started=started
            )
        except IngestionTimeout as exc:
            raise ZarrCollectionError(
                f"import_id {collection_id}: {describe(inputs)} was still "
                f"{exc.collection.status.value} after {exc.timeout_seconds:g} s "
                f"(ingestion_timeout_seconds). {not_adopted}: run `pulumi up` again later, or "
                "set wait_for_ingestion=False to adopt it as it is."
            ) from None
        if collection.status is Status.FAILED:
            raise ZarrCollectionError(
                f"import_id {collection_id}: {describe(inputs)} has status FAILED "
                f"({collection.ingestion_errors or 'no reason given'}). {not_adopted}: fix "
                "the Zarr store and re-ingest it, or set wait_for_ingestion=False to adopt it "
                "as it is."
            )
    if collection.name != inputs.name:
        client.rename(collection_id, inputs.name)
        collection = client.get(collection_id)
    return collection_id, outputs(client, collection)


def reingest(client: ZarrClient, collection_id: str, inputs: ZarrCollectionInputs) -> Collection:
    """Re-ingest in place, waiting for the end if asked; FAILED raises (the collection stays)."""
    started = time.monotonic()
    collection = client.reingest(collection_id)
    if not inputs.wait_for_ingestion:
        return collection
    try:
        collection = wait_until_final(
            client, collection, inputs.ingestion_timeout_seconds, started=started
        )
    except IngestionTimeout as exc:
        raise ZarrCollectionError(
            f"re-ingesting {describe(inputs)} ({collection_id}) did not finish: {exc}. The "
            "collection is kept; run `pulumi refresh` later to see its status."
        ) from None
    if collection.status is Status.FAILED:
        raise ZarrCollectionError(
            f"re-ingesting {describe(inputs)} ({collection_id}) failed: "
            f"{collection.ingestion_errors or 'no reason given'}. The collection is kept with "
            "status FAILED; fix the Zarr store and change reingest_trigger again."
        )
    return collection


def read(
    client: ZarrClient, collection_id: str, props: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """(inputs, outputs) of the collection as it is now; None when it is gone.

    The provider's own options come from ``props`` (the state on refresh, the program on
    import); the fields the service stores come from the service, so drift shows.
    """
    with _deadline(client, client.http.request_budget):
        try:
            collection = client.get(collection_id)
        except NotFound:
            return None
        inputs = {**provider_options(props), **service_inputs(collection)}
        return inputs, {**inputs, **outputs(client, collection)}


def update(
    client: ZarrClient,
    collection_id: str,
    old_inputs: Mapping[str, Any],
    inputs: ZarrCollectionInputs,
) -> dict[str, Any]:
    """Apply each changed input in place as its :class:`OnChange` says (in field order, each
    kind once; STATE changes nothing on the service); the outputs afterwards."""
    kinds = dict.fromkeys(map(on_change, changed_fields(old_inputs, inputs.model_dump())))
    if OnChange.REPLACE in kinds:  # the diff asks the engine for a replacement instead
        raise ValueError(f"update cannot apply a change that replaces {describe(inputs)}")
    waits = inputs.ingestion_timeout_seconds if OnChange.REINGEST in kinds else 0
    with _deadline(client, client.http.request_budget + waits):
        try:
            for kind in kinds:
                if kind is OnChange.RENAME:
                    client.rename(collection_id, inputs.name)
                elif kind is OnChange.REINGEST:
                    reingest(client, collection_id, inputs)
            collection = client.get(collection_id)
        except NotFound:
            raise ZarrCollectionError(
                f"{describe(inputs)} ({collection_id}) no longer exists on the service. Run "
                "`pulumi refresh` to drop it from the state; the next `pulumi up` creates it "
                "again."
            ) from None
        return outputs(client, collection)


def delete(client: ZarrClient, collection_id: str) -> None:
    """DELETE; a collection that is already gone counts as deleted."""
    with _deadline(client, client.http.request_budget), contextlib.suppress(NotFound):
        client.delete(collection_id)


def find_by_name(client: ZarrClient, name: str) -> Collection:
    """The one collection of the account named exactly ``name``."""
    named = [c for c in client.list_collections(search=name) if c.name == name]
    if not named:
        raise ZarrCollectionError(f"there is no Zarr collection named {name!r} (for this account)")
    if len(named) > 1:
        raise ZarrCollectionError(
            f"{len(named)} Zarr collections are named {name!r}: {_ids(named)}. Look one up by id "
            "instead: get_zarr_collection(id=...)."
        )
    return named[0]
