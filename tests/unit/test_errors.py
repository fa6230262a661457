"""One exception tree: every error pulumi-zarr raises derives from PulumiZarrError."""

from __future__ import annotations

import inspect

import pytest
import requests
from urllib3.exceptions import MaxRetryError, NewConnectionError

from pulumi_zarr import errors
from pulumi_zarr.api._deadline import _transport_error
from pulumi_zarr.errors import (
    PulumiZarrError,
    RequestMayHaveBeenApplied,
    RequestNotSent,
    RequestTimedOut,
)


def test_every_error_class_has_one_root():
    classes = [
        c for _, c in inspect.getmembers(errors, inspect.isclass) if c.__module__ == errors.__name__
    ]
    assert len(classes) > 10
    assert all(issubclass(c, PulumiZarrError) for c in classes)


@pytest.mark.parametrize(
    ("failure", "kind"),
    [
        (requests.exceptions.ConnectTimeout(), RequestNotSent),
        (requests.exceptions.ConnectionError(OSError("x")), RequestMayHaveBeenApplied),
        (requests.exceptions.ReadTimeout(), RequestTimedOut),
    ],
)
def test_no_answer_is_classified_by_whether_the_request_may_have_taken_effect(failure, kind):
    assert _transport_error(failure) is kind


def test_a_refused_connection_was_never_sent():
    refused = requests.exceptions.ConnectionError(
        MaxRetryError(None, "/", reason=NewConnectionError(None, "refused"))  # type: ignore[arg-type]
    )
    assert _transport_error(refused) is RequestNotSent
    assert issubclass(RequestTimedOut, RequestMayHaveBeenApplied)


def test_error_text_never_holds_a_registered_secret():
    from pulumi_zarr.api import redaction
    from pulumi_zarr.errors import BadRequest, ZarrCollectionError

    secret = "s3cr3t/with spaces&more"
    redaction.register_secret(secret)
    for echoed in (secret, "s3cr3t%2Fwith%20spaces%26more", "s3cr3t%2Fwith+spaces%26more"):
        api = BadRequest(f"echo {echoed}", code=f"X{echoed}", reason=echoed)
        lifecycle = ZarrCollectionError(f"creating failed ({api})")
        for text in (str(api), repr(api), api.message, api.code, api.reason, str(lifecycle)):
            assert "s3cr3t" not in text and "***" in text, text
