"""Plain-HTTP helpers of the emulator tests (no product client on purpose)."""

from __future__ import annotations

import time
from typing import Any

CRS_4326 = "http://www.opengis.net/def/crs/EPSG/0/4326"
CRS_UTM33 = "http://www.opengis.net/def/crs/EPSG/0/32633"
PREFIXES = ("/api/v1/zarr", "/zarr/v1")
TOKEN_PATH = "/auth/realms/main/protocol/openid-connect/token"


def spec(
    name: str = "cube", bucket: str = "cubes", path: str = "demo.zarr/", crs: str = CRS_4326
) -> dict[str, str]:
    return {"name": name, "s3Bucket": bucket, "path": path, "crs": crs}


def create(session: Any, url: str, prefix: str = "/zarr/v1", **fields: Any) -> dict[str, Any]:
    response = session.post(f"{url}{prefix}/collections", json=spec(**fields))
    assert response.status_code == 201, response.text
    return response.json()["data"]


def get(session: Any, url: str, collection_id: str, prefix: str = "/zarr/v1") -> dict[str, Any]:
    response = session.get(f"{url}{prefix}/collections/{collection_id}")
    assert response.status_code == 200, response.text
    return response.json()["data"]


def wait_final(
    session: Any, url: str, collection_id: str, timeout: float = 15.0, prefix: str = "/zarr/v1"
) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    seen = []
    while True:
        data = get(session, url, collection_id, prefix)
        seen.append(data["status"])
        if data["status"] in ("INGESTED", "FAILED"):
            data["_seen"] = seen
            return data
        assert time.monotonic() < deadline, f"still {data['status']} after {timeout} s"
        time.sleep(0.03)


def all_pages(session: Any, first_url: str) -> tuple[list[dict[str, Any]], list[dict]]:
    """Follow ``links.next`` from ``first_url``; (all items, every page's links)."""
    items, links, url = [], [], first_url
    while url:
        response = session.get(url)
        assert response.status_code == 200, response.text
        body = response.json()
        items += body["data"]
        links.append(body["links"])
        url = body["links"].get("next")
    return items, links


def ingest(session: Any, url: str, **fields: Any) -> dict[str, Any]:
    """Create a collection and wait for its final status."""
    return wait_final(session, url, create(session, url, **fields)["id"])


def oauth_session(url: str, client_id: str = "local", secret: str = "local-secret") -> Any:
    """A requests-oauthlib session with a token, as in Sentinel Hub's examples.

    The emulator listens on http://127.0.0.1, which oauthlib refuses unless
    ``OAUTHLIB_INSECURE_TRANSPORT`` is set. Setting it, even briefly, would change ``os.environ``
    under the emulator's threads (and any provider a test starts would inherit it), so the
    session is the product's :class:`LoopbackOAuth2Session`, which allows plain http to this
    machine only."""
    from pulumi_zarr.api._auth import LoopbackOAuth2Session

    session = LoopbackOAuth2Session(client_id, plain_urls=(url,))
    session.fetch_token(
        token_url=f"{url}{TOKEN_PATH}",
        client_id=client_id,
        client_secret=secret,
        include_client_id=True,
    )
    return session
