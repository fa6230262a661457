"""Token endpoint: client credentials (form or Basic), errors OAuth-style, expiry, forgery."""

from __future__ import annotations

import base64
import time

import pytest
import requests
from oauthlib.oauth2.rfc6749.errors import InvalidClientError

from pulumi_zarr.emulator.server import Emulator

from .helpers import TOKEN_PATH, oauth_session


def token(url: str, **form: str) -> requests.Response:
    return requests.post(url + TOKEN_PATH, data=form, timeout=5)


def test_form_credentials_give_a_bearer_token(emulator):
    response = token(
        emulator.url,
        grant_type="client_credentials",
        client_id="local",
        client_secret="local-secret",
    )
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 3600
    assert len(body["access_token"]) > 40
    assert response.headers["Cache-Control"] == "no-store"
    again = token(
        emulator.url,
        grant_type="client_credentials",
        client_id="local",
        client_secret="local-secret",
    ).json()["access_token"]
    assert again != body["access_token"]


def test_basic_auth_credentials(emulator):
    basic = base64.b64encode(b"local:local-secret").decode()
    response = requests.post(
        emulator.url + TOKEN_PATH,
        data={"grant_type": "client_credentials"},
        headers={"Authorization": f"Basic {basic}"},
        timeout=5,
    )
    assert response.status_code == 200
    api = requests.get(
        f"{emulator.url}/zarr/v1/collections",
        timeout=5,
        headers={"Authorization": f"Bearer {response.json()['access_token']}"},
    )
    assert api.status_code == 200


@pytest.mark.parametrize(
    "form",
    [
        {"client_id": "local", "client_secret": "wrong"},
        {"client_id": "nobody", "client_secret": "local-secret"},
        {"client_id": "local"},
        {},
    ],
)
def test_bad_credentials_are_invalid_client(emulator, form):
    response = token(emulator.url, grant_type="client_credentials", **form)
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client" and response.json()["error_description"]
    assert "local-secret" not in response.text


def test_wrong_grant_type(emulator):
    response = token(
        emulator.url, grant_type="password", client_id="local", client_secret="local-secret"
    )
    assert response.status_code == 400 and response.json()["error"] == "unsupported_grant_type"


def test_oauthlib_raises_on_bad_credentials(emulator):
    with pytest.raises(InvalidClientError):
        oauth_session(emulator.url, "local", "wrong")


def test_expired_token_is_401(buckets_dir):
    # exp is whole seconds (as a JWT's), so a 1 s token lasts 0 to 1 s: 2 s lasts at least 1
    with Emulator(buckets_dir, token_ttl=2, ingest_delay=0.1) as emu:
        bearer = {"Authorization": f"Bearer {oauth_session(emu.url).access_token}"}
        url = f"{emu.url}/zarr/v1/collections"
        assert requests.get(url, headers=bearer, timeout=5).status_code == 200
        time.sleep(2.2)  # requests-oauthlib would refuse to send it: plain requests
        expired = requests.get(url, headers=bearer, timeout=5)
        assert expired.status_code == 401
        assert expired.json()["error"]["code"] == "COMMON_UNAUTHORIZED"


def test_forged_and_foreign_tokens_are_401(emulator, oauth, buckets_dir):
    real = oauth.access_token
    payload, _, signature = real.partition(".")
    claims = base64.urlsafe_b64decode(payload + "==").replace(b'"local"', b'"other"')
    forged_payload = base64.urlsafe_b64encode(claims).rstrip(b"=").decode()
    with Emulator(buckets_dir) as elsewhere:
        foreign = oauth_session(elsewhere.url).access_token
    url = f"{emulator.url}/zarr/v1/collections"
    for bad in (f"{forged_payload}.{signature}", foreign, real[:-2] + "xx", real + "x", "."):
        response = requests.get(url, headers={"Authorization": f"Bearer {bad}"}, timeout=5)
        assert response.status_code == 401, bad
    assert requests.get(url, headers={"Authorization": f"Bearer {real}"}, timeout=5).ok


def test_token_requests_are_counted_per_client(emulator):
    before = emulator.control.stats()["token_requests"].get("local", 0)
    oauth_session(emulator.url).close()
    token(emulator.url, grant_type="client_credentials", client_id="local", client_secret="no")
    assert emulator.control.stats()["token_requests"]["local"] - before == 2


def test_no_secret_or_token_in_logs(emulator, caplog):
    with caplog.at_level("DEBUG"):
        session = oauth_session(emulator.url)
        session.get(f"{emulator.url}/zarr/v1/collections")
        token(
            emulator.url,
            grant_type="client_credentials",
            client_id="local",
            client_secret="wrong-0xDEADBEEF",
        )
    ours = "\n".join(
        r.getMessage() for r in caplog.records if r.name.startswith(("pulumi_zarr", "uvicorn"))
    )
    assert session.access_token not in ours
    assert "local-secret" not in ours and "0xDEADBEEF" not in ours
