"""Look at (and tamper with) the emulator's collections the way a user would: plain HTTP.

Independent of the product's client on purpose: plain ``requests``.
"""

from __future__ import annotations

import time
from typing import Any

import requests

#: The client's default prefix, written out: this harness does not import the product.
DEFAULT_API_PREFIX = "/api/v1/zarr"


class ZarrApi:
    def __init__(
        self,
        base_url: str,
        token_url: str,
        client_id: str,
        client_secret: str,
        prefix: str = DEFAULT_API_PREFIX,
    ) -> None:
        self.url = base_url.rstrip("/") + prefix + "/collections"
        # A plain client-credentials POST, independent of the product's OAuth code.
        response = requests.post(
            token_url,
            data={
                "grant_type": "client_credentials",
                "client_id": client_id,
                "client_secret": client_secret,
            },
            timeout=10,
        )
        response.raise_for_status()
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {response.json()['access_token']}"

    def close(self) -> None:
        self.session.close()

    def _check(self, response: requests.Response) -> requests.Response:
        if response.status_code >= 400:
            raise AssertionError(
                f"{response.request.method} {response.url} → {response.status_code}: "
                f"{response.text}"
            )
        return response

    def list(self, search: str | None = None) -> list[dict[str, Any]]:
        """Every collection (all pages), optionally those whose name contains ``search``."""
        params: dict[str, Any] = {"search": search} if search else {}
        out: list[dict[str, Any]] = []
        url: str | None = self.url
        while url:
            body = self._check(self.session.get(url, params=params, timeout=10)).json()
            out.extend(body["data"])
            links = body.get("links") or {}
            token = links.get("nextToken")
            if not token or not body["data"]:
                break
            params = {**params, "viewtoken": token}
        return out

    def named(self, name: str) -> list[dict[str, Any]]:
        return [c for c in self.list(search=name) if c["name"] == name]

    def get(self, id_: str) -> dict[str, Any] | None:
        response = self.session.get(f"{self.url}/{id_}", timeout=10)
        if response.status_code == 404:
            return None
        return self._check(response).json()["data"]

    def create(self, name: str, bucket: str, path: str, crs: str) -> dict[str, Any]:
        body = {"name": name, "s3Bucket": bucket, "path": path, "crs": crs}
        return self._check(self.session.post(self.url, json=body, timeout=10)).json()["data"]

    def rename(self, id_: str, name: str) -> None:
        self._check(self.session.put(f"{self.url}/{id_}", json={"name": name}, timeout=10))

    def delete(self, id_: str) -> None:
        response = self.session.delete(f"{self.url}/{id_}", timeout=10)
        if response.status_code != 404:
            self._check(response)

    def arrays(self, id_: str) -> list[str]:
        names: list[str] = []
        params: dict[str, Any] = {}
        while True:
            body = self._check(
                self.session.get(f"{self.url}/{id_}/arrays", params=params, timeout=10)
            ).json()
            names.extend(a["name"] for a in body["data"])
            token = (body.get("links") or {}).get("nextToken")
            if not token or not body["data"]:
                return names
            params = {"viewtoken": token}

    def wait_final(self, id_: str, timeout: float = 30) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            collection = self.get(id_)
            assert collection is not None, f"collection {id_} vanished"
            if collection["status"] in ("INGESTED", "FAILED"):
                return collection
            if time.monotonic() > deadline:
                raise AssertionError(f"collection {id_} still {collection['status']}")
            time.sleep(0.05)
