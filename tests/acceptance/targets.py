"""Where the acceptance journey runs: the emulator in S3 mode (CI, the default) or, opted in,
the real Zarr Import API of a deployment, with the user's credentials and a bucket they own.

Both give the journey the same things: the stack configuration, a plain HTTP client for what a
user does outside Pulumi, the Zarr stores written under a prefix unique to the run, and the
removal of those stores. Every collection the run makes is named with that prefix, so the
cleanup finds them even when the state was lost.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from harness.api import ZarrApi

from pulumi_zarr.api import deployments
from pulumi_zarr.api.config import BY_NAME as SETTINGS
from pulumi_zarr.emulator.samples import write_cube

#: The opt-in switch: ``service`` runs the journey against the real service.
SWITCH = "PULUMI_ZARR_ACCEPTANCE"
#: With the switch: which deployment (a name of pulumi_zarr.api.deployments) and which bucket.
DEPLOYMENT_VARIABLE = "PULUMI_ZARR_ACCEPTANCE_DEPLOYMENT"
BUCKET_VARIABLE = "PULUMI_ZARR_ACCEPTANCE_BUCKET"
CLIENT_ID = SETTINGS["client_id"]
CLIENT_SECRET = SETTINGS["client_secret"]
#: The stores the journey writes (under the run's prefix).
GOOD, FAILING = "good.zarr/", "failing.zarr/"
EMULATOR_BUCKET = "cubes"


def key(setting: str) -> str:
    found = SETTINGS[setting].key
    assert found is not None, setting
    return found


@dataclass
class Target:
    """One place the journey runs against."""

    label: str
    base_url: str
    token_url: str
    client_id: str
    client_secret: str
    bucket: str
    #: s3fs options for writing and removing the stores (the emulator's: its moto endpoint).
    storage_options: dict[str, Any]
    #: Variables the CLI (and so the providers' preflight) gets: AWS credentials, endpoint.
    env: dict[str, str]
    #: More stack configuration (the emulator's: the preflight's S3 endpoint).
    config: dict[str, str] = field(default_factory=dict)
    #: The emulator is the reference: a difference there is a failure of the suite itself.
    is_emulator: bool = True
    #: How long a collection made outside Pulumi may take to ingest.
    ingest_seconds: float = 60
    prefix: str = field(default_factory=lambda: f"pzacc-{uuid.uuid4().hex[:8]}")

    def path(self, store: str) -> str:
        return f"{self.prefix}/{store}"

    def stack_config(self) -> dict[str, str]:
        return {key("base_url"): self.base_url, key("token_url"): self.token_url,
                key("client_id"): self.client_id, **self.config}  # fmt: skip

    def api(self) -> ZarrApi:
        return ZarrApi(self.base_url, self.token_url, self.client_id, self.client_secret)

    def write_stores(self) -> None:
        """A store the service ingests and one it cannot (no pair of spatial coordinates)."""
        root = f"s3://{self.bucket}/{self.prefix}"
        write_cube(f"{root}/{GOOD}", storage_options=self.storage_options)
        write_cube(f"{root}/{FAILING}", spatial=("lat", "y"), storage_options=self.storage_options)

    def remove_stores(self) -> None:
        import s3fs

        fs = s3fs.S3FileSystem(**self.storage_options)
        if fs.exists(f"{self.bucket}/{self.prefix}"):
            fs.rm(f"{self.bucket}/{self.prefix}", recursive=True)

    def bucket_checks(self) -> None:
        """The bucket's policy and region, checked before the journey (issue 21 items 2-3: the
        preview checks and the emulator's refusals join the journey here)."""


def opted_in() -> bool:
    return os.environ.get(SWITCH) == "service"


def service_target() -> Target:
    """The real service, from the environment: the switch, the user's credentials, a
    deployment and a bucket they own (AWS credentials as the AWS tools read them)."""
    missing = [
        v
        for v in (CLIENT_ID.variable, CLIENT_SECRET.variable, BUCKET_VARIABLE)
        if not os.environ.get(v)
    ]
    if missing:
        raise RuntimeError(
            f"{SWITCH}=service runs the journey against the real service and needs "
            f"{', '.join(missing)} (and {DEPLOYMENT_VARIABLE}: one of "
            f"{deployments.known_names()}; default {deployments.DEFAULT.name})"
        )
    deployment = deployments.by_name(os.environ.get(DEPLOYMENT_VARIABLE, deployments.DEFAULT.name))
    endpoint = deployment.storage_endpoint
    return Target(
        label=f"the service: {deployment.title}",
        base_url=deployment.base_url,
        token_url=deployment.token_url,
        client_id=os.environ[CLIENT_ID.variable],
        client_secret=os.environ[CLIENT_SECRET.variable],
        bucket=os.environ[BUCKET_VARIABLE],
        storage_options={"endpoint_url": endpoint} if endpoint else {},
        env={k: v for k, v in os.environ.items() if k.startswith("AWS_")},
        config={key("s3_endpoint"): endpoint} if endpoint else {},
        is_emulator=False,
        ingest_seconds=1800,
    )


@contextmanager
def emulator_target(s3_endpoint: str) -> Iterator[Target]:
    """The emulator in S3 mode, reading the buckets of the moto server at ``s3_endpoint``
    (tests/harness/s3.py: bucket "cubes", AWS test credentials in the environment)."""
    from pulumi_zarr.emulator.server import Emulator

    client_id, secret = "acceptance-client", f"acceptance-{uuid.uuid4().hex}"
    with Emulator(s3_endpoint=s3_endpoint, clients={client_id: secret}, ingest_delay=0.3) as emu:
        yield Target(
            label="the emulator in S3 mode",
            base_url=emu.url,
            token_url=emu.token_url,
            client_id=client_id,
            client_secret=secret,
            bucket=EMULATOR_BUCKET,
            storage_options={"endpoint_url": s3_endpoint},
            env={k: v for k, v in os.environ.items() if k.startswith("AWS_")},
            config={key("s3_endpoint"): s3_endpoint},
        )
