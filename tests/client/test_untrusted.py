"""The client trusts no answer: ids are checked before they go into a URL and after they come
back, bodies are read up to a cap, paging must end, every request ends by its deadline,
token requests never follow a redirect, and secrets the service echoes are masked."""

from __future__ import annotations

import json
import time
import tracemalloc
import uuid

import pytest
from harness.servers import RawServer

from pulumi_zarr.api._deadline import MAX_RESPONSE_BYTES
from pulumi_zarr.api.client import MAX_PAGES, ZarrClient
from pulumi_zarr.api.settings import Settings
from pulumi_zarr.emulator.server import Emulator
from pulumi_zarr.errors import (
    AuthError,
    InvalidCollectionId,
    RequestNotSent,
    RequestTimedOut,
    UnexpectedResponse,
)

from .conftest import fault


def api_requests(emulator) -> list[str]:
    return [r for r in emulator.control.journal() if "/collections" in r]


@pytest.mark.parametrize(
    "bad",
    [
        "..",
        ".",
        "",
        "../../token",
        "x/..",
        "2be178cc-1fe3-4c77-9582-f12cba1fd5fa/..",
        "\u0660" * 36,
    ],
)
def test_ids_that_are_not_ids_never_reach_a_url(emulator, client, bad):
    emulator.control.reset_stats()
    for call in (client.get, client.delete, client.reingest, client.list_arrays):
        with pytest.raises(InvalidCollectionId, match="not a well-formed collection id"):
            list(call(bad) or [])
    with pytest.raises(InvalidCollectionId):
        client.rename(bad, "x")
    assert api_requests(emulator) == []


def test_array_names_dot_and_dot_dot_are_refused(emulator, client):
    emulator.control.reset_stats()
    for name in (".", ".."):
        with pytest.raises(ValueError, match="path segment"):
            client.get_array(str(uuid.uuid4()), name)
    assert api_requests(emulator) == []


def test_an_answer_about_another_collection_is_refused(emulator, client, cube_spec):
    mine, other = (
        client.create(cube_spec),
        client.create(cube_spec.model_copy(update={"name": "o"})),
    )
    with (
        fault(emulator, method="GET", path=mine.id, reroute=f"/api/v1/zarr/collections/{other.id}"),
        pytest.raises(UnexpectedResponse, match=f"about collection {other.id}, not {mine.id}"),
    ):
        client.get(mine.id)
    body = json.dumps({"data": other.to_wire()})
    with (
        fault(emulator, method="PUT", path="reingest", status=200, body=body),
        pytest.raises(UnexpectedResponse, match=other.id),
    ):
        client.reingest(mine.id)
    with (
        fault(emulator, method="PUT", path=mine.id, status=200, body=body, handle=True),
        pytest.raises(UnexpectedResponse, match=other.id),
    ):
        client.rename(mine.id, "renamed")
    assert client.get(other.id).name == "o"


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ("", "an empty body"),
        ("<html>ok</html>", "not JSON"),
        ('{"data": {"id": "', "not JSON"),
        ('{"id": "x"}', "data"),
        ('{"data": {"name": "x"}}', "data.id"),
        (
            '{"data": {"id": "..", "name": "x", "s3Bucket": "b", "path": "p/", "crs": "c",'
            ' "status": "CREATED"}}',
            "collection id",
        ),
    ],
)
def test_a_misshaped_201_is_an_unexpected_response(emulator, client, cube_spec, body, says):
    with (
        fault(emulator, method="POST", path="collections$", status=201, body=body),
        pytest.raises(UnexpectedResponse, match=says),
    ):
        client.create(cube_spec)


def test_a_201_about_another_collection_is_refused(emulator, client, cube_spec):
    other = client.create(cube_spec.model_copy(update={"name": "other"}))
    body = json.dumps({"data": other.to_wire()})
    with (
        fault(emulator, method="POST", path="collections$", status=201, body=body, handle=True),
        pytest.raises(UnexpectedResponse, match="name differ"),
    ):
        client.create(cube_spec)


def test_paging_that_repeats_a_token_or_never_ends_is_stopped(emulator, client):
    page = {"data": [], "links": {}}
    one = json.loads(json.dumps(page))
    one["data"] = [
        {
            "id": str(uuid.uuid4()),
            "name": "x",
            "s3Bucket": "b",
            "path": "p/",
            "crs": "c",
            "status": "INGESTED",
        }
    ]
    for token, says, pages in (
        ("same", "repeated the nextToken", 2),
        ("t{{n}}", "did not end", MAX_PAGES),
    ):
        one["links"] = {"nextToken": token}
        emulator.control.reset_stats()
        with (
            fault(
                emulator,
                method="GET",
                path="collections$",
                status=200,
                body=json.dumps(one),
                times=-1,
            ),
            pytest.raises(UnexpectedResponse, match=says),
        ):
            list(client.list_collections())
        assert len(api_requests(emulator)) == pages


