"""Where the acceptance journey runs: the emulator in S3 mode (CI, the default) or, opted in,
the real Zarr Import API of a deployment, with the user's credentials and a bucket they own.

Both give the journey the same things: the stack configuration, a plain HTTP client for what a
user does outside Pulumi, the Zarr stores written under a prefix unique to the run, the bucket
policy granted (merged into the bucket's own, which the cleanup puts back) and the removal of
those stores. Every collection the run makes is named with that prefix, so the cleanup finds
them even when the state was lost.
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
from pulumi_zarr.api.deployments import Deployment
from pulumi_zarr.bucket.access import region_of
from pulumi_zarr.bucket.policy import document_json
from pulumi_zarr.emulator.samples import write_cube
from pulumi_zarr.testing.cli import Stack

from .report import Journey

#: The opt-in switch: ``service`` runs the journey against the real service.
SWITCH = "PULUMI_ZARR_ACCEPTANCE"
#: With the switch: which deployment (a name of pulumi_zarr.api.deployments) and which bucket.
DEPLOYMENT_VARIABLE = "PULUMI_ZARR_ACCEPTANCE_DEPLOYMENT"
BUCKET_VARIABLE = "PULUMI_ZARR_ACCEPTANCE_BUCKET"
#: Optional: a bucket of theirs in another region than the deployment's (the wrong-region step).
OTHER_BUCKET_VARIABLE = "PULUMI_ZARR_ACCEPTANCE_OTHER_BUCKET"
CLIENT_ID = SETTINGS["client_id"]
CLIENT_SECRET = SETTINGS["client_secret"]
#: The stores the journey writes (under the run's prefix).
GOOD, FAILING = "good.zarr/", "failing.zarr/"
EMULATOR_BUCKET = "cubes"
#: The emulator's second moto bucket, in a region no deployment of the emulator's reads.
EMULATOR_OTHER_BUCKET, EMULATOR_OTHER_REGION = "virginia", "us-east-1"
#: moto takes any credentials; the CLI (preflight), the emulator and this process use these.
EMULATOR_AWS = {
    "AWS_ACCESS_KEY_ID": "acceptance-key",
    "AWS_SECRET_ACCESS_KEY": "acceptance-secret",
    "AWS_DEFAULT_REGION": "eu-central-1",
}


def key(setting: str) -> str:
    found = SETTINGS[setting].key
    assert found is not None, setting
    return found


@dataclass
class Target:
    """One place the journey runs against."""

    label: str
    deployment: Deployment
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
    #: A bucket in another region than the deployment's, for the wrong-region step (optional
    #: against the service).
    other_bucket: str | None = None
    prefix: str = field(default_factory=lambda: f"pzacc-{uuid.uuid4().hex[:8]}")
    #: Each bucket's policy before the run granted the deployment (None: it had none).
    original_policies: dict[str, str | None] = field(default_factory=dict)

    def path(self, store: str) -> str:
        return f"{self.prefix}/{store}"

    def stack_config(self) -> dict[str, str]:
        return {key("base_url"): self.base_url, key("token_url"): self.token_url,
                key("client_id"): self.client_id, **self.config}  # fmt: skip

    def api(self) -> ZarrApi:
        return ZarrApi(self.base_url, self.token_url, self.client_id, self.client_secret)

    def buckets(self) -> list[str]:
        return [self.bucket, *([self.other_bucket] if self.other_bucket else [])]

    def write_stores(self) -> None:
        """A store the service ingests and one it cannot (no pair of spatial coordinates); the
        first also in the other bucket."""
        for bucket in self.buckets():
            write_cube(f"s3://{bucket}/{self.path(GOOD)}", storage_options=self.storage_options)
        write_cube(
            f"s3://{self.bucket}/{self.path(FAILING)}",
            spatial=("lat", "y"),
            storage_options=self.storage_options,
        )

    def remove_stores(self) -> None:
        import s3fs

        fs = s3fs.S3FileSystem(**self.storage_options)
        for bucket in self.buckets():
            if fs.exists(f"{bucket}/{self.prefix}"):
                fs.rm(f"{bucket}/{self.prefix}", recursive=True)

    def s3(self, region: str | None = None) -> Any:
        """A boto3 S3 client with the credentials the CLI gets (the service's: the AWS tools'
        own lookup, AWS_PROFILE included)."""
        import boto3

        names = {"aws_access_key_id": "AWS_ACCESS_KEY_ID",
                 "aws_secret_access_key": "AWS_SECRET_ACCESS_KEY",
                 "aws_session_token": "AWS_SESSION_TOKEN"}  # fmt: skip
        given = {arg: self.env[var] for arg, var in names.items() if self.env.get(var)}
        session = boto3.session.Session(**given, region_name=region)
        return session.client("s3", endpoint_url=self.storage_options.get("endpoint_url"))

    def policy(self, bucket: str) -> str | None:
        client = self.s3()
        try:
            return str(client.get_bucket_policy(Bucket=bucket)["Policy"])
        except client.exceptions.ClientError as error:
            if error.response.get("Error", {}).get("Code") == "NoSuchBucketPolicy":
                return None
            raise

    def region(self, bucket: str) -> str:
        return region_of(self.s3().get_bucket_location(Bucket=bucket).get("LocationConstraint"))

    def grant(self, bucket: str) -> None:
        """Apply the deployment's statement from ``bucket_policy``, merged into the bucket's
        own policy: none of its statements is dropped, and the cleanup puts it back."""
        original = self.policy(bucket)
        self.original_policies.setdefault(bucket, original)
        merged = document_json(bucket, self.deployment, existing=original)
        self.s3().put_bucket_policy(Bucket=bucket, Policy=merged)

    def restore_policies(self) -> None:
        """Each bucket's policy as it was before :meth:`grant`."""
        client = self.s3()
        for bucket, original in self.original_policies.items():
            if original is None:
                client.delete_bucket_policy(Bucket=bucket)
            else:
                client.put_bucket_policy(Bucket=bucket, Policy=original)

    def bucket_checks(self, journey: Journey, stack: Stack, cube: dict[str, Any]) -> None:
        """With preflight 'error', ``cube`` in a bucket without the deployment's policy fails
        the preview naming the policy problem; the policy is then granted (the journey's
        create ingests with it); a store in a bucket in another region fails the preview
        naming both regions. Two previews: the engine stops a preview at its first failed
        check."""
        deployment, principal = self.deployment, self.deployment.principal
        where = f"preflight: s3://{self.bucket}/{cube['path']}: bucket access: "
        journey.step("bucket policy missing")
        original = self.policy(self.bucket)
        stack.collections({"cube": cube})
        if original is None:
            shown = stack.preview(ok=False).text
            journey.expect(
                "on the path, at preview",
                f"ZarrCollection resource 'cube': property path value {{{cube['path']}}} has a "
                f"problem: {where}" in shown,
                True,
            )
            journey.expect(
                "the problem named",
                where + f"bucket '{self.bucket}' has no bucket policy, so {deployment.name}'s "
                f"principal {principal} cannot read it (allowed: a bucket policy statement with "
                f"Effect Allow, Principal {principal}, Action s3:GetBucketLocation, "
                "s3:ListBucket, s3:GetObject" in shown,
                True,
            )
        elif (shown := stack.preview(ok=None)).code != 0:  # a policy without the grant
            problem = f"{where}the bucket policy of '{self.bucket}' "
            journey.expect("the problem named", problem in shown.text, True)
            journey.note(line_with(shown.text, problem))
        else:
            journey.note(f"{self.bucket}'s own policy already grants {principal}: not shown")
        self.grant(self.bucket)

        journey.step("wrong region")
        other = self.other_bucket
        if other is None:
            journey.note(f"skipped: no second bucket ({OTHER_BUCKET_VARIABLE})")
            return
        region = self.region(other)
        if region in deployment.regions:
            journey.note(f"skipped: {other} is in {region}, one of {deployment.name}'s regions")
            return
        self.grant(other)
        elsewhere = {**cube, "name": f"{cube['name']} elsewhere", "s3_bucket": other}
        stack.collections({"cube": cube, "elsewhere": elsewhere})
        shown = stack.preview(ok=False).text
        journey.expect(
            "both regions named",
            f"preflight: s3://{other}/{cube['path']}: bucket access: bucket '{other}' is in "
            f"region {region}, but {deployment.name} reads buckets in "
            f"{' or '.join(deployment.regions)}" in shown,
            True,
        )
        journey.expect("the granted bucket passes", f"s3://{self.bucket}/" in shown, False)


