"""Bucket access at preview: the preflight reads the bucket's policy and location from moto's S3
server with the user's credentials and judges them for the deployment (in process: the layer
that decides; the real CLI shows it once, in the acceptance journey, tests/acceptance)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
import requests
from harness.fixtures import CRS_4326

from pulumi_zarr.api.deployments import by_name
from pulumi_zarr.bucket.access import check_bucket
from pulumi_zarr.bucket.policy import document_json
from pulumi_zarr.emulator.samples import write_cube
from pulumi_zarr.preflight import collection_findings
from pulumi_zarr.preflight.reporting import PreflightReporter

EU = by_name("sentinel-hub-eu")
PATH = "cubes/demo.zarr/"
GROUP = "arn:aws:s3:::cubes/cubes/demo.zarr/.zgroup"


def put_policy(s3: str, policy: dict[str, Any] | str, bucket: str = "cubes") -> None:
    text = policy if isinstance(policy, str) else json.dumps(policy)
    boto3.client("s3", endpoint_url=s3).put_bucket_policy(Bucket=bucket, Policy=text)


def statement(effect: str = "Allow", **fields: Any) -> dict[str, Any]:
    return {"Effect": effect, "Principal": {"AWS": EU.principal}, **fields}


def policy(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def problems(s3: str, bucket: str = "cubes") -> list[str]:
    found = check_bucket(bucket, PATH, EU, endpoint=s3)
    assert found.warnings == []
    return [p.line() for p in found.problems]


def test_the_policy_bucket_policy_writes_passes_the_whole_preflight(s3):
    write_cube(f"s3://cubes/{PATH}", storage_options={"endpoint_url": s3})
    put_policy(s3, document_json("cubes", EU))
    findings = collection_findings("cubes", PATH, CRS_4326, s3_endpoint=s3, deployment=EU)
    assert (findings.lines, findings.warnings) == ([], [])


def test_a_missing_policy_fails_preview_with_what_is_allowed(s3):
    write_cube(f"s3://cubes/{PATH}", storage_options={"endpoint_url": s3})
    findings = collection_findings("cubes", PATH, CRS_4326, s3_endpoint=s3, deployment=EU)
    assert findings.lines == [
        "preflight: s3://cubes/cubes/demo.zarr/: bucket access: bucket 'cubes' has no bucket "
        "policy, so sentinel-hub-eu's principal arn:aws:iam::614251495211:root cannot read it "
        "(allowed: a bucket policy statement with Effect Allow, Principal "
        "arn:aws:iam::614251495211:root, Action s3:GetBucketLocation, s3:ListBucket, "
        "s3:GetObject, Resource arn:aws:s3:::cubes and arn:aws:s3:::cubes/*, and no Deny of "
        "them: pulumi_zarr.bucket_policy(...) writes it)"
    ]
    failures = PreflightReporter(print).failures("error", findings)
    assert failures == findings.lines
    # no deployment known (a local base URL without sentinelhub:deployment): said, not passed
    unknown = collection_findings("cubes", PATH, CRS_4326, s3_endpoint=s3, no_deployment="why")
    assert unknown.warnings == [f"preflight: s3://cubes/{PATH}: bucket access not checked: why"]


@pytest.mark.parametrize(
    ("statements", "wording"),
    [
        pytest.param(  # objects only on the bucket's ARN, no listing
            [
                statement(
                    Action=["s3:GetObject", "s3:GetBucketLocation"], Resource="arn:aws:s3:::cubes"
                )
            ],
            f"does not grant sentinel-hub-eu's principal {EU.principal} s3:ListBucket on "
            f"arn:aws:s3:::cubes; s3:GetObject on {GROUP}",
            id="partial",
        ),
        pytest.param(  # another principal
            json.loads(document_json("cubes", by_name("cdse")))["Statement"],
            "does not grant sentinel-hub-eu's principal",
            id="another-principal",
        ),
        pytest.param(  # a Deny wins over the Allow, for everyone ("*") and by wildcard
            [
                *json.loads(document_json("cubes", EU))["Statement"],
                {
                    "Sid": "NoReads",
                    "Effect": "Deny",
                    "Principal": "*",
                    "Action": "s3:Get*",
                    "Resource": "arn:aws:s3:::cubes/*",
                },
            ],
            f"denies sentinel-hub-eu's principal {EU.principal} s3:GetObject on {GROUP} "
            "(statement 'NoReads')",
            id="deny",
        ),
        pytest.param(  # a grant under a condition cannot be counted on
            [
                statement(
                    Action="s3:*",
                    Resource="*",
                    Condition={"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}},
                )
            ],
            "s3:GetBucketLocation on arn:aws:s3:::cubes; s3:ListBucket on arn:aws:s3:::cubes; "
            f"s3:GetObject on {GROUP}",
            id="conditional",
        ),
    ],
)
def test_a_policy_that_does_not_grant_the_three_reads_is_a_problem(s3, statements, wording):
    put_policy(s3, policy(*statements))
    [line] = problems(s3)
    assert wording in line and "(allowed: a bucket policy statement" in line


def test_wildcards_and_the_account_id_grant_as_iam_does(s3):
    put_policy(
        s3,
        policy(
            {
                "Effect": "Allow",
                "Principal": {"AWS": "614251495211"},
                "Action": "s3:*",
                "Resource": ["arn:aws:s3:::cub?s", "arn:aws:s3:::cubes/cubes/*"],
            }
        ),
    )
    assert problems(s3) == []


def test_a_bucket_in_another_region_names_both_regions(s3):
    virginia = boto3.client("s3", endpoint_url=s3, region_name="us-east-1")
    virginia.create_bucket(Bucket="virginia")  # no location constraint: us-east-1
    put_policy(s3, document_json("virginia", EU), bucket="virginia")
    assert problems(s3, "virginia") == [
        "bucket 'virginia' is in region us-east-1, but sentinel-hub-eu reads buckets in "
        "eu-central-1 (allowed: a bucket in eu-central-1; or the deployment of us-east-1, if "
        "there is one)"
    ]
    us_west = check_bucket("cubes", PATH, by_name("sentinel-hub-us-west"), endpoint=s3)
    assert "is in region eu-central-1, but sentinel-hub-us-west reads buckets in us-west-2" in (
        us_west.problems[-1].line()
    )


@pytest.fixture
def reader_without_get_bucket_policy(s3: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The user's credentials: an IAM user who may read the bucket and its location but not
    its policy, with moto enforcing IAM from now on."""
    iam = boto3.client("iam", endpoint_url=s3)
    iam.create_user(UserName="reader")
    reads = ["s3:GetObject", "s3:ListBucket", "s3:GetBucketLocation"]
    iam.put_user_policy(
        UserName="reader",
        PolicyName="reads",
        PolicyDocument=json.dumps(policy({"Effect": "Allow", "Action": reads, "Resource": "*"})),
    )
    key = iam.create_access_key(UserName="reader")["AccessKey"]
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", key["AccessKeyId"])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", key["SecretAccessKey"])
    monkeypatch.delenv("AWS_SESSION_TOKEN")
    requests.post(f"{s3}/moto-api/reset-auth", data="0", timeout=10).raise_for_status()
    try:
        yield
    finally:  # moto's switch is process-wide: off again for the other tests
        requests.post(f"{s3}/moto-api/reset-auth", data="inf", timeout=10).raise_for_status()


def test_a_policy_the_user_cannot_read_is_a_warning_never_a_pass(
    s3, reader_without_get_bucket_policy
):
    findings = collection_findings("cubes", PATH, CRS_4326, s3_endpoint=s3, deployment=EU)
    assert findings.warnings == [
        "preflight: s3://cubes/cubes/demo.zarr/: bucket access not checked: cannot read the "
        "bucket policy of 'cubes' with your AWS credentials (AccessDenied): whether "
        "sentinel-hub-eu may read the bucket is not checked (allow s3:GetBucketPolicy to check "
        "it)"
    ]
    warned: list[str] = []
    reporter = PreflightReporter(warned.append)
    assert findings.warnings[0] not in reporter.failures("error", findings)
    assert warned == findings.warnings
