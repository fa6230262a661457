"""Where the API is and who we are: deployments, credentials and their sources.

Settings come from Pulumi stack configuration (namespace ``sentinelhub``), then ``SH_*``
environment variables, then sentinelhub-py's profiles (:mod:`pulumi_zarr.profiles`).
"""

from __future__ import annotations

import ipaddress
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlparse

from .endpoints import API_PREFIXES, LEGACY_PREFIX, TOKEN_PATH
from .errors import ConfigurationError

SH_EU = "https://services.sentinel-hub.com"
SH_US_WEST = "https://services-uswest2.sentinel-hub.com"
CDSE = "https://sh.dataspace.copernicus.eu"

SH_TOKEN_URL = SH_EU + TOKEN_PATH
CDSE_TOKEN_URL = (
    "https://identity.dataspace.copernicus.eu/auth/realms/CDSE/protocol/openid-connect/token"
)

#: Token URL of each known deployment. US-West authenticates against the main deployment.
KNOWN_TOKEN_URLS = {SH_EU: SH_TOKEN_URL, SH_US_WEST: SH_TOKEN_URL, CDSE: CDSE_TOKEN_URL}

#: setting name -> (stack config key, environment variable)
SOURCES: dict[str, tuple[str, str]] = {
    "client_id": ("sentinelhub:clientId", "SH_CLIENT_ID"),
    "client_secret": ("sentinelhub:clientSecret", "SH_CLIENT_SECRET"),
    "base_url": ("sentinelhub:baseUrl", "SH_BASE_URL"),
    "token_url": ("sentinelhub:tokenUrl", "SH_TOKEN_URL"),
    "api_prefix": ("sentinelhub:apiPrefix", "SH_ZARR_API_PREFIX"),
}

#: Client tuning, environment only: (setting, variable, type, lowest, highest, unit).
TUNING: tuple[tuple[str, str, Any, float, float, str], ...] = (
    ("timeout_seconds", "SH_ZARR_TIMEOUT_SECONDS", float, 0.1, 3600, "seconds"),
    ("max_attempts", "SH_ZARR_MAX_ATTEMPTS", int, 1, 20, "attempts"),
)
#: How a tuning value is written: plain ASCII decimals (no sign, exponent or digit of
#: another script).
_NUMBER = {float: re.compile(r"[0-9]+(\.[0-9]*)?|\.[0-9]+"), int: re.compile(r"[0-9]+")}

#: Where the ``preflight`` check reads a collection's store: setting -> (config key, variable).
#: ``s3_endpoint``: an S3-compatible endpoint (default: AWS, from the standard AWS settings);
#: ``buckets_dir``: a local folder whose sub-folders are the buckets (the emulator's layout).
PREFLIGHT_SOURCES: dict[str, tuple[str, str]] = {
    "s3_endpoint": ("sentinelhub:preflightS3Endpoint", "PULUMI_ZARR_S3_ENDPOINT"),
    "buckets_dir": ("sentinelhub:preflightBucketsDir", "PULUMI_ZARR_BUCKETS_DIR"),
}


def lookup(
    sources: Mapping[str, tuple[str, str]], config: Mapping[str, Any], env: Mapping[str, str]
) -> dict[str, str]:
    """The settings of ``sources`` that are set: stack config first, then the environment."""
    values: dict[str, str] = {}
    for name, (key, var) in sources.items():
        value = config.get(key)
        if value in (None, ""):
            value = env.get(var)
        if value not in (None, ""):
            values[name] = str(value)
    return values


def preflight_sources(config: Mapping[str, Any], env: Mapping[str, str]) -> dict[str, str | None]:
    """The preflight's store settings (None: not set)."""
    found = lookup(PREFLIGHT_SOURCES, config, env)
    return {name: found.get(name) for name in PREFLIGHT_SOURCES}


def source_text(name: str) -> str:
    """Where a setting is set, as messages name it: ``sentinelhub:tokenUrl / SH_TOKEN_URL``."""
    key, var = {**SOURCES, **PREFLIGHT_SOURCES}[name]
    return f"{key} / {var}"


