"""The bucket-policy document: one statement per deployment, merged without losing others."""

from __future__ import annotations

import json

import pytest

from pulumi_zarr.api.deployments import DEPLOYMENTS, by_name
from pulumi_zarr.bucket import policy


@pytest.mark.parametrize("deployment", DEPLOYMENTS, ids=lambda d: d.name)
def test_the_statement_grants_the_deployments_principal_the_three_reads(deployment):
    doc = policy.document("cubes", deployment)
    assert doc["Statement"] == [
        {
            "Sid": "Sentinel Hub permissions",
            "Effect": "Allow",
            "Principal": {"AWS": deployment.principal},
            "Action": ["s3:GetBucketLocation", "s3:ListBucket", "s3:GetObject"],
            "Resource": ["arn:aws:s3:::cubes", "arn:aws:s3:::cubes/*"],
        }
    ]
    assert json.loads(policy.document_json("cubes", deployment)) == doc


def test_merging_keeps_other_statements_and_replaces_ours_in_place():
    eu, cdse = by_name("sentinel-hub-eu"), by_name("cdse")
    other = {"Sid": "CI writes", "Effect": "Allow", "Principal": "*", "Action": "s3:PutObject"}
    first = policy.document_json("cubes", eu, {"Version": "2012-10-17", "Statement": [other]})
    again = policy.document("cubes", cdse, first)
    assert [s["Sid"] for s in again["Statement"]] == ["CI writes", policy.SID]
    assert again["Statement"][0] == other
    assert again["Statement"][1]["Principal"] == {"AWS": cdse.principal}
    single = policy.document("cubes", eu, {"Statement": other})  # one statement, not a list
    assert single["Statement"][0] == other and single["Version"] == policy.VERSION


@pytest.mark.parametrize(
    ("existing", "wording"),
    [("{not json", "not JSON"), ("[1]", "JSON object"), ({"Statement": [1]}, "list of objects")],
)
def test_an_unusable_existing_policy_is_refused_with_what_is_wrong(existing, wording):
    with pytest.raises(ValueError, match=wording):
        policy.document("cubes", by_name("cdse"), existing)


def test_an_unknown_deployment_names_the_known_ones():
    with pytest.raises(ValueError, match="sentinel-hub-eu, sentinel-hub-us-west, cdse"):
        by_name("mars")
