"""What each lifecycle step does on the service, independent of Pulumi's calling convention.

Create never makes a second collection and is transactional (see :func:`create`); update applies
each changed input as its :class:`~pulumi_zarr.collection.spec.OnChange` says. A collection not
found on another deployment or as another client than the state records is reported, never
dropped or counted as deleted.
"""

from __future__ import annotations

import contextlib
import shlex
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from typing import Any, NamedTuple

from ..api.client import ZarrClient
from ..api.models import Collection, CollectionCreate, Status
from ..errors import (
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
    no_collection,
)
from .engine_watch import engine_gone
from .polling import poll_interval, wait_until_final
from .spec import (
    PLACE_FIELDS,
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


def outputs(
    client: ZarrClient, collection: Collection, known: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """The resource outputs of ``collection``, with the deployment and client it is managed
    through. The array names of an ingested collection are listed from the service, unless
    ``known`` (the state) holds them for the same ingestion (:func:`_same_ingestion`)."""
    service = ZarrCollectionOutputs.from_service(collection, []).model_dump(mode="json")
    if known is not None and _same_ingestion(known, service):
        service["array_names"] = list(known["array_names"])
    else:
        service["array_names"] = array_names(client, collection)
    return {**service, **_place(client)}


def _same_ingestion(known: Mapping[str, Any], service: Mapping[str, Any]) -> bool:
    """Whether the state's array names still hold: the state saw this collection INGESTED with
    the bands the service reports now. The service makes one band per data array, and a data
    array once ingested cannot be removed, so a re-ingestion that added an array changed the
    bands; while they are the same, listing the arrays again would give the same names."""
    return (
        service["status"] == known.get("status") == Status.INGESTED.value
        and bool(service["bands"])
        and known.get("bands") == service["bands"]
        and isinstance(known.get("array_names"), list)
    )


def _place(client: ZarrClient) -> dict[str, str]:
    return {field: getattr(client.settings, field) for field in PLACE_FIELDS}


def service_inputs(collection: Collection) -> dict[str, Any]:
    """The inputs the service stores, as the collection has them now."""
    return {field: getattr(collection, field) for field in SERVICE_FIELDS}


def _cause(exc: Exception) -> str:
    """An error's text to quote inside another sentence."""
    return str(exc).rstrip(". ")


def _deadline(client: ZarrClient, seconds: float) -> contextlib.AbstractContextManager[Any]:
    """The deadline of a step that may take ``seconds``, plus one request timeout to clean up.
    Create and re-ingest may take ``ingestion_timeout_seconds``, the others one request's
    budget."""
    return client.deadline(time.monotonic() + seconds + client.settings.timeout_seconds)


class WaitLimit(NamedTuple):
    """How long a create or re-ingest may wait for ingestion, and the setting that says so."""

    seconds: float
    setting: str = "ingestion_timeout_seconds"


def wait_limit(inputs: ZarrCollectionInputs, engine_seconds: float, operation: str) -> WaitLimit:
    """The shorter of ``ingestion_timeout_seconds`` and the engine's timeout of ``operation``
    (the resource's ``customTimeouts``; 0 or less: none set)."""
    if 0 < engine_seconds < inputs.ingestion_timeout_seconds:
        return WaitLimit(engine_seconds, f"customTimeouts.{operation}")
    return WaitLimit(inputs.ingestion_timeout_seconds)


def _same_spec(collection: Collection, spec: CollectionCreate) -> bool:
    return all(getattr(collection, f) == getattr(spec, f) for f in SERVICE_FIELDS)


def _identical(client: ZarrClient, spec: CollectionCreate) -> list[Collection]:
    """The collections with the same name, bucket, path and CRS as ``spec``."""
    return [c for c in client.list_collections(search=spec.name) if _same_spec(c, spec)]


#: How many collections a message names; it says how many more there are.
LISTED = 5

#: What to do about a twin resource of one program.
_TWIN = (
    "Two resources cannot manage one collection: remove the duplicate resource from the "
    "program (adding import_id to it would make both manage it)."
)

#: Collections this provider process knows this stack holds: made or adopted here, or read,
#: diffed or updated in this run. Advice never tells to adopt or delete one of them.
_held: set[str] = set()
_creating: dict[tuple[str, ...], threading.Lock] = {}
_creating_guard = threading.Lock()


def hold(collection_id: str) -> None:
    """Note that this stack holds ``collection_id`` (its state has it)."""
    _held.add(collection_id.lower())


def _release(collection_id: str) -> None:
    _held.discard(collection_id.lower())


def _is_held(collection: Collection) -> bool:
    return collection.id.lower() in _held


@contextlib.contextmanager
def _one_at_a_time(client: ZarrClient, spec: CollectionCreate, until: float) -> Iterator[None]:
    """Hold the create of ``spec`` (on this deployment, as this client) for this process: a
    twin resource waits, then finds what this one made."""
    key = (*_place(client).values(), *(str(getattr(spec, f)) for f in SERVICE_FIELDS))
    with _creating_guard:
        lock = _creating.setdefault(key, threading.Lock())
    if not lock.acquire(timeout=max(until - time.monotonic(), 0.0)):
        raise ZarrCollectionError(
            f"creating {describe(spec)}: another resource of this program is creating a "
            f"collection with the same name, bucket, path and CRS. {_TWIN} Nothing was created."
        )
    try:
        yield
    finally:
        lock.release()


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


#: Why a collection found on the service is not simply adopted or deleted.
_OTHER_STACK = (
    "adopted in two stacks, a `pulumi destroy` of one deletes it under the other, and "
    "deleting it breaks the stack that manages it"
)


def _advice(client: ZarrClient, found: list[Collection], adopt: bool = True) -> str:
    """What to do about identical collections no resource of this run holds: they may belong
    to another stack, so check before adopting (``adopt``) or deleting any."""
    url = f"{client.settings.api_url}/collections"
    if adopt and len(found) == 1:
        one = found[0].id
        return (
            f"It may belong to another stack ({_OTHER_STACK}): check first, with `pulumi stack "
            f"export | grep {one}` in your other stacks of this account, or by its created "
            f'time. If no stack manages it, add import_id="{one}" to this resource\'s inputs '
            "and run `pulumi up` again; if it is not wanted, delete it (DELETE "
            f"{url}/{one}) first."
        )
    which = ("Each" if len(found) > 1 else "It") if adopt else "The others"
    adopting = 'adopting one (import_id="<its id>") or ' if adopt else ""
    return (
        f"{which} may belong to another stack ({_OTHER_STACK}): before {adopting}deleting any "
        f"(DELETE {url}/<id>), check that no stack manages it, with `pulumi stack export | "
        "grep <id>` in each stack of this account, or by the created times in `pulumi-zarr "
        f"collections list`.{' Then run `pulumi up` again.' if adopt else ''}"
    )


def _exists(client: ZarrClient, spec: CollectionCreate, found: list[Collection]) -> Exception:
    held = [c for c in found if _is_held(c)]
    others = [c for c in found if not _is_held(c)]
    times = f" {len(found)} times" if len(found) > 1 else ""
    said = [
        f"{describe(spec)} already exists{times}: {_ids(found)} "
        f"{'has' if len(found) == 1 else 'have'} the same name, bucket, path and CRS. "
        "Nothing was created, so that there are never two."
    ]
    if held:
        said.append(
            f"Another resource of this stack holds {', '.join(c.id for c in held)} (made, "
            f"adopted or read in this same run). {_TWIN}"
        )
    if others:
        said.append(_advice(client, others, adopt=not held))
    return ZarrCollectionError(" ".join(said))


class _Until(NamedTuple):
    """A create's deadline (``time.monotonic()``) and what set it, as an error names it."""

    at: float
    why: str


def _create_deadline(
    client: ZarrClient, inputs: ZarrCollectionInputs, started: float, limit: WaitLimit
) -> _Until:
    """Until when a create may take: ``limit`` (``ingestion_timeout_seconds`` or a shorter
    ``customTimeouts``) when it waits for the ingestion; without waiting it is the search and
    the POST (with the lookup after a POST whose answer was lost), one request's budget each,
    and never longer than ``limit``."""
    if inputs.wait_for_ingestion:
        return _Until(started + limit.seconds, limit.setting)
    budget = 2 * client.http.request_budget
    if budget >= limit.seconds:
        return _Until(started + limit.seconds, limit.setting)
    settings = client.settings
    return _Until(
        started + budget,
        f"{budget:g} s, wait_for_ingestion being false: the search and the POST, each "
        f"within {settings.max_attempts} attempts of {settings.timeout_seconds:g} s",
    )


def _find_made(
    client: ZarrClient, spec: CollectionCreate, lost: ZarrApiError, deadline: _Until
) -> Collection:
    """The collection a POST with an unknown outcome made, looked for until the create's
    deadline (once more past it). The search before the POST found none, so a match is that
    POST's; it never POSTs again."""
    until = deadline.at
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
                "collection. None was adopted and nothing was deleted. " + _advice(client, made)
            )
        if last:
            break
        now = time.monotonic()
        time.sleep(max(min(poll_interval(now - started), until - now), 0))
    looked = f"; looking it up failed as well ({_cause(failure)})" if failure else ""
    raise ZarrCollectionError(
        f"creating {describe(spec)}: the POST got no usable answer ({_cause(lost)}), and no "
        f"such collection appeared by the deadline ({deadline.why}){looked}. The "
        "service may still have created it, and it may appear later: the next `pulumi up` "
        "looks for it before creating anything and, if it is there, says how to adopt it "
        "(import_id), so a second one is never made."
    )


def _post(client: ZarrClient, spec: CollectionCreate, deadline: _Until) -> Collection:
    """POST the collection unless an identical one exists; if the outcome is unknown, find
    the one the POST made (never a second POST). One spec at a time in this process."""
    with _one_at_a_time(client, spec, deadline.at):
        made = _post_alone(client, spec, deadline)
        hold(made.id)  # before a twin waiting for the lock searches
        return made


def _post_alone(client: ZarrClient, spec: CollectionCreate, deadline: _Until) -> Collection:
    until = deadline.at
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
    return _find_made(client, spec, lost, deadline)


def _discard(client: ZarrClient, collection: Collection, reason: str) -> ZarrCollectionError:
    """Delete a collection create made but cannot keep; the error to raise about it."""
    if engine_gone():
        return ZarrCollectionError(
            f"{reason} The collection it created ({collection.id}) was kept: the Pulumi engine "
            "that started this provider no longer answers, so no state would record its "
            "deletion. The next `pulumi up` finds it and says how to adopt it (import_id)."
        )
    _release(collection.id)
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


def _wait(
    client: ZarrClient,
    collection: Collection,
    limit: WaitLimit,
    started: float,
    *,
    timed_out: Callable[[IngestionTimeout], str],
    failed: Callable[[Collection], str],
    error: Callable[[str], Exception] = ZarrCollectionError,
) -> Collection:
    """Wait until the ingestion of ``collection`` ends (INGESTED or FAILED); a timeout or a
    FAILED end raises ``error`` of what ``timed_out`` or ``failed`` say about it."""
    try:
        collection = wait_until_final(client, collection, limit.seconds, started=started)
    except IngestionTimeout as exc:
        reason = timed_out(exc)
    else:
        if collection.status is not Status.FAILED:
            return collection
        reason = failed(collection)
    raise error(reason)


class _Unkept(Exception):
    """Why create cannot keep the collection it made (it is discarded)."""


def _not_ingested(collection: Collection) -> str:
    return collection.ingestion_errors or "no reason given"


class Created(NamedTuple):
    id: str
    outputs: dict[str, Any]


class Found(NamedTuple):
    inputs: dict[str, Any]
    outputs: dict[str, Any]


def create(
    client: ZarrClient, inputs: ZarrCollectionInputs, limit: WaitLimit | None = None
) -> Created:
    """POST (or adopt ``import_id``), wait for ingestion if asked, read the outputs.

    The API has no idempotency key, so it POSTs only when no collection with the same name,
    bucket, path and CRS exists; when one does, it stops and says how to adopt it
    (``import_id``). Within one provider process the search and the POST of one spec run one at
    a time, so twin resources of one program make one collection. After a POST whose outcome is
    unknown it looks for the collection that POST made instead of POSTing again. When it
    raises, nothing it made is left on the service (an adopted collection is left as it was),
    unless the engine that asked for it is gone: then no state would record the DELETE, and
    the collection stays for the rerun to adopt (:mod:`.engine_watch`). ``limit``: how long it
    may take (default: ``ingestion_timeout_seconds``); at its end it stops as at that one.
    """
    limit = limit or WaitLimit(inputs.ingestion_timeout_seconds)
    started = time.monotonic()
    if inputs.import_id:
        with _deadline(client, limit.seconds):
            return _adopt(client, inputs, inputs.import_id, started, limit)
    deadline = _create_deadline(client, inputs, started, limit)
    until = deadline.at
    with _deadline(client, until - started):
        spec = inputs.create_payload()
        collection = made = _post(client, spec, deadline)
        try:
            if inputs.wait_for_ingestion:
                with client.deadline(until):
                    collection = _wait(
                        client,
                        made,
                        limit,
                        started,
                        timed_out=lambda exc: (
                            f"{describe(spec)} was {exc.state(limit.setting)}. "
                            f"Raise {limit.setting}, or set "
                            "wait_for_ingestion=False to return at once and follow `status` "
                            "with `pulumi refresh`."
                        ),
                        failed=lambda ended: (
                            f"{describe(spec)} failed to ingest: {_not_ingested(ended)}. Fix the "
                            "Zarr store (see the data constraints in the README), then run "
                            "`pulumi up` again."
                        ),
                        error=_Unkept,
                    )
            return Created(collection.id, outputs(client, collection))
        except _Unkept as exc:  # outside the deadline: deleting it needs its own time
            raise _discard(client, made, str(exc)) from None
        except ZarrCollectionError:
            raise
        except Exception as exc:  # anything after the POST: the collection must not stay behind
            reason = f"creating {describe(spec)} failed after the POST ({_cause(exc)})."
            raise _discard(client, collection, reason) from None


def _adopt(
    client: ZarrClient,
    inputs: ZarrCollectionInputs,
    collection_id: str,
    started: float,
    limit: WaitLimit,
) -> Created:
    """Create by adopting the existing collection ``collection_id``: checked against the
    inputs, waited for if asked, renamed if only the name differs. A failure changes
    nothing."""
    not_adopted = "It was not adopted and nothing was changed"
    try:
        collection = client.get(collection_id)
    except NotFound:
        raise ZarrCollectionError(
            f"import_id: {no_collection(collection_id)}. {not_adopted}: check the id "
            "(`pulumi-zarr collections list`)."
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
        collection = _wait(
            client,
            collection,
            limit,
            started,
            timed_out=lambda exc: (
                f"import_id {collection_id}: {describe(inputs)} was "
                f"{exc.state(limit.setting)}. {not_adopted}: run "
                "`pulumi up` again later, or set wait_for_ingestion=False to adopt it as it is."
            ),
            failed=lambda ended: (
                f"import_id {collection_id}: {describe(inputs)} has status FAILED "
                f"({_not_ingested(ended)}). {not_adopted}: fix the Zarr store and re-ingest "
                "it, or set wait_for_ingestion=False to adopt it as it is."
            ),
        )
    if collection.name != inputs.name:
        client.rename(collection_id, inputs.name)
        collection = client.get(collection_id)
    hold(collection_id)
    return Created(collection_id, outputs(client, collection))


def reingest(
    client: ZarrClient,
    collection_id: str,
    inputs: ZarrCollectionInputs,
    limit: WaitLimit | None = None,
) -> Collection:
    """Re-ingest in place, waiting for the end if asked (``limit``: how long; default
    ``ingestion_timeout_seconds``); FAILED raises (the collection stays)."""
    limit = limit or WaitLimit(inputs.ingestion_timeout_seconds)
    started = time.monotonic()
    collection = client.reingest(collection_id)
    if not inputs.wait_for_ingestion:
        return collection
    return _wait(
        client,
        collection,
        limit,
        started,
        timed_out=lambda exc: (
            f"re-ingesting {describe(inputs)} ({collection_id}) did not finish: {exc} "
            f"({limit.setting}). The "
            "collection is kept; run `pulumi refresh` later to see its status."
        ),
        failed=lambda ended: (
            f"re-ingesting {describe(inputs)} ({collection_id}) failed: {_not_ingested(ended)}. "
            "The collection is kept with status FAILED; fix the Zarr store and change "
            "reingest_trigger again."
        ),
    )


def _moved(
    client: ZarrClient, collection_id: str, props: Mapping[str, Any]
) -> ZarrCollectionError | None:
    """The error for ``collection_id``, not found, when the state records another deployment
    or client than the current settings: the collection is likely still there (None: the
    same, or a state from before they were recorded)."""
    now = _place(client)
    then = {field: props.get(field) for field in PLACE_FIELDS}
    if all(then[field] in (None, now[field]) for field in PLACE_FIELDS):
        return None
    name = props.get("name")
    what = f"Zarr collection {name!r} ({collection_id})" if name else f"collection {collection_id}"
    return ZarrCollectionError(
        f"{what} is not found on {now['base_url']} as client {now['client_id']}, but it was "
        f"created on {then['base_url'] or now['base_url']} as client "
        f"{then['client_id'] or now['client_id']}: this stack now points elsewhere. Check "
        "sentinelhub:baseUrl, the credentials (sentinelhub:clientId, SH_* variables) and the "
        "profile before anything else: a `pulumi refresh` now would drop it from the state, "
        "and the next `pulumi up` would create a second one on the new deployment, leaving "
        "the original outside Pulumi. Nothing was changed, and the state keeps it. If it "
        "really is gone, `pulumi state delete <its URN>` forgets it."
    )


def read(client: ZarrClient, collection_id: str, props: Mapping[str, Any]) -> Found | None:
    """(inputs, outputs) of the collection as it is now; None when it is gone.

    The provider's own options come from ``props`` (the state on refresh, the program on
    import); the fields the service stores come from the service, so drift shows. Not found
    on another deployment or as another client than the state records is an error, not gone.
    """
    with _deadline(client, client.http.request_budget):
        try:
            collection = client.get(collection_id)
        except NotFound:
            moved = _moved(client, collection_id, props)
            if moved:
                raise moved from None
            return None
        hold(collection_id)
        inputs = {**provider_options(props), **service_inputs(collection)}
        return Found(inputs, {**inputs, **outputs(client, collection, props)})


def update(
    client: ZarrClient,
    collection_id: str,
    old_inputs: Mapping[str, Any],
    inputs: ZarrCollectionInputs,
    limit: WaitLimit | None = None,
) -> dict[str, Any]:
    """Apply each changed input in place as its :class:`OnChange` says (in field order, each
    kind once; STATE changes nothing on the service); the outputs afterwards. ``old_inputs``:
    the state (its array names are kept when nothing was re-ingested). ``limit``: how long a
    re-ingestion may take (default: ``ingestion_timeout_seconds``)."""
    limit = limit or WaitLimit(inputs.ingestion_timeout_seconds)
    kinds = dict.fromkeys(map(on_change, changed_fields(old_inputs, inputs.model_dump())))
    if OnChange.REPLACE in kinds:  # the diff asks the engine for a replacement instead
        raise ValueError(f"update cannot apply a change that replaces {describe(inputs)}")
    waits = limit.seconds if OnChange.REINGEST in kinds else 0
    with _deadline(client, client.http.request_budget + waits):
        try:
            for kind in kinds:
                if kind is OnChange.RENAME:
                    client.rename(collection_id, inputs.name)
                elif kind is OnChange.REINGEST:
                    reingest(client, collection_id, inputs, limit)
            collection = client.get(collection_id)
        except NotFound:
            moved = _moved(client, collection_id, old_inputs)
            if moved:
                raise moved from None
            raise ZarrCollectionError(
                f"{describe(inputs)}: {no_collection(collection_id)}. Run `pulumi refresh` to "
                "drop it from the state; the next `pulumi up` creates it again."
            ) from None
        hold(collection_id)
        # a rename leaves the ingestion as it was: the state's array names hold (as on refresh)
        return outputs(client, collection, None if OnChange.REINGEST in kinds else old_inputs)


def delete(
    client: ZarrClient, collection_id: str, props: Mapping[str, Any], engine_seconds: float = 0
) -> None:
    """DELETE; a collection that is already gone counts as deleted, unless the state records
    another deployment or client than the current settings (then it is likely still there).
    ``engine_seconds``: the resource's ``customTimeouts.delete`` (0: none), when shorter than
    one request's budget."""
    budget = client.http.request_budget
    with _deadline(client, min(budget, engine_seconds) if engine_seconds > 0 else budget):
        try:
            client.delete(collection_id)
        except NotFound:
            moved = _moved(client, collection_id, props)
            if moved:
                raise moved from None
    _release(collection_id)


def find_by_name(
    client: ZarrClient, name: str, by_id: str = "get_zarr_collection(id=...)"
) -> Collection:
    """The one collection of the account named exactly ``name`` (``by_id``: how the caller
    looks one up by id, for the message about namesakes)."""
    named = [c for c in client.list_collections(search=name) if c.name == name]
    if not named:
        raise ZarrCollectionError(f"there is no Zarr collection named {name!r} (for this account)")
    if len(named) > 1:
        raise ZarrCollectionError(
            f"{len(named)} Zarr collections are named {name!r}: {_ids(named)}. Look one up by id "
            f"instead: {by_id}."
        )
    return named[0]
