"""The bucket-policy statement that lets a deployment read a bucket, and merging it into an
existing policy document without dropping the document's other statements.

Plain data and no Pulumi: the Python surface wraps it for Outputs, the native plugin serves it as
``sentinelhub:index:getBucketPolicy``, and preflight and the emulator check buckets against it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from ..api.deployments import Deployment

#: The statement's id; a statement with this id in an existing document is replaced.
SID = "Sentinel Hub permissions"
#: What a deployment needs: on the bucket (location, listing) and on its objects.
BUCKET_ACTIONS = ("s3:GetBucketLocation", "s3:ListBucket")
OBJECT_ACTIONS = ("s3:GetObject",)
ACTIONS = (*BUCKET_ACTIONS, *OBJECT_ACTIONS)
VERSION = "2012-10-17"


def bucket_arn(bucket: str) -> str:
    return f"arn:aws:s3:::{bucket}"


def resources(bucket: str) -> tuple[str, str]:
    """The bucket and everything in it."""
    return bucket_arn(bucket), f"{bucket_arn(bucket)}/*"


def statement(bucket: str, deployment: Deployment) -> dict[str, Any]:
    """The statement that grants ``deployment`` read access to ``bucket``."""
    return {
        "Sid": SID,
        "Effect": "Allow",
        "Principal": {"AWS": deployment.principal},
        "Action": list(ACTIONS),
        "Resource": list(resources(bucket)),
    }


def _parsed(existing: str | Mapping[str, Any] | None) -> dict[str, Any]:
    if existing is None or existing == "":
        return {"Version": VERSION, "Statement": []}
    if isinstance(existing, str):
        try:
            existing = json.loads(existing)
        except ValueError as exc:
            raise ValueError(f"the existing policy is not JSON: {exc}") from None
    if not isinstance(existing, Mapping):
        raise ValueError("the existing policy must be a JSON object with a Statement list")
    document = dict(existing)
    statements = document.get("Statement", [])
    if isinstance(statements, Mapping):  # IAM allows a single statement object
        statements = [statements]
    if not isinstance(statements, list) or not all(isinstance(s, Mapping) for s in statements):
        raise ValueError("the existing policy's Statement must be a list of objects")
    document["Statement"] = [dict(s) for s in statements]
    document.setdefault("Version", VERSION)
    return document


def document(
    bucket: str, deployment: Deployment, existing: str | Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """The bucket policy granting ``deployment`` read access to ``bucket``: ``existing``'s
    statements kept in order, a statement with our Sid replaced in place, else ours appended."""
    merged = _parsed(existing)
    ours = statement(bucket, deployment)
    statements = merged["Statement"]
    for i, s in enumerate(statements):
        if s.get("Sid") == SID:
            statements[i] = ours
            break
    else:
        statements.append(ours)
    return merged


def render(policy: Mapping[str, Any]) -> str:
    """A policy document as the JSON text an S3 ``PutBucketPolicy`` takes."""
    return json.dumps(policy, indent=2)


def document_json(
    bucket: str, deployment: Deployment, existing: str | Mapping[str, Any] | None = None
) -> str:
    """:func:`document` as the JSON string an S3 ``PutBucketPolicy`` takes."""
    return render(document(bucket, deployment, existing))
