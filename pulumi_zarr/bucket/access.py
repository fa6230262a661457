"""Whether a deployment can read a bucket: its policy grants the deployment's principal the
three reads (a Deny wins), and the bucket lies in the deployment's region.

The one place this is decided: preflight asks it with the user's credentials, the emulator
with its own while it stands in for the deployment. Statements are parsed by policyuniverse
(principals, actions with their wildcards and ``NotAction`` expanded); a statement with a
``Condition`` is not counted as a grant (the condition cannot be evaluated here), while a
``Deny`` with one is counted as denying. boto3 is imported only when a bucket is read.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from typing import Any, NamedTuple

from ..api.deployments import Deployment
from .policy import ACTIONS, BUCKET_ACTIONS, bucket_arn, resources

#: What GetBucketLocation answers for the two regions it does not name.
_LOCATION_ALIASES = {"": "us-east-1", "EU": "eu-west-1"}


@dataclass(frozen=True)
class Problem:
    """Why the deployment could not read the bucket: what is wrong, what is allowed."""

    problem: str
    allowed: str

    def line(self) -> str:
        return f"{self.problem} (allowed: {self.allowed})"


@dataclass
class Access:
    """What checking a bucket found: ``problems`` the deployment would refuse, ``warnings``
    about what could not be checked (never a pass)."""

    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _needed(bucket: str, path: str) -> list[tuple[str, str]]:
    """(action, resource) pairs the deployment needs: the bucket, and the group's objects
    (represented by the ``.zgroup`` it reads first)."""
    prefix = path.strip("/")
    group_key = f"{prefix}/.zgroup" if prefix else ".zgroup"
    return [
        (
            action,
            bucket_arn(bucket) if action in BUCKET_ACTIONS else f"{bucket_arn(bucket)}/{group_key}",
        )
        for action in ACTIONS
    ]


def _allowed_text(bucket: str, deployment: Deployment) -> str:
    return (
        f"a bucket policy statement with Effect Allow, Principal {deployment.principal}, "
        f"Action {', '.join(ACTIONS)}, Resource {' and '.join(resources(bucket))}, "
        "and no Deny of them: pulumi_zarr.bucket_policy(...) writes it"
    )


def _names_principal(principals: set[str], deployment: Deployment) -> bool:
    account = deployment.principal.split(":")[4]
    return bool(principals & {"*", deployment.principal, account})


class _Parsed(NamedTuple):
    """A statement as written, and as policyuniverse reads it (parsed once per check)."""

    raw: Mapping[str, Any]
    parsed: Any  # policyuniverse.statement.Statement


def _applies_to(statement: _Parsed, deployment: Deployment) -> bool:
    from policyuniverse.statement import Statement

    if "NotPrincipal" in statement.raw:  # everyone but those named
        excluded = Statement({"Principal": statement.raw["NotPrincipal"]}).principals
        return not _names_principal(excluded, deployment)
    return _names_principal(statement.parsed.principals, deployment)


def _covers(statement: _Parsed, action: str, resource: str) -> bool:
    if action.lower() not in statement.parsed.actions_expanded:
        return False
    if "NotResource" in statement.raw:
        excluded = statement.raw["NotResource"]
        excluded = [excluded] if isinstance(excluded, str) else list(excluded)
        return not any(fnmatchcase(resource, p) for p in excluded)
    return any(fnmatchcase(resource, str(p)) for p in statement.parsed.resources)


def _statements(policy: str | Mapping[str, Any]) -> list[Mapping[str, Any]]:
    document = json.loads(policy) if isinstance(policy, str) else policy
    statements = document.get("Statement", []) if isinstance(document, Mapping) else []
    if isinstance(statements, Mapping):
        statements = [statements]
    return [s for s in statements if isinstance(s, Mapping)]


def policy_problems(
    policy: str | Mapping[str, Any] | None, bucket: str, path: str, deployment: Deployment
) -> list[Problem]:
    """What keeps ``deployment`` from reading ``path`` in ``bucket`` under ``policy`` (None:
    the bucket has none): one problem for what is denied, one for what is not granted."""
    who = f"{deployment.name}'s principal {deployment.principal}"
    allowed = _allowed_text(bucket, deployment)
    if policy is None:
        return [
            Problem(f"bucket '{bucket}' has no bucket policy, so {who} cannot read it", allowed)
        ]
    try:
        statements = _statements(policy)
    except ValueError as exc:
        return [Problem(f"the bucket policy of '{bucket}' is not JSON ({exc})", allowed)]
    from policyuniverse.statement import Statement

    parsed = (_Parsed(s, Statement(dict(s))) for s in statements)
    mine = [s for s in parsed if _applies_to(s, deployment)]
    denied, missing = [], []
    for action, resource in _needed(bucket, path):
        deny = next(
            (s.raw for s in mine if s.raw.get("Effect") == "Deny" and _covers(s, action, resource)),
            None,
        )
        if deny is not None:
            sid = f" (statement {deny['Sid']!r})" if deny.get("Sid") else ""
            denied.append(f"{action} on {resource}{sid}")
        elif not any(
            s.raw.get("Effect") == "Allow"
            and "Condition" not in s.raw
            and _covers(s, action, resource)
            for s in mine
        ):
            missing.append(f"{action} on {resource}")
    problems = []
    if denied:
        problems.append(
            Problem(f"the bucket policy of '{bucket}' denies {who} {'; '.join(denied)}", allowed)
        )
    if missing:
        problems.append(
            Problem(
                f"the bucket policy of '{bucket}' does not grant {who} {'; '.join(missing)}",
                allowed,
            )
        )
    return problems


def region_of(location_constraint: str | None) -> str:
    """The region a GetBucketLocation answer means (none: us-east-1, ``EU``: eu-west-1)."""
    return _LOCATION_ALIASES.get(location_constraint or "", location_constraint or "")


def region_problem(region: str, bucket: str, deployment: Deployment) -> Problem | None:
    """Why a bucket in ``region`` cannot serve ``deployment``, or None."""
    if region in deployment.regions:
        return None
    return Problem(
        f"bucket '{bucket}' is in region {region}, but {deployment.name} reads buckets in "
        f"{' or '.join(deployment.regions)}",
        f"a bucket in {', '.join(deployment.regions)}; or the deployment of {region}, if there "
        "is one",
    )


def _error_code(exc: Exception) -> str:
    response = getattr(exc, "response", None)
    return str((response or {}).get("Error", {}).get("Code", type(exc).__name__))


def s3_client(endpoint: str | None = None) -> Any:
    """A boto3 S3 client with the environment's credentials as they are now (a new session:
    boto3's default one keeps the first credentials it found), ``endpoint``: S3-compatible."""
    import boto3

    return boto3.session.Session().client("s3", endpoint_url=endpoint)


