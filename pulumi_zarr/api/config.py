"""The provider's configuration, declared once: one :class:`Setting` per value it reads.

Each setting names its stack key (``sentinelhub:…``), environment variable, sentinelhub-py
profile key, command-line flag, description, whether it is secret, and who reads it.
``Settings.resolve``, the command line, ``get_zarr_collection``, the native schema's config
variables and the README's table (``scripts/readme_tables.py``) derive from it.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

from .deployments import CDSE, SH_EU, SH_US_WEST, known_names
from .endpoints import API_PREFIXES, DEFAULT_API_PREFIX, TOKEN_PATH

#: The stack configuration namespace (the native plugin's package name too).
NAMESPACE = "sentinelhub"


class Reader(enum.Enum):
    """Who reads a setting."""

    DYNAMIC = "dynamic"  # the dynamic provider (ZarrCollection)
    NATIVE = "native"  # the native plugin (its schema's config variables)
    LOOKUP = "lookup"  # get_zarr_collection, in the program's process
    CLI = "cli"  # the pulumi-zarr command line
    PREFLIGHT = "preflight"  # the Zarr store check of the `preflight` input


class Bounds(NamedTuple):
    """What a number setting may be: its type, lowest and highest value, and unit."""

    kind: type[int] | type[float]
    low: float
    high: float
    unit: str


PROVIDERS = frozenset({Reader.DYNAMIC, Reader.NATIVE})
CLIENTS = PROVIDERS | {Reader.LOOKUP, Reader.CLI}


@dataclass(frozen=True)
class Setting:
    """One configuration value and every place it can be set."""

    name: str  # the field of Settings (or the preflight's argument)
    variable: str  # environment variable
    description: str
    readers: frozenset[Reader]
    key: str | None = None  # stack configuration key; None: environment only
    profile_key: str | None = None  # key in a profile of sentinelhub-py's config.toml
    has_flag: bool = False  # the command line has a flag for it (:attr:`flag`)
    secret: bool = False
    bounds: Bounds | None = None  # a number setting's range
    #: The default as the README's table shows it, where ``Settings`` has none to show.
    default: str = ""

    @property
    def flag(self) -> str:
        """The command line's flag for it: ``--client-id``."""
        return "--" + self.name.replace("_", "-")

    def ways(self, command_line: bool = False) -> str:
        """How to set it, as a message says: ``pulumi config set …`` (or the flag) or the
        variable."""
        first = (
            self.has_flag and self.flag
            if command_line
            else self.key
            and f"`pulumi config set {self.key}{' --secret' if self.secret else ''} <value>`"
        )
        env = f"the environment variable {self.variable}"
        return f"{first} or {env}" if first else env


