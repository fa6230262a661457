"""What each lifecycle step does on the service, independent of Pulumi's calling convention.

Create is transactional: when it raises, nothing it made is left on the service. Update
applies each changed input as its :class:`~pulumi_zarr.schema.OnChange` says.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Mapping
from typing import Any

from .client import ZarrClient
from .errors import (
    IngestionTimeout,
    NotFound,
    RateLimited,
    RequestMayHaveBeenApplied,
    RequestNotSent,
    RequestTimedOut,
    ServerError,
    ZarrApiError,
    ZarrCollectionError,
)
from .models import Collection, CollectionCreate, Status
from .polling import wait_until_final
from .schema import (
    SERVICE_FIELDS,
    OnChange,
    ZarrCollectionInputs,
    ZarrCollectionOutputs,
    changed_fields,
    on_change,
    provider_options,
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


def _same_spec(collection: Collection, spec: CollectionCreate) -> bool:
    return all(getattr(collection, f) == getattr(spec, f) for f in SERVICE_FIELDS)


def _matching(client: ZarrClient, spec: CollectionCreate) -> list[Collection]:
    return [c for c in client.list_collections(search=spec.name) if _same_spec(c, spec)]


def _find_made(
    client: ZarrClient, spec: CollectionCreate, before: set[str], lost: ZarrApiError
) -> list[Collection]:
    """The collections a POST whose answer was lost made (normally one, or none).

    After a timeout the service may still be working on the POST, so keep looking for as
    long as a request may take; after a dropped connection it has finished: look once.
    """
    timed_out = isinstance(lost, RequestTimedOut)
    deadline = time.monotonic() + (client.settings.timeout_seconds if timed_out else 0)
    while True:
        made = [c for c in _matching(client, spec) if c.id not in before]
        if made or time.monotonic() >= deadline:
            return made
        time.sleep(min(1.0, max(deadline - time.monotonic(), 0)))


def _not_created(spec: CollectionCreate, exc: ZarrApiError) -> ZarrCollectionError:
    return ZarrCollectionError(
        f"creating {describe(spec)} failed before reaching the service ({exc}); "
        "nothing was created. Run `pulumi up` again."
    )


def _post(client: ZarrClient, spec: CollectionCreate) -> Collection:
    """POST the collection; if the answer is lost, find the one the POST made.

    Collections that already matched before the POST are not ours, so a lost answer never
    leads to a duplicate or to adopting someone else's collection. After a 5xx, once the
    lookup shows nothing was made, the POST is sent once more: a 5xx is a complete answer, so
    no earlier request can still land and make a second collection.
    """
    before = {c.id for c in _matching(client, spec)}
    for attempt in (1, 2):
        try:
            return client.create(spec)
        except (RequestNotSent, RateLimited) as exc:  # never sent, or refused: nothing was made
            raise _not_created(spec, exc) from None
        except (RequestMayHaveBeenApplied, ServerError) as exc:  # the service may have made it
            lost: ZarrApiError = exc
        made = _find_made(client, spec, before, lost)
        if len(made) == 1:
            return made[0]
        if made:
            ids = ", ".join(c.id for c in made)
            raise ZarrCollectionError(
                f"creating {describe(spec)}: POST got no usable answer ({lost}) and {len(made)} "
                f"new matching collections appeared meanwhile ({ids}); another process is "
                "creating the same collection. Nothing was adopted: delete the extra ones, then "
                "import the one to keep with the import_ resource option."
            )
        if attempt == 2 or not isinstance(lost, ServerError):
            break
    raise ZarrCollectionError(
        f"creating {describe(spec)} failed: POST got no usable answer ({lost}) and the "
        "service has no such new collection, so nothing was created. Run `pulumi up` again."
    )


def _discard(client: ZarrClient, collection: Collection, reason: str) -> ZarrCollectionError:
    """Delete a collection create made but cannot keep; the error to raise about it."""
    try:
        client.delete(collection.id)
    except NotFound:
        pass
    except ZarrApiError as exc:
        return ZarrCollectionError(
            f"{reason} Deleting the collection it created ({collection.id}) failed as well "
            f"({exc}): delete it by hand with DELETE {client.settings.api_url}/collections/"
            f"{collection.id}, or it stays behind outside Pulumi's state."
        )
    return ZarrCollectionError(
        f"{reason} The collection it created ({collection.id}) was deleted, so nothing is "
        "left behind."
    )


def create(client: ZarrClient, inputs: ZarrCollectionInputs) -> tuple[str, dict[str, Any]]:
    """POST, wait for ingestion if asked, read the outputs. Returns (id, outputs)."""
    started = time.monotonic()
    spec = inputs.create_payload()
    collection = _post(client, spec)
    try:
        if inputs.wait_for_ingestion:
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
        raise _discard(
            client, collection, f"creating {describe(spec)} failed after the POST ({exc})."
        ) from None


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
            "`pulumi refresh` to drop it from the state; the next `pulumi up` creates it again."
        ) from None
    return outputs(client, collection)


def delete(client: ZarrClient, collection_id: str) -> None:
    """DELETE; a collection that is already gone counts as deleted."""
    with contextlib.suppress(NotFound):
        client.delete(collection_id)


def find_by_name(client: ZarrClient, name: str) -> Collection:
    """The one collection of the account named exactly ``name``."""
    named = [c for c in client.list_collections(search=name) if c.name == name]
    if not named:
        raise ZarrCollectionError(f"there is no Zarr collection named {name!r} (for this account)")
    if len(named) > 1:
        listed = ", ".join(f"{c.id} (created {c.created})" for c in named)
        raise ZarrCollectionError(
            f"{len(named)} Zarr collections are named {name!r}: {listed}. Look one up by id "
            "instead: get_zarr_collection(id=...)."
        )
    return named[0]
