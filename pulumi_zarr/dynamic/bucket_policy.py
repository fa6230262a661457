"""``bucket_policy``: the bucket policy that lets a deployment read a bucket, from a program.

Takes Outputs (a bucket name from ``aws.s3.Bucket``, an existing policy from another resource)
and gives an Output: the JSON document (for ``aws.s3.BucketPolicy(policy=...)``) or the dict.
The deployment is named, or comes from the same settings as the provider
(``sentinelhub:deployment``, else the base URL's: stack config, ``SH_*`` variables, a profile).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from pulumi import Input, Output, RunError

from ..api.deployments import Deployment
from ..errors import ConfigurationError


class BucketPolicyError(ConfigurationError, RunError):
    """An unknown deployment or an unusable existing policy. A ``RunError`` too, so that
    Pulumi ends the program with this message alone, without a traceback."""


def stack_deployment(name: str | None = None, profile: str | None = None) -> Deployment:
    """The deployment called ``name``, else the provider's (``sentinelhub:deployment``, else
    the base URL's; ``profile``: a sentinelhub-py profile), e.g. for its region;
    :class:`BucketPolicyError` naming the known ones when there is none."""
    from pulumi.runtime.config import get_config

    from ..api.config import Reader, stack_keys
    from ..api.settings import deployment_of, resolve_deployment

    try:
        if name is not None:
            return deployment_of(name, "")
        config = {key: get_config(key) for key in stack_keys(Reader.LOOKUP)}
        return resolve_deployment(config, os.environ, profile)
    except ConfigurationError as exc:
        raise BucketPolicyError(str(exc)) from None


def _document(bucket: str, deployment: str, existing: Any) -> dict[str, Any]:
    from ..api.deployments import by_name
    from ..bucket.policy import document

    try:
        return document(bucket, by_name(deployment), existing)
    except ValueError as exc:
        raise BucketPolicyError(f"bucket_policy: {exc}") from None


def bucket_policy_document(
    bucket: Input[str],
    deployment: Input[str] | None = None,
    existing: Input[str] | Input[Mapping[str, Any]] | None = None,
    profile: str | None = None,
) -> Output[dict[str, Any]]:
    """The bucket policy letting ``deployment`` (``sentinel-hub-eu``, ``sentinel-hub-us-west``,
    ``cdse``; None: the provider's settings, ``profile`` naming a sentinelhub-py profile) read
    ``bucket``, as a dict: ``existing``'s statements kept, ours added or replaced in place.

    An unknown deployment or an unusable ``existing`` is a :class:`BucketPolicyError` naming
    what is allowed (raised here when the values are plain, else when they resolve).
    """
    if deployment is None:
        deployment = stack_deployment(profile=profile).name
    if isinstance(bucket, str) and isinstance(deployment, str) and not isinstance(existing, Output):
        # plain values: errors at the call, where the traceback-free message points
        return Output.from_input(_document(bucket, deployment, existing))
    return Output.all(bucket, deployment, existing).apply(lambda v: _document(v[0], v[1], v[2]))


def bucket_policy(
    bucket: Input[str],
    deployment: Input[str] | None = None,
    existing: Input[str] | Input[Mapping[str, Any]] | None = None,
    profile: str | None = None,
) -> Output[str]:
    """:func:`bucket_policy_document` as the JSON string ``aws.s3.BucketPolicy`` takes (the
    same text as ``sentinelhub:index:getBucketPolicy``'s ``json``)."""
    from ..bucket.policy import render

    return bucket_policy_document(bucket, deployment, existing, profile).apply(render)


__all__ = ["BucketPolicyError", "bucket_policy", "bucket_policy_document", "stack_deployment"]