def _key(name: str) -> str:
    return f"{NAMESPACE}:{name}"


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "client_id",
        "SH_CLIENT_ID",
        "OAuth client id of the Sentinel Hub account that owns the collections.",
        CLIENTS,
        key=_key("clientId"),
        profile_key="sh_client_id",
        has_flag=True,
        default="required",
    ),
    Setting(
        "client_secret",
        "SH_CLIENT_SECRET",
        "OAuth client secret of that client.",
        CLIENTS,
        key=_key("clientSecret"),
        profile_key="sh_client_secret",
        secret=True,
        default="required",
    ),
    Setting(
        "base_url",
        "SH_BASE_URL",
        f"Base URL of the deployment: {SH_EU} (default), {SH_US_WEST}, {CDSE}, or a local "
        "emulator on http://127.0.0.1.",
        CLIENTS,
        key=_key("baseUrl"),
        profile_key="sh_base_url",
        has_flag=True,
    ),
    Setting(
        "deployment",
        "SH_DEPLOYMENT",
        f"The deployment whose bucket rules apply ({known_names()}): who the bucket policy "
        "grants, which region the bucket must be in. Default: the base URL's; set it when the "
        "base URL is a local emulator standing in for a deployment.",
        CLIENTS,
        key=_key("deployment"),
        default="the base URL's",
    ),
    Setting(
        "token_url",
        "SH_TOKEN_URL",
        "OAuth token URL. Default: the deployment's own, or "
        f"`<baseUrl>{TOKEN_PATH}` for any other base URL.",
        CLIENTS,
        key=_key("tokenUrl"),
        profile_key="sh_token_url",
        default="the deployment's (see below)",
    ),
    Setting(
        "api_prefix",
        "SH_ZARR_API_PREFIX",
        f"Path prefix of the Zarr Import API: {' or '.join(API_PREFIXES)} (default "
        f"{DEFAULT_API_PREFIX}).",
        CLIENTS,
        key=_key("apiPrefix"),
        has_flag=True,
    ),
    Setting(
        "s3_endpoint",
        "PULUMI_ZARR_S3_ENDPOINT",
        "For the `preflight` input: an S3-compatible endpoint to read the Zarr stores from "
        "(default: AWS, with the standard AWS credentials).",
        PROVIDERS | {Reader.PREFLIGHT, Reader.CLI},
        key=_key("preflightS3Endpoint"),
        has_flag=True,
        default="AWS",
    ),
    Setting(
        "buckets_dir",
        "PULUMI_ZARR_BUCKETS_DIR",
        "For the `preflight` input: a local folder whose sub-folders are the buckets (the "
        "emulator's layout), read instead of S3.",
        PROVIDERS | {Reader.PREFLIGHT},
        key=_key("preflightBucketsDir"),
        default="none: S3",
    ),
    Setting(
        "profile",
        "SH_PROFILE",
        "A profile of sentinelhub-py's config.toml (`~/.config/sentinelhub/config.toml`) whose "
        "credentials and deployment fill in the settings not given here (a collection's own "
        "`profile` input wins).",
        CLIENTS,
        key=_key("profile"),
        default="none: `[default-profile]` fills what is unset",
    ),
    Setting(
        "timeout_seconds",
        "SH_ZARR_TIMEOUT_SECONDS",
        "Time limit of each HTTP request.",
        CLIENTS,
        bounds=Bounds(float, 0.1, 3600, "seconds"),
    ),
    Setting(
        "max_attempts",
        "SH_ZARR_MAX_ATTEMPTS",
        "Attempts per request, the first included.",
        CLIENTS,
        bounds=Bounds(int, 1, 20, "attempts"),
    ),
)

BY_NAME: dict[str, Setting] = {s.name: s for s in SETTINGS}
PROFILE = BY_NAME["profile"]
#: Where the preflight check reads a collection's store (its arguments).
PREFLIGHT = tuple(s for s in SETTINGS if Reader.PREFLIGHT in s.readers)
#: The settings a deployment is reached with: the fields of ``Settings`` set from text.
CONNECTION = tuple(s for s in SETTINGS if s is not PROFILE and s not in PREFLIGHT)


def stack_keys(reader: Reader = Reader.DYNAMIC) -> tuple[str, ...]:
    """The stack configuration keys ``reader`` reads (``sentinelhub:clientId``, …)."""
    return tuple(s.key for s in SETTINGS if s.key and reader in s.readers)


def secret_stack_keys() -> frozenset[str]:
    """The stack configuration keys of the secret settings (``sentinelhub:clientSecret``)."""
    return frozenset(s.key for s in SETTINGS if s.key and s.secret)


#: A setting's value and where it was set, as messages name it (``sentinelhub:baseUrl``,
#: ``SH_BASE_URL``, ``sh_base_url of profile [cdse] in …/config.toml``).
Found = tuple[str, str]


def found(
    settings: tuple[Setting, ...],
    config: Mapping[str, Any],
    env: Mapping[str, str],
    command_line: bool = False,
) -> dict[str, Found]:
    """The ``settings`` that are set, with where: stack config (or the command line's
    flags, keyed by flag) first, then the environment."""
    values: dict[str, Found] = {}
    for setting in settings:
        key = (setting.has_flag and setting.flag) if command_line else setting.key
        stack = config.get(key) if key else None
        for where, value in ((key, stack), (setting.variable, env.get(setting.variable))):
            if where and value not in (None, ""):
                values[setting.name] = (str(value), where)
                break
    return values


def first_set(
    settings: tuple[Setting, ...], config: Mapping[str, Any], env: Mapping[str, str]
) -> dict[str, str | None]:
    """The value of each of ``settings``: stack config first, then the environment (None:
    not set)."""
    values = found(settings, config, env)
    return {s.name: values[s.name][0] if s.name in values else None for s in settings}


def source_text(name: str) -> str:
    """Where a setting is set, as messages name it: ``sentinelhub:tokenUrl / SH_TOKEN_URL``."""
    setting = BY_NAME[name]
    return f"{setting.key} / {setting.variable}" if setting.key else setting.variable