def is_loopback_url(url: str) -> bool:
    """True for URLs on this machine (127.0.0.0/8, ::1, localhost)."""
    host = urlparse(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _check_url(name: str, url: str) -> None:
    if url.startswith("https://"):
        return
    if not url.startswith("http://"):
        raise ConfigurationError(f"{source_text(name)} must be an http(s) URL, got {url!r}")
    if not is_loopback_url(url):
        raise ConfigurationError(
            f"{source_text(name)} must use https (plain http is only allowed for a local emulator "
            f"on 127.0.0.1 or localhost), got {url!r}"
        )


def default_token_url(base_url: str) -> str:
    """The token URL that goes with a base URL: a known deployment's, else the same host's."""
    return KNOWN_TOKEN_URLS.get(base_url, base_url + TOKEN_PATH)


@dataclass(frozen=True)
class Settings:
    """Everything the client needs to reach one deployment as one OAuth client."""

    client_id: str
    client_secret: str = field(repr=False)
    base_url: str = SH_EU
    token_url: str = ""
    api_prefix: str = LEGACY_PREFIX
    timeout_seconds: float = 30.0
    max_attempts: int = 5
    max_retry_after_seconds: float = 60.0

    def __post_init__(self) -> None:
        base = self.base_url.rstrip("/")
        object.__setattr__(self, "base_url", base)
        _check_url("base_url", base)
        if not self.token_url:
            object.__setattr__(self, "token_url", default_token_url(base))
        _check_url("token_url", self.token_url)
        prefix = "/" + self.api_prefix.strip("/")
        if prefix not in API_PREFIXES:
            raise ConfigurationError(
                f"{source_text('api_prefix')} must be one of "
                f"{', '.join(API_PREFIXES)}, got {self.api_prefix!r}"
            )
        object.__setattr__(self, "api_prefix", prefix)
        for name, var, _, low, high, unit in TUNING:
            value = getattr(self, name)
            if not (math.isfinite(value) and low <= value <= high):
                raise ConfigurationError(
                    f"{var} must be from {low:g} to {high:g} {unit}, got {value:g}"
                )

    @property
    def api_url(self) -> str:
        return self.base_url + self.api_prefix

    @classmethod
    def resolve(
        cls, config: Mapping[str, Any], env: Mapping[str, str], profile: str | None = None
    ) -> Settings:
        """Settings from stack config (``sentinelhub:*``), falling back to ``SH_*`` variables
        and then to sentinelhub-py's default profile. A chosen profile (``profile``, else
        ``sentinelhub:profile``, else ``SH_PROFILE``) wins over all of them."""
        from .profiles import PROFILE_CONFIG_KEY, PROFILE_VARIABLE, profile_settings

        chosen = profile or config.get(PROFILE_CONFIG_KEY) or env.get(PROFILE_VARIABLE) or None
        values = {
            **profile_settings(None, env),
            **lookup(SOURCES, config, env),
            **(profile_settings(str(chosen), env) if chosen else {}),
        }
        missing = [name for name in ("client_id", "client_secret") if name not in values]
        if missing:
            ways = "; ".join(
                f"`pulumi config set {SOURCES[n][0]}{' --secret' if n == 'client_secret' else ''}"
                f" <value>` or the environment variable {SOURCES[n][1]}"
                for n in missing
            )
            raise ConfigurationError(
                "Sentinel Hub credentials are missing: " + ", ".join(missing) + f". Set {ways}"
                " (or name a sentinelhub-py profile: the `profile` input, sentinelhub:profile "
                "or SH_PROFILE)."
            )
        tuning: dict[str, Any] = {}
        for name, var, kind, low, high, unit in TUNING:
            raw = env.get(var, "").strip()
            if not raw:
                continue
            if not _NUMBER[kind].fullmatch(raw):
                raise ConfigurationError(
                    f"{var} must be {'a whole' if kind is int else 'a'} number of {unit} from "
                    f"{low:g} to {high:g}, got {env[var][:40]!r}"
                )
            tuning[name] = kind(raw)
        return cls(**values, **tuning)
