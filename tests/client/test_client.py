"""The API client against the emulator, over real HTTP on 127.0.0.1."""

from __future__ import annotations

import logging
import os
import time

import pytest

from pulumi_zarr.api import _auth
from pulumi_zarr.api.client import ZarrClient
from pulumi_zarr.api.endpoints import ALTERNATE_API_PREFIX, DEFAULT_API_PREFIX
from pulumi_zarr.api.models import CollectionCreate, Status
from pulumi_zarr.api.settings import Settings
from pulumi_zarr.errors import (
    AuthError,
    BadRequest,
    NotFound,
    RateLimited,
    RequestMayHaveBeenApplied,
    ServerError,
    TransportError,
)

from .conftest import CRS_4326, count_requests, count_tokens, fault


def wait_final(client: ZarrClient, collection_id: str, timeout: float = 10.0):
    deadline = time.monotonic() + timeout
    while True:
        collection = client.get(collection_id)
        if collection.status.is_final or time.monotonic() > deadline:
            return collection
        time.sleep(0.05)


@pytest.mark.parametrize("prefix", [DEFAULT_API_PREFIX, ALTERNATE_API_PREFIX])
def test_every_operation(emulator, settings_for, cube_spec, prefix):
    client = ZarrClient(settings_for(api_prefix=prefix))
    created = client.create(cube_spec)
    assert created.status is Status.CREATED
    assert (created.name, created.s3_bucket, created.path) == (
        cube_spec.name,
        cube_spec.s3_bucket,
        cube_spec.path,
    )

    ingested = wait_final(client, created.id)
    assert ingested.status is Status.INGESTED
    assert ingested.width and ingested.height and ingested.envelope
    assert [c.id for c in client.list_collections(search=cube_spec.name[2:6])] == [created.id]

    assert [a.name for a in client.list_arrays(created.id)] == ["B1", "B2"]
    assert client.get_array(created.id, "B2").name == "B2"

    client.rename(created.id, "renamed")
    assert client.get(created.id).name == "renamed"

    again = client.reingest(created.id)
    assert again.id == created.id
    assert wait_final(client, created.id).status is Status.INGESTED

    client.delete(created.id)
    with pytest.raises(NotFound) as info:
        client.get(created.id)
    assert info.value.status == 404 and info.value.code == "COMMON_NOT_FOUND"


def test_all_pages_of_a_large_array_list(emulator, client, write_cube, buckets_dir):
    names = tuple(f"band{i:03d}" for i in range(150))
    write_cube(buckets_dir / "big" / "many.zarr", arrays=names)
    collection = client.create(
        CollectionCreate(name="many", s3_bucket="big", path="many.zarr/", crs=CRS_4326)
    )
    assert wait_final(client, collection.id, timeout=30).status is Status.INGESTED
    before = count_requests(emulator, "GET", "arrays")
    listed = [a.name for a in client.list_arrays(collection.id)]
    assert sorted(listed) == sorted(names) and len(set(listed)) == 150
    assert count_requests(emulator, "GET", "arrays") - before == 2  # 100 + 50


def test_one_token_for_many_calls(emulator, settings_for, cube_spec):
    client = ZarrClient(settings_for())
    before = count_tokens(emulator)
    created = client.create(cube_spec)
    for _ in range(10):
        client.get(created.id)
    list(client.list_collections())
    assert count_tokens(emulator) - before == 1
    assert client.http.token_requests == 1


def test_expired_token_is_replaced_before_use(short_token_emulator, buckets_dir, write_cube):
    emu = short_token_emulator  # tokens live 2 s
    client = ZarrClient(Settings(client_id="local", client_secret="local-secret", base_url=emu.url))
    list(client.list_collections())
    time.sleep(2.2)
    list(client.list_collections())  # no 401 surfaces: a fresh token was fetched first
    assert client.http.token_requests == 2


def test_a_token_past_oauthlibs_expires_at_is_never_sent(short_token_emulator, monkeypatch):
    """Even when the renewal margin is missed, oauthlib's expiry check stops the stale token:
    one new token, and the request is sent once, with it (no 401 round trip)."""
    emu = short_token_emulator  # tokens live 2 s
    client = ZarrClient(Settings(client_id="local", client_secret="local-secret", base_url=emu.url))
    monkeypatch.setattr(_auth, "REFRESH_MARGIN_SECONDS", -60.0)  # renew only after expiry
    list(client.list_collections())
    time.sleep(2.6)
    list(client.list_collections())
    assert client.http.token_requests == 2
    assert count_requests(emu, "GET", "/api/v1/zarr/collections") == 2


def test_plain_http_is_shown_to_oauthlib_as_https_only_for_this_machine():
    session = _auth.OAuthSession(
        "x", timeout=1, plain_urls=("http://127.0.0.1:9/a", "http://example.com/b")
    )
    assert session.as_oauthlib_sees("http://127.0.0.1:9/x?y=1") == "https://127.0.0.1:9/x?y=1"
    assert session.as_oauthlib_sees("http://127.0.0.1:10/x") == "http://127.0.0.1:10/x"
    assert session.as_oauthlib_sees("http://example.com/b") == "http://example.com/b"


