"""The bucket-policy document: one statement per deployment, merged without losing others."""

from __future__ import annotations

import json
from typing import Any

import pulumi
import pytest
from harness.mocks import EchoMocks

import pulumi_zarr
from pulumi_zarr.api.deployments import DEPLOYMENTS, by_name
from pulumi_zarr.bucket import policy
from pulumi_zarr.testing.program import reset_runtime


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


# --- the Python surface: pulumi_zarr.bucket_policy, with Outputs, deployment from settings ---


@pytest.fixture
def program(monkeypatch, tmp_path):
    for variable in ("SH_BASE_URL", "SH_DEPLOYMENT", "SH_PROFILE"):
        monkeypatch.delenv(variable, raising=False)
    profiles = tmp_path / "sentinelhub" / "config.toml"  # no user profile leaks in
    profiles.parent.mkdir()
    profiles.write_text('[copernicus]\nsh_base_url = "https://sh.dataspace.copernicus.eu"\n')
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    pulumi.runtime.set_mocks(EchoMocks(), project="bucket", stack="test", preview=False)
    yield
    reset_runtime()


def _resolved(output: pulumi.Output[Any]) -> Any:
    seen: list[Any] = []

    @pulumi.runtime.test
    def run() -> pulumi.Output[Any]:
        return output.apply(seen.append)

    run()
    return seen[0]


def test_outputs_in_the_json_out_the_same_text_as_the_native_function(program):
    us_west = by_name("sentinel-hub-us-west")
    other = {"Version": "2012-10-17", "Statement": [{"Sid": "CI", "Effect": "Allow"}]}
    text = pulumi_zarr.bucket_policy(
        pulumi.Output.from_input("cubes"),
        deployment=pulumi.Output.from_input("sentinel-hub-us-west"),
        existing=pulumi.Output.from_input(json.dumps(other)),
    )
    assert _resolved(text) == policy.document_json("cubes", us_west, other)
    as_dict = pulumi_zarr.bucket_policy_document("cubes", deployment="cdse")
    assert _resolved(as_dict) == policy.document("cubes", by_name("cdse"))


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, "sentinel-hub-eu"),  # the default base URL's
        ({"SH_BASE_URL": "https://services-uswest2.sentinel-hub.com/"}, "sentinel-hub-us-west"),
        ({"SH_BASE_URL": "http://127.0.0.1:8080", "SH_DEPLOYMENT": "cdse"}, "cdse"),
        ({"SH_PROFILE": "copernicus"}, "cdse"),  # a sentinelhub-py profile's base URL
    ],
)
def test_the_deployment_comes_from_the_providers_settings(program, monkeypatch, env, expected):
    for variable, value in env.items():
        monkeypatch.setenv(variable, value)
    doc = _resolved(pulumi_zarr.bucket_policy_document("cubes"))
    assert doc["Statement"][0]["Principal"] == {"AWS": by_name(expected).principal}


@pytest.mark.parametrize(
    ("env", "deployment", "wording"),
    [
        (
            {},
            "mars",
            "unknown deployment 'mars'; known: sentinel-hub-eu, sentinel-hub-us-west, cdse",
        ),
        (
            {"SH_BASE_URL": "http://127.0.0.1:8080"},
            None,
            "set `pulumi config set sentinelhub:deployment",
        ),
        ({"SH_DEPLOYMENT": "mars"}, None, "unknown deployment 'mars'; known: sentinel-hub-eu"),
    ],
)
def test_an_unknown_deployment_is_an_error_naming_the_known_ones(
    program, monkeypatch, env, deployment, wording
):
    for variable, value in env.items():
        monkeypatch.setenv(variable, value)
    with pytest.raises(pulumi_zarr.BucketPolicyError) as raised:
        pulumi_zarr.bucket_policy("cubes", deployment=deployment)
    assert wording in str(raised.value)
    assert isinstance(raised.value, pulumi.RunError)  # shown without a traceback


def test_the_providers_settings_name_the_deployment_or_say_how_to():
    from pulumi_zarr.api.settings import Settings
    from pulumi_zarr.errors import ConfigurationError

    local = {"client_id": "a", "client_secret": "b", "base_url": "http://127.0.0.1:8080"}
    assert Settings(**local, deployment="cdse").known_deployment() == by_name("cdse")
    assert Settings("a", "b").known_deployment() == by_name("sentinel-hub-eu")
    with pytest.raises(ConfigurationError, match="sentinelhub:deployment / SH_DEPLOYMENT names"):
        Settings(**local, deployment="mars")
    with pytest.raises(ConfigurationError, match="is no known deployment's") as raised:
        Settings(**local).known_deployment()
    assert "sentinel-hub-eu, sentinel-hub-us-west, cdse" in str(raised.value)
