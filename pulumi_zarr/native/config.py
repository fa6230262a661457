"""The plugin's configuration: the ``sentinelhub:*`` keys and environment fallbacks of
:mod:`pulumi_zarr.api.settings`, as package-schema variables and from a Configure request.

The keys and their environment variables are :func:`pulumi_zarr.collection.calls.config_sources`
(settings.py's ``SOURCES`` and ``PREFLIGHT_SOURCES``, and the profile), how they resolve is
``Settings.resolve``; this module adds only what the schema needs: a
description of each, and which are secret (``calls.secret_config_keys``), marked secret
in the provider's inputs whether or not the user set them with ``--secret``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi.provider.experimental.property_value import PropertyValue

from ..api.endpoints import API_PREFIXES, LEGACY_PREFIX, TOKEN_PATH
from ..api.settings import CDSE, SH_EU, SH_US_WEST
from ..collection.calls import config_sources, secret_config_keys
from ..collection.unknown import is_unknown
from .names import PACKAGE
from .values import plain

#: What each setting is, by setting name (those of ``config_sources()``).
DESCRIPTIONS: dict[str, str] = {
    "client_id": "OAuth client id of the Sentinel Hub account that owns the collections.",
    "client_secret": "OAuth client secret of that client.",
    "base_url": (
        f"Base URL of the deployment: {SH_EU} (default), {SH_US_WEST}, {CDSE}, or a local "
        "emulator on http://127.0.0.1."
    ),
    "token_url": (
        "OAuth token URL. Default: the deployment's own, or "
        f"`<baseUrl>{TOKEN_PATH}` for any other base URL."
    ),
    "api_prefix": (
        f"Path prefix of the Zarr Import API: {' or '.join(API_PREFIXES)} (default "
        f"{LEGACY_PREFIX})."
    ),
    "s3_endpoint": (
        "For the `preflight` input: an S3-compatible endpoint to read the Zarr stores from "
        "(default: AWS, with the standard AWS credentials)."
    ),
    "buckets_dir": (
        "For the `preflight` input: a local folder whose sub-folders are the buckets (the "
        "emulator's layout), read instead of S3."
    ),
    "profile": (
        "A profile of sentinelhub-py's config.toml (`~/.config/sentinelhub/config.toml`) whose "
        "credentials and deployment fill in the settings not given here (a collection's own "
        "`profile` input wins)."
    ),
}


def variable_name(key: str) -> str:
    """``sentinelhub:clientId`` → ``clientId``."""
    namespace, _, name = key.partition(":")
    if namespace != PACKAGE:
        raise ValueError(f"config key {key!r} is not in the {PACKAGE!r} namespace")
    return name


def variables() -> dict[str, dict[str, Any]]:
    """The package schema's config variables (and the provider's input properties)."""
    specs: dict[str, dict[str, Any]] = {}
    for setting, (key, env) in config_sources().items():
        spec: dict[str, Any] = {
            "type": "string",
            "description": f"{DESCRIPTIONS[setting]} Environment fallback: `{env}`.",
        }
        if key in secret_config_keys():
            spec["secret"] = True
        specs[variable_name(key)] = spec
    return specs


def marked_secret(args: Mapping[str, PropertyValue]) -> dict[str, PropertyValue]:
    """The provider's inputs (``clientSecret`` or ``sentinelhub:clientSecret``) with every
    secret setting marked secret, however the user set it: the engine stores what CheckConfig
    answers, so a value set without ``--secret`` is encrypted in the state all the same."""
    secret = secret_config_keys()
    return {
        name: value.with_secret(True)
        if f"{PACKAGE}:{name.removeprefix(PACKAGE + ':')}" in secret and value.value is not None
        else value
        for name, value in args.items()
    }


def stack_config(args: Mapping[str, PropertyValue]) -> dict[str, Any]:
    """The ``sentinelhub:*`` stack configuration from a Configure request's arguments (the
    provider's inputs: ``clientId``, or ``sentinelhub:clientId``), secrets unwrapped."""
    config: dict[str, Any] = {}
    for name, value in args.items():
        unwrapped = plain(value)
        if isinstance(unwrapped, str) and not is_unknown(unwrapped):
            config[f"{PACKAGE}:{name.removeprefix(PACKAGE + ':')}"] = unwrapped
    return config
