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


@pytest.mark.parametrize(
    ("direct_url", "command"),
    [
        (
            '{"url": "file:///src/pulumi-zarr", "dir_info": {"editable": true}}',
            'pip install -e "/src/pulumi-zarr[emulator]"',
        ),
        (
            '{"url": "file:///src/pulumi-zarr", "dir_info": {}}',
            'pip install "/src/pulumi-zarr[emulator]"',
        ),
        (
            '{"url": "file:///w/pulumi_zarr-0.1.0-py3-none-any.whl", "archive_info": {}}',
            'pip install "pulumi-zarr[emulator] @ file:///w/pulumi_zarr-0.1.0-py3-none-any.whl"',
        ),
        (
            '{"url": "https://example.org/r.git", "vcs_info": {"vcs": "git", "commit_id": "abc"}}',
            'pip install "pulumi-zarr[emulator] @ git+https://example.org/r.git@abc"',
        ),
        (None, 'pip install "pulumi-zarr[emulator]" from where you installed pulumi-zarr'),
    ],
)
def test_the_install_command_names_where_pulumi_zarr_came_from(monkeypatch, direct_url, command):
    """pulumi-zarr is not on PyPI: a missing extra is installed from the checkout, wheel or URL
    the package itself came from (PEP 610), never from a bare name pip cannot find."""
    from importlib import metadata

    from pulumi_zarr.errors import MissingExtra, install_command

    class Installed:
        def read_text(self, name: str) -> str | None:
            return direct_url if name == "direct_url.json" else None

    monkeypatch.setattr(metadata, "distributions", lambda name: [Installed()])
    assert install_command("emulator") == command
    assert str(MissingExtra("emulator", "the emulator", "uvicorn")) == (
        f"the emulator needs the optional extra 'emulator': {command} (module 'uvicorn' is missing)"
    )
