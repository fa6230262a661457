"""The plugin's configuration: the ``sentinelhub:*`` settings of :mod:`pulumi_zarr.api.config`
as package-schema variables, and the stack configuration of a Configure request.

Each setting the native plugin reads (its key, description, environment variable and whether
it is secret) comes from that table; how the values resolve is ``Settings.resolve``. Secret
settings are marked secret in the provider's inputs whether or not the user set them with
``--secret``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi.provider.experimental.property_value import PropertyValue

from ..api.config import SETTINGS, Reader, secret_stack_keys
from ..collection.unknown import is_unknown
from .names import PACKAGE
from .values import plain


def variable_name(key: str) -> str:
    """``sentinelhub:clientId`` → ``clientId``."""
    namespace, _, name = key.partition(":")
    if namespace != PACKAGE:
        raise ValueError(f"config key {key!r} is not in the {PACKAGE!r} namespace")
    return name


def variables() -> dict[str, dict[str, Any]]:
    """The package schema's config variables (and the provider's input properties)."""
    specs: dict[str, dict[str, Any]] = {}
    for setting in SETTINGS:
        if setting.key and Reader.NATIVE in setting.readers:
            spec: dict[str, Any] = {
                "type": "string",
                "description": f"{setting.description} Environment fallback: `{setting.variable}`.",
            }
            if setting.secret:
                spec["secret"] = True
            specs[variable_name(setting.key)] = spec
    return specs


def marked_secret(args: Mapping[str, PropertyValue]) -> dict[str, PropertyValue]:
    """The provider's inputs (``clientSecret`` or ``sentinelhub:clientSecret``) with every
    secret setting marked secret, however the user set it: the engine stores what CheckConfig
    answers, so a value set without ``--secret`` is encrypted in the state all the same."""
    secret = secret_stack_keys()
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


#: The provider settings that say where collections live and whose they are: a collection
#: made through a provider with other values is not found through this one.
PLACE_VARIABLES = ("baseUrl", "apiPrefix", "clientId", "profile")


def place_changes(
    urn: str, olds: Mapping[str, PropertyValue], news: Mapping[str, PropertyValue]
) -> list[str]:
    """The :data:`PLACE_VARIABLES` that differ between two configurations of the explicit
    provider ``urn`` (none for a default provider, or for a value not known yet)."""
    if urn.rsplit("::", 1)[-1].startswith("default"):
        return []
    old, new = stack_config(olds), stack_config(news)
    unknown = {
        name.removeprefix(PACKAGE + ":") for name, value in news.items() if is_unknown(plain(value))
    }
    return [
        name
        for name in PLACE_VARIABLES
        if name not in unknown and old.get(f"{PACKAGE}:{name}") != new.get(f"{PACKAGE}:{name}")
    ]
