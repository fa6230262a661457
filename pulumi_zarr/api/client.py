"""Client of Sentinel Hub's Zarr Import API: one method per operation, paging in one place.

Every answer is checked before it is used: it must be the documented JSON, and an answer
about one collection must be about the collection asked for.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager
from typing import Any, TypeVar
from urllib.parse import quote

import requests
from pydantic import BaseModel, ValidationError

from ..errors import AnswerTooLarge, InvalidCollectionId, UnexpectedResponse
from ._deadline import Deadline, deadline
from ._transport import ApiSession
from .config import source_text
from .models import (
    PAGE_LIMIT,
    Collection,
    CollectionCreate,
    CollectionUpdate,
    Page,
    Single,
    ZarrArray,
    is_collection_id,
)
from .settings import Settings

M = TypeVar("M", bound=BaseModel)

#: A listing asks for at most this many pages' worth of items (pages of
#: :data:`~pulumi_zarr.api.models.PAGE_LIMIT`): past it, paging is not ending.
MAX_PAGES = 1000


def check_collection_id(value: object, where: str = "collection id") -> str:
    """``value`` if it is a well-formed collection id, else :class:`InvalidCollectionId`."""
    if not is_collection_id(value):
        raise InvalidCollectionId(value, where)
    assert isinstance(value, str)
    return value


def _segment(value: str) -> str:
    if value in ("", ".", ".."):  # would name another path once the URL is normalised
        raise ValueError(f"{value!r} cannot be a path segment")
    return quote(value, safe="")


def _where(response: requests.Response) -> dict[str, Any]:
    method = response.request.method if response.request is not None else None
    path = requests.utils.urlparse(response.url).path if response.url else None
    return {"status": response.status_code, "method": method, "path": path}


def parse(model: type[M], response: requests.Response) -> M:
    """The body of ``response`` as ``model``, or :class:`UnexpectedResponse` saying why not."""
    if not response.content.strip():
        problem = "an empty body"
    else:
        try:
            return model.model_validate_json(response.content)
        except ValidationError as exc:
            first = exc.errors(include_input=False, include_url=False)[0]
            if first["type"] == "json_invalid":
                kind = response.headers.get("Content-Type", "").split(";")[0] or "no type"
                problem = f"a body that is not JSON ({kind})"
            else:
                where = ".".join(map(str, first["loc"])) or "the body"
                problem = f"JSON that is not the documented answer ({where}: {first['msg']})"
    raise UnexpectedResponse(f"{problem}: the answer was not used", **_where(response))


def _same_id(asked: str, answered: str) -> bool:
    return asked.lower() == answered.lower()


class ZarrClient:
    """Zarr Import API of one deployment, as one OAuth client.

    Thread-safe: one token and one connection pool are shared by all calls.
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.http = ApiSession(settings)
        #: The ``count`` a listing of collections or arrays asks for, once a page was too large.
        self._page_counts: dict[str, int] = {}

    def close(self) -> None:
        self.http.close()

    def authenticate(self) -> None:
        """Check the credentials: fetch a token unless a valid one is held."""
        self.http.ensure_token()

    def deadline(self, at: float) -> AbstractContextManager[Deadline]:
        """Requests made in this thread inside the block end by ``at`` (``time.monotonic()``)."""
        return deadline(at)

    def _url(self, *segments: str) -> str:
        return "/".join([self.settings.api_url, "collections", *map(_segment, segments)])

    def _one(
        self, method: str, collection_id: str, *rest: str, json: Any = None
    ) -> Collection | None:
        """``METHOD collections/{id}/…``: the collection answered (None: no body), checked to
        be the one asked for."""
        url = self._url(check_collection_id(collection_id), *rest)
        response = self.http.request(method, url, json=json)
        if method != "GET" and not response.content.strip():
            return None
        collection = parse(Single[Collection], response).data
        if not _same_id(collection_id, collection.id):
            raise UnexpectedResponse(
                f"the answer is about collection {collection.id}, not {collection_id}: it was "
                "not used, and nothing was recorded or deleted",
                **_where(response),
            )
        return collection

    def _get_page(self, url: str, params: dict[str, Any], what: str) -> requests.Response:
        """One page. An answer over the size cap is asked for again with a quarter of the
        ``count`` (down to 1), and later pages of this client keep the smaller count."""
        while True:
            try:
                return self.http.request("GET", url, params=params)
            except AnswerTooLarge as exc:
                if params["count"] > 1:
                    params["count"] = self._page_counts[what] = max(params["count"] // 4, 1)
                    continue
                raise AnswerTooLarge(
                    f"even with a page of one {what}, {exc.message}. Check that "
                    f"{source_text('base_url')} names a Sentinel Hub deployment; if it does, "
                    f"one {what} there is too large for pulumi-zarr to read",
                    status=exc.status,
                    method=exc.method,
                    path=exc.path,
                ) from None

    def _paginate(self, model: type[M], *segments: str, search: str | None = None) -> Iterator[M]:
        """Every item of a paged list, following ``links.nextToken`` until it is absent."""
        what = "array" if model is ZarrArray else "collection"
        params: dict[str, Any] = {"count": self._page_counts.get(what, PAGE_LIMIT)}
        if search:
            params["search"] = search
        url = self._url(*segments)
        seen: set[str] = set()
        # Bounded by items asked for, so that smaller pages may be more of them.
        budget = MAX_PAGES * PAGE_LIMIT
        while budget > 0:
            response = self._get_page(url, params, what)
            budget -= params["count"]
            page = parse(Page[model], response)  # type: ignore[valid-type]
            yield from page.data
            token = page.links.next_token
            if not token or not page.data:
                return
            if token in seen:
                raise UnexpectedResponse(
                    f"paging repeated the nextToken of an earlier page after {len(seen) + 1} "
                    "pages: the listing would never end, so it was stopped",
                    **_where(response),
                )
            seen.add(token)
            params["viewtoken"] = token
        raise UnexpectedResponse(
            f"the listing did not end after {len(seen)} pages ({MAX_PAGES * PAGE_LIMIT} "
            f"{what}s asked for), so it was stopped",
            **_where(response),
        )

    # -- collections ---------------------------------------------------------------------
    def create(self, spec: CollectionCreate) -> Collection:
        """``POST collections``: the new collection (status CREATED); ingestion starts."""
        response = self.http.request("POST", self._url(), json=spec.to_wire())
        made = parse(Single[Collection], response).data
        differ = [f for f in CollectionCreate.model_fields if getattr(made, f) != getattr(spec, f)]
        if differ:
            raise UnexpectedResponse(
                f"the answer describes another collection than the one posted ({made.id}: "
                f"{', '.join(differ)} differ): it was not used",
                **_where(response),
            )
        return made

    def get(self, collection_id: str) -> Collection:
        collection = self._one("GET", collection_id)
        assert collection is not None
        return collection

    def list_collections(self, search: str | None = None) -> Iterator[Collection]:
        """All collections of the account (every page), optionally filtered by name."""
        return self._paginate(Collection, search=search)

    def rename(self, collection_id: str, name: str) -> None:
        """``PUT collections/{id}`` (no body is the documented answer)."""
        self._one("PUT", collection_id, json=CollectionUpdate(name=name).to_wire())

    def delete(self, collection_id: str) -> None:
        self.http.request("DELETE", self._url(check_collection_id(collection_id)))

    def reingest(self, collection_id: str) -> Collection:
        """``PUT collections/{id}/reingest``: the collection as ingestion restarts."""
        return self._one("PUT", collection_id, "reingest") or self.get(collection_id)

    # -- arrays --------------------------------------------------------------------------
    def list_arrays(self, collection_id: str, search: str | None = None) -> Iterator[ZarrArray]:
        """All ingested arrays of a collection (every page)."""
        return self._paginate(
            ZarrArray, check_collection_id(collection_id), "arrays", search=search
        )

    def get_array(self, collection_id: str, name: str) -> ZarrArray:
        check_collection_id(collection_id)
        response = self.http.request("GET", self._url(collection_id, "arrays", name))
        return parse(Single[ZarrArray], response).data


_clients: dict[Settings, ZarrClient] = {}
_clients_lock = threading.Lock()


def shared_client(settings: Settings) -> ZarrClient:
    """The process-wide client for ``settings``: one token and one pool per credential."""
    with _clients_lock:
        client = _clients.get(settings)
        if client is None:
            client = _clients[settings] = ZarrClient(settings)
        return client
