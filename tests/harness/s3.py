"""An S3 server on 127.0.0.1 (moto), with bucket "cubes": a pytest plugin (tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest


@pytest.fixture
def s3(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The endpoint URL of a fresh moto S3 server holding an empty bucket "cubes"."""
    from moto.server import ThreadedMotoServer

    for key, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "eu-central-1",
        "AWS_SESSION_TOKEN": "testing",
    }.items():
        monkeypatch.setenv(key, value)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    try:
        import boto3
        import requests

        requests.post(f"{endpoint}/moto-api/reset", timeout=10)  # moto's state is per process
        boto3.client("s3", endpoint_url=endpoint).create_bucket(
            Bucket="cubes", CreateBucketConfiguration={"LocationConstraint": "eu-central-1"}
        )
        yield endpoint
    finally:
        server.stop()