def line_with(text: str, marker: str) -> str:
    """The first line of ``text`` holding ``marker`` (else its end), for the report."""
    return next((line.strip() for line in text.splitlines() if marker in line), text[-200:])


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
        deployment=deployment,
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
        other_bucket=os.environ.get(OTHER_BUCKET_VARIABLE) or None,
    )


@contextmanager
def emulator_target() -> Iterator[Target]:
    """The emulator in S3 mode as a user starts it, `pulumi-zarr emulator --s3` (moto's S3
    server in the same process), standing in for the default deployment: bucket "cubes" in
    its region without a policy, and bucket "virginia" in another region."""
    from pulumi_zarr.emulator.server import EmulatorProcess

    deployment = deployments.DEFAULT
    assert EMULATOR_OTHER_REGION not in deployment.regions
    client_id, secret = "acceptance-client", f"acceptance-{uuid.uuid4().hex}"
    args = ["--s3", "--deployment", deployment.name, "--log-level", "warning"]
    with EmulatorProcess(
        clients={client_id: secret}, ingest_delay=0.3, extra_args=args, env=EMULATOR_AWS
    ) as emu:
        target = Target(
            label="the emulator in S3 mode",
            deployment=deployment,
            base_url=emu.url,
            token_url=emu.token_url,
            client_id=client_id,
            client_secret=secret,
            bucket=EMULATOR_BUCKET,
            storage_options={
                "endpoint_url": emu.s3_url,
                "key": EMULATOR_AWS["AWS_ACCESS_KEY_ID"],
                "secret": EMULATOR_AWS["AWS_SECRET_ACCESS_KEY"],
            },
            env=dict(EMULATOR_AWS),
            config={key("s3_endpoint"): emu.s3_url, key("deployment"): deployment.name},
            other_bucket=EMULATOR_OTHER_BUCKET,
        )
        target.s3().create_bucket(
            Bucket=EMULATOR_BUCKET,
            CreateBucketConfiguration={"LocationConstraint": deployment.regions[0]},
        )
        target.s3(EMULATOR_OTHER_REGION).create_bucket(Bucket=EMULATOR_OTHER_BUCKET)
        yield target