def test_an_endless_answer_is_cut_at_the_cap_without_taking_memory(emulator, client):
    chunk = " " * 65536
    endless = {"status": 200, "body": chunk, "repeat": 10_000, "times": -1}
    emulator.control.reset_stats()
    tracemalloc.start()
    started = time.monotonic()
    with (
        fault(emulator, method="GET", path="collections$", **endless),
        pytest.raises(UnexpectedResponse, match="larger than 8 MiB"),
    ):
        list(client.list_collections())  # 640 MiB on offer, no Content-Length
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 3 * MAX_RESPONSE_BYTES, peak
    assert time.monotonic() - started < 10
    assert len(api_requests(emulator)) == 4  # asked again for 25, 6, then 1 collection


def behind(emulator, server: RawServer, **tuning: float) -> ZarrClient:
    """A client whose API is ``server``, with tokens from the emulator."""
    settings = Settings(
        "local", "local-secret", base_url=server.url, token_url=emulator.token_url, **tuning
    )
    return ZarrClient(settings)


def test_a_declared_length_over_the_cap_is_not_read(emulator):
    reply = b"HTTP/1.1 200 OK\r\nContent-Length: 999999999999\r\n\r\n" + b" " * 1000
    with RawServer(reply, drip=1.0, at_once=len(reply) - 990) as server:
        client = behind(emulator, server)
        started = time.monotonic()
        with pytest.raises(UnexpectedResponse, match="larger than"):
            client.get(str(uuid.uuid4()))
        assert time.monotonic() - started < 3, "it did not wait for the body"
        client.close()


@pytest.mark.parametrize("what", ["headers", "body"])
def test_a_dripped_answer_ends_by_the_deadline(emulator, what):
    """One byte every 0.2 s never trips the 1 s read timeout; the deadline ends it."""
    head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 400\r\n\r\n"
    reply = head + b" " * 400 if what == "body" else b"HTTP/1.1 200 OK\r\n" + b"X-Slow: y\r\n" * 60
    at_once = len(head) if what == "body" else 17
    with RawServer(reply, drip=0.2, at_once=at_once) as server:
        client = behind(emulator, server, timeout_seconds=1, max_attempts=2)
        started = time.monotonic()
        with pytest.raises(RequestTimedOut, match="deadline"):
            client.get(str(uuid.uuid4()))  # budget: 2 attempts x 1 s
        took = time.monotonic() - started
        assert took < 2 + 1, took
        with client.deadline(time.monotonic() + 0.5), pytest.raises(RequestTimedOut):
            client.get(str(uuid.uuid4()))
        with client.deadline(time.monotonic() - 1), pytest.raises(RequestNotSent):
            client.get(str(uuid.uuid4()))
        client.close()


def test_the_token_request_never_follows_a_redirect(emulator, settings_for):
    with RawServer() as elsewhere:
        with fault(
            emulator,
            method="POST",
            path="token$",
            status=308,
            body="",
            headers={"location": elsewhere.url + "/steal?x=1"},
            times=-1,
        ):
            client = ZarrClient(settings_for())
            with pytest.raises(
                AuthError, match=f"redirect \\(HTTP 308 to {elsewhere.url}/steal\\)"
            ):
                list(client.list_collections())
            client.close()
        assert elsewhere.requests == []


def test_an_echoed_secret_is_masked_in_every_form(buckets_dir):
    secret = "p@ss w/rd+Tr1cky&"
    with Emulator(buckets_dir, clients={"odd": secret}) as emulator:
        client = ZarrClient(Settings("odd", secret, base_url=emulator.url))
        list(client.list_collections())
        token = client.http.access_token
        assert token
        echo = json.dumps(
            {
                "error": {
                    "status": 400,
                    "message": "{{authorization}} / {{request_body}} / "
                    + secret
                    + " / "
                    + json.dumps(secret)[1:-1]
                    + " / "
                    + token,
                }
            }
        )
        emulator.control.add_fault(method="GET", path="collections$", status=400, body=echo)
        with pytest.raises(Exception) as info:
            list(client.list_collections())
        echo = json.dumps({"error": "invalid_client", "error_description": "{{request_body}}"})
        emulator.control.add_fault(method="POST", path="token$", status=401, body=echo)
        with pytest.raises(AuthError) as refused:
            client.http.ensure_token(force=True)
        client.close()
    for text in (str(info.value), repr(info.value), str(refused.value)):
        for form in (secret, "p%40ss", "p%40ss+w%2Frd", token):
            assert form not in text, text
    assert "***" in str(info.value) and "***" in str(refused.value)