def check_bucket(
    bucket: str,
    path: str,
    deployment: Deployment,
    *,
    endpoint: str | None = None,
    as_whom: str = "",
) -> Access:
    """Read ``bucket``'s policy and location and judge them for ``deployment``.
    ``as_whom``: whose credentials read them, for the warnings (``your credentials``)."""
    whose = as_whom or "the credentials in use"
    client = s3_client(endpoint)
    try:
        return _judge(client, bucket, path, deployment, whose)
    finally:
        client.close()


def _judge(client: Any, bucket: str, path: str, deployment: Deployment, whose: str) -> Access:
    access = Access()
    try:
        policy: str | None = client.get_bucket_policy(Bucket=bucket)["Policy"]
    except Exception as exc:  # botocore ClientError, connection errors: say which
        code = _error_code(exc)
        if code == "NoSuchBucketPolicy":
            policy = None
        elif code == "NoSuchBucket":
            return access  # reading the store says so
        else:
            access.warnings.append(
                f"cannot read the bucket policy of '{bucket}' with {whose} ({code}): whether "
                f"{deployment.name} may read the bucket is not checked (allow "
                "s3:GetBucketPolicy to check it)"
            )
            policy = ""
    if policy != "":
        access.problems += policy_problems(policy, bucket, path, deployment)
    if deployment.storage_endpoint:
        return access  # its storage names regions its own way: the endpoint decides
    try:
        constraint = client.get_bucket_location(Bucket=bucket).get("LocationConstraint")
    except Exception as exc:
        access.warnings.append(
            f"cannot read the location of bucket '{bucket}' with {whose} ({_error_code(exc)}): "
            f"whether it is in {' or '.join(deployment.regions)} is not checked (allow "
            "s3:GetBucketLocation to check it)"
        )
        return access
    problem = region_problem(region_of(constraint), bucket, deployment)
    if problem:
        access.problems.append(problem)
    return access