def test_a_401_fetches_one_new_token_and_retries(emulator, client):
    list(client.list_collections())
    tokens = count_tokens(emulator)
    with fault(emulator, method="GET", path=r"/collections$", status=401, times=1):
        assert list(client.list_collections()) is not None
    assert count_tokens(emulator) - tokens == 1


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_429_waits_retry_after_milliseconds_then_succeeds(emulator, client, cube_spec, method):
    call = (
        (lambda: client.create(cube_spec))
        if method == "POST"
        else (lambda: list(client.list_collections()))
    )
    with fault(
        emulator, method=method, path=r"/collections$", status=429, retry_after_ms=300, times=1
    ):
        started = time.monotonic()
        call()
        elapsed = time.monotonic() - started
    assert 0.3 <= elapsed < 3.0  # 300 ms, not 300 s


def test_429_beyond_the_retry_budget_is_a_typed_error(emulator, settings_for):
    client = ZarrClient(settings_for(max_attempts=3))
    with (
        fault(
            emulator, method="GET", path=r"/collections$", status=429, retry_after_ms=50, times=-1
        ),
        pytest.raises(RateLimited) as info,
    ):
        list(client.list_collections())
    assert info.value.status == 429 and info.value.retry_after_ms == 50
    assert info.value.code == "RATE_LIMIT_EXCEEDED"


def test_5xx_is_retried_for_get(emulator, client):
    before = count_requests(emulator, "GET", "collections")
    with fault(emulator, method="GET", path=r"/collections$", status=503, times=2):
        list(client.list_collections())
    assert count_requests(emulator, "GET", "collections") - before == 3


def test_5xx_is_not_retried_for_post(emulator, client, cube_spec):
    before = count_requests(emulator, "POST", "collections")
    with (
        fault(emulator, method="POST", path=r"/collections$", status=500, times=1),
        pytest.raises(ServerError) as info,
    ):
        client.create(cube_spec)
    assert info.value.status == 500
    assert count_requests(emulator, "POST", "collections") - before == 1


def test_dropped_post_is_reported_as_maybe_applied(emulator, client, cube_spec):
    with (
        fault(emulator, method="POST", path=r"/collections$", drop="after", times=1),
        pytest.raises(TransportError) as info,
    ):
        client.create(cube_spec)
    assert isinstance(info.value, RequestMayHaveBeenApplied)


def test_plain_http_to_the_emulator_leaves_the_environment_alone(settings_for, monkeypatch):
    monkeypatch.delenv("OAUTHLIB_INSECURE_TRANSPORT", raising=False)
    before = dict(os.environ)
    client = ZarrClient(settings_for())
    try:
        assert isinstance(list(client.list_collections()), list)  # token and API over http
    finally:
        client.close()
    assert dict(os.environ) == before


def test_the_environment_proxy_is_used_unless_no_proxy_names_the_host(settings_for, monkeypatch):
    for name in ("no_proxy", "NO_PROXY", "http_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")  # nothing listens there
    client = ZarrClient(settings_for(max_attempts=1))
    try:
        with pytest.raises(AuthError, match="could not reach the token endpoint"):
            client.get("00000000-0000-0000-0000-000000000000")
    finally:
        client.close()
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    client = ZarrClient(settings_for(max_attempts=1))
    try:
        assert isinstance(list(client.list_collections()), list)
    finally:
        client.close()


def test_refused_connection_is_not_applied():
    client = ZarrClient(
        Settings(client_id="x", client_secret="y", base_url="http://127.0.0.1:9", max_attempts=1)
    )
    with pytest.raises(AuthError, match="could not reach the token endpoint"):
        client.get("00000000-0000-0000-0000-000000000000")


def test_bad_payload_is_bad_request(client):
    bad = CollectionCreate.model_construct(name="x", s3_bucket="b", path="/abs", crs=CRS_4326)
    with pytest.raises(BadRequest) as info:
        client.create(bad)
    assert info.value.code == "COMMON_BAD_PAYLOAD" and "path" in info.value.message


def test_wrong_credentials_are_an_auth_error_without_the_secret(emulator, caplog):
    secret = "wrong-secret-0xDEADBEEF"
    client = ZarrClient(Settings(client_id="local", client_secret=secret, base_url=emulator.url))
    with caplog.at_level(logging.DEBUG), pytest.raises(AuthError) as info:
        list(client.list_collections())
    assert "invalid_client" in str(info.value)
    assert secret not in str(info.value) and secret not in repr(info.value)
    assert secret not in caplog.text


def test_no_token_in_debug_logs(emulator, client, caplog):
    with caplog.at_level(logging.DEBUG):
        list(client.list_collections())
    token = client.http.access_token
    assert token and token not in caplog.text
    assert "local-secret" not in caplog.text
