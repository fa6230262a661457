"""One exception tree: every error pulumi-zarr raises derives from PulumiZarrError."""

from __future__ import annotations

import inspect

import pytest
import requests
from urllib3.exceptions import MaxRetryError, NewConnectionError

from pulumi_zarr import errors
from pulumi_zarr.errors import (
    PulumiZarrError,
    RequestMayHaveBeenApplied,
    RequestNotSent,
    RequestTimedOut,
)
from pulumi_zarr.transport import _transport_error


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
