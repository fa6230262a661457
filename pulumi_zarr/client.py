"""Client of Sentinel Hub's Zarr Import API: one method per operation, paging in one place."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any, TypeVar
from urllib.parse import quote

from pydantic import BaseModel

from .models import (
    PAGE_LIMIT,
    Collection,
    CollectionCreate,
    CollectionUpdate,
    Page,
    Single,
    ZarrArray,
)
from .settings import Settings
from .transport import ApiSession

M = TypeVar("M", bound=BaseModel)


def _segment(value: str) -> str:
    return quote(value, safe="")


class ZarrClient:
    """Zarr Import API of one deployment, as one OAuth client.

    Thread-safe: one token and one connection pool are shared by all calls.
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.http = ApiSession(settings)

    def close(self) -> None:
        self.http.close()

    def authenticate(self) -> None:
        """Check the credentials: fetch a token unless a valid one is held."""
        self.http.ensure_token()

    def _url(self, *segments: str) -> str:
        return "/".join([self.settings.api_url, "collections", *map(_segment, segments)])

    def _get(self, model: type[M], *segments: str) -> M:
        return model.model_validate(self.http.request("GET", self._url(*segments)).json())

    def _paginate(self, model: type[M], *segments: str, search: str | None = None) -> Iterator[M]:
        """Every item of a paged list, following ``links.nextToken`` until it is absent."""
        params: dict[str, Any] = {"count": PAGE_LIMIT}
        if search:
            params["search"] = search
        url = self._url(*segments)
        while True:
            page = Page[model].model_validate(self.http.request("GET", url, params=params).json())
            yield from page.data
            if not page.links.next_token or not page.data:
                return
            params["viewtoken"] = page.links.next_token

    # -- collections ---------------------------------------------------------------------
    def create(self, spec: CollectionCreate) -> Collection:
        """``POST collections``: the new collection (status CREATED); ingestion starts."""
        response = self.http.request("POST", self._url(), json=spec.to_wire())
        return Single[Collection].model_validate(response.json()).data

    def get(self, collection_id: str) -> Collection:
        return self._get(Single[Collection], collection_id).data

    def list_collections(self, search: str | None = None) -> Iterator[Collection]:
        """All collections of the account (every page), optionally filtered by name."""
        return self._paginate(Collection, search=search)

    def rename(self, collection_id: str, name: str) -> None:
        self.http.request(
            "PUT", self._url(collection_id), json=CollectionUpdate(name=name).to_wire()
        )

    def delete(self, collection_id: str) -> None:
        self.http.request("DELETE", self._url(collection_id))

    def reingest(self, collection_id: str) -> Collection:
        """``PUT collections/{id}/reingest``: the collection as ingestion restarts."""
        response = self.http.request("PUT", self._url(collection_id, "reingest"))
        if not response.content:
            return self.get(collection_id)
        return Single[Collection].model_validate(response.json()).data

    # -- arrays --------------------------------------------------------------------------
    def list_arrays(self, collection_id: str, search: str | None = None) -> Iterator[ZarrArray]:
        """All ingested arrays of a collection (every page)."""
        return self._paginate(ZarrArray, collection_id, "arrays", search=search)

    def get_array(self, collection_id: str, name: str) -> ZarrArray:
        return self._get(Single[ZarrArray], collection_id, "arrays", name).data


_clients: dict[Settings, ZarrClient] = {}
_clients_lock = threading.Lock()


def shared_client(settings: Settings) -> ZarrClient:
    """The process-wide client for ``settings``: one token and one pool per credential."""
    with _clients_lock:
        client = _clients.get(settings)
        if client is None:
            client = _clients[settings] = ZarrClient(settings)
        return client
