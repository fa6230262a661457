"""Where the API is and who we are: deployments, credentials and their sources.

Settings come from Pulumi stack configuration (namespace ``sentinelhub``), then ``SH_*``
environment variables, then sentinelhub-py's profiles (:mod:`pulumi_zarr.api.profiles`); each
value remembers where it was set, for messages. Base and token URLs are parsed by urllib3, as
requests will connect, and refused when urllib.parse reads another host (:func:`checked_url`).
"""

from __future__ import annotations

import ipaddress
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from urllib3.exceptions import LocationParseError
from urllib3.util import parse_url

from ..errors import ConfigurationError
from .endpoints import API_PREFIXES, LEGACY_PREFIX, TOKEN_PATH
from .redaction import MASK

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


#: A setting's value and where it was set, as messages name it (``sentinelhub:baseUrl``,
#: ``SH_BASE_URL``, ``sh_base_url of profile [cdse] in …/config.toml``).
Found = tuple[str, str]


def found(
    sources: Mapping[str, tuple[str, str]], config: Mapping[str, Any], env: Mapping[str, str]
) -> dict[str, Found]:
    """The settings of ``sources`` that are set, with where: stack config first, then the
    environment."""
    values: dict[str, Found] = {}
    for name, (key, var) in sources.items():
        for where, value in ((key, config.get(key)), (var, env.get(var))):
            if value not in (None, ""):
                values[name] = (str(value), where)
                break
    return values


def lookup(
    sources: Mapping[str, tuple[str, str]], config: Mapping[str, Any], env: Mapping[str, str]
) -> dict[str, str]:
    """The settings of ``sources`` that are set: stack config first, then the environment."""
    return {name: value for name, (value, _) in found(sources, config, env).items()}


def preflight_sources(config: Mapping[str, Any], env: Mapping[str, str]) -> dict[str, str | None]:
    """The preflight's store settings (None: not set)."""
    found = lookup(PREFLIGHT_SOURCES, config, env)
    return {name: found.get(name) for name in PREFLIGHT_SOURCES}


def source_text(name: str) -> str:
    """Where a setting is set, as messages name it: ``sentinelhub:tokenUrl / SH_TOKEN_URL``."""
    key, var = {**SOURCES, **PREFLIGHT_SOURCES}[name]
    return f"{key} / {var}"


#: What a base or token URL may be, as messages say it.
URL_RULE = (
    "allowed: https://host[:port][/path], or http:// to this machine (127.0.0.1, ::1, "
    "localhost), with no user name, password, query or fragment"
)
#: Characters on which URL parsers differ (urllib3 ends the host at a backslash, urllib.parse
#: does not) or that no URL holds.
_AMBIGUOUS = re.compile(r"[\\\s\x00-\x1f\x7f]")


def is_loopback_url(url: str) -> bool:
    """True for URLs on this machine (127.0.0.0/8, ::1, localhost), by the host urllib3 (so
    requests) connects to."""
    try:
        host = (parse_url(url).host or "").strip("[]")
    except LocationParseError:
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def shown_url(url: str) -> str:
    """``url`` as messages show it: everything between ``scheme://`` and its last ``@`` masked
    (a password may be there, however the URL parses), at most 200 characters."""
    head, at, host = url.rpartition("@")
    if at:
        scheme, sep, _ = head.partition("://")
        url = f"{scheme}{sep}{MASK}@{host}" if sep else f"{MASK}@{host}"
    return url[:200]


def _parsed_url(url: str) -> str:
    """``url`` rebuilt from urllib3's parse (what requests connects to); ``ValueError`` saying
    what is wrong when it is not a plain http(s) URL on which urllib.parse agrees."""
    if _AMBIGUOUS.search(url):
        raise ValueError("holds a backslash, a space or a control character")
    if not url.isascii():
        raise ValueError("holds a non-ASCII character (write a host name in its xn-- form)")
    try:
        parsed = parse_url(url)
        split = urlsplit(url)
        other = (split.hostname, split.port)
    except (LocationParseError, ValueError):
        raise ValueError("has a malformed host or port") from None
    if parsed.scheme not in ("http", "https") or split.scheme.lower() != parsed.scheme:
        raise ValueError("must be an http(s) URL")
    if parsed.auth is not None or "@" in split.netloc:
        raise ValueError("must not hold a user name or password (`user:password@`)")
    if not parsed.host:
        raise ValueError("has no host")
    if parsed.port == 0:
        raise ValueError("has port 0 (a port is 1 to 65535)")
    if parsed.query is not None or parsed.fragment is not None:
        raise ValueError("must not have a query or fragment (`?`, `#`)")
    if (parsed.host.strip("[]"), parsed.port) != other:
        raise ValueError("is ambiguous (URL parsers disagree on its host)")
    if parsed.scheme == "http" and not is_loopback_url(parsed.url):
        raise ValueError("must use https (plain http only to a local emulator)")
    return parsed.url


def checked_url(url: str, where: str) -> str:
    """``url`` as requests will be sent to it; :class:`ConfigurationError` naming ``where``
    (the setting it came from) and what is allowed for anything else, never showing a
    password from it."""
    try:
        return _parsed_url(url)
    except ValueError as exc:
        raise ConfigurationError(f"{where} {exc}, got {shown_url(url)!r}; {URL_RULE}") from None


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
    #: Where each value was set, as messages name it: ((setting, where), …).
    origins: tuple[Found, ...] = ()

    def __post_init__(self) -> None:
        base = checked_url(self.base_url, self.source("base_url")).rstrip("/")
        object.__setattr__(self, "base_url", base)
        token_url = self.token_url or default_token_url(base)
        object.__setattr__(self, "token_url", checked_url(token_url, self.source("token_url")))
        prefix = "/" + self.api_prefix.strip("/")
        if prefix not in API_PREFIXES:
            raise ConfigurationError(
                f"{self.source('api_prefix')} must be one of "
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

    def source(self, name: str) -> str:
        """Where setting ``name`` was set, else where it can be set (:func:`source_text`)."""
        return dict(self.origins).get(name) or source_text(name)

    @classmethod
    def resolve(
        cls,
        config: Mapping[str, Any],
        env: Mapping[str, str],
        profile: str | None = None,
        sources: Mapping[str, tuple[str, str]] = SOURCES,
    ) -> Settings:
        """Settings from stack config (``sentinelhub:*``), falling back to ``SH_*`` variables
        and then to sentinelhub-py's default profile. A chosen profile (``profile``, else
        ``sentinelhub:profile``, else ``SH_PROFILE``) wins over all of them. ``sources``: the
        config key and variable of each setting (the command line's are its flags)."""
        from .profiles import PROFILE_CONFIG_KEY, PROFILE_VARIABLE, profile_settings

        chosen = profile or config.get(PROFILE_CONFIG_KEY) or env.get(PROFILE_VARIABLE) or None
        settings = {
            **profile_settings(None, env),
            **found(sources, config, env),
            **(profile_settings(str(chosen), env) if chosen else {}),
        }
        values = {name: value for name, (value, _) in settings.items()}
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
        origins = tuple(sorted((name, where) for name, (_, where) in settings.items()))
        return cls(**values, **tuning, origins=origins)
