"""Where the API is and who we are: deployments, credentials and their sources.

Settings come from Pulumi stack configuration (namespace ``sentinelhub``), then ``SH_*``
environment variables, then sentinelhub-py's profiles, as :mod:`.config` declares them; each
value remembers where it was set, for messages. Base and token URLs are parsed by urllib3, as
requests will connect, and refused when urllib.parse reads another host (:func:`checked_url`).
"""

from __future__ import annotations

import ipaddress
import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from ..errors import ConfigurationError
from .config import BY_NAME, CONNECTION, PROFILE, Found, found, source_text
from .deployments import BY_BASE_URL, DEPLOYMENTS, SH_EU, Deployment, by_name, known_names
from .deployments import BY_NAME as DEPLOYMENTS_BY_NAME
from .endpoints import API_PREFIXES, DEFAULT_API_PREFIX, TOKEN_PATH
from .redaction import MASK

SH_TOKEN_URL = by_name("sentinel-hub-eu").token_url
CDSE_TOKEN_URL = by_name("cdse").token_url

#: Token URL of each known deployment.
KNOWN_TOKEN_URLS = {d.base_url: d.token_url for d in DEPLOYMENTS}

#: How a number setting is written: plain ASCII decimals (no sign, exponent or digit of
#: another script).
_NUMBER = {float: re.compile(r"[0-9]+(\.[0-9]*)?|\.[0-9]+"), int: re.compile(r"[0-9]+")}
#: The settings that are numbers (environment only), with their range.
_NUMBERS = tuple((s, s.bounds) for s in CONNECTION if s.bounds)


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
    # urllib3 loads when a URL is checked, not with a program's `import pulumi_zarr`
    from urllib3.exceptions import LocationParseError
    from urllib3.util import parse_url

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
    from urllib3.exceptions import LocationParseError
    from urllib3.util import parse_url

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


def deployment_of(name: str | None, base_url: str, where: str = "") -> Deployment:
    """The deployment called ``name``, else the one at ``base_url``; :class:`ConfigurationError`
    naming the known ones otherwise (``where``: where the base URL was set)."""
    if name:
        try:
            return by_name(name)
        except ValueError as exc:
            raise ConfigurationError(str(exc)) from None
    found_here = BY_BASE_URL.get(base_url.rstrip("/"))
    if found_here is None:
        setting = BY_NAME["deployment"]
        raise ConfigurationError(
            f"the base URL {shown_url(base_url)!r}{f' ({where})' if where else ''} is no known "
            f"deployment's, so which bucket policy and region apply is unknown: set "
            f"{setting.ways()} to the deployment it stands in for ({known_names()})"
        )
    return found_here


def _found(
    config: Mapping[str, Any],
    env: Mapping[str, str],
    profile: str | None = None,
    command_line: bool = False,
) -> dict[str, Found]:
    """Every connection setting that is set, with where: the default profile, then stack
    config (or flags), then the environment; a chosen profile (``profile``, else
    ``sentinelhub:profile``, else ``SH_PROFILE``) wins over all of them."""
    from .profiles import profile_settings

    chosen = profile or (None if command_line else config.get(PROFILE.key or ""))
    chosen = chosen or env.get(PROFILE.variable) or None
    return {
        **profile_settings(None, env),
        **found(CONNECTION, config, env, command_line),
        **(profile_settings(str(chosen), env) if chosen else {}),
    }


#: The environment variables :meth:`Settings.resolve` reads (the last two place the profiles' file).
READ_VARIABLES = (*(s.variable for s in (*CONNECTION, PROFILE)), "XDG_CONFIG_HOME", "HOME")


def environment_stamp(env: Mapping[str, str]) -> tuple[Any, ...]:
    """What :meth:`Settings.resolve` reads besides the config and the chosen profile: its
    variables, and the profiles' file as it is now (a rewrite stamps differently)."""
    from .profiles import config_location

    try:
        found = os.stat(config_location(env))
        file: tuple[int, ...] | None = (found.st_ino, found.st_mtime_ns, found.st_size)
    except OSError:
        file = None
    return (*(env.get(name) for name in READ_VARIABLES), file)


def resolve_deployment(
    config: Mapping[str, Any], env: Mapping[str, str], profile: str | None = None
) -> Deployment:
    """The deployment the provider's settings name (``sentinelhub:deployment``, else the base
    URL's, from stack config, the environment or a profile), without needing credentials."""
    settings = _found(config, env, profile)
    name = settings.get("deployment", ("", ""))[0]
    base_url, where = settings.get("base_url", (SH_EU, ""))
    return deployment_of(name or None, base_url, where)


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
    api_prefix: str = DEFAULT_API_PREFIX
    timeout_seconds: float = 30.0
    max_attempts: int = 5
    max_retry_after_seconds: float = 60.0
    #: The name of the deployment whose bucket rules apply ("": the base URL's).
    deployment: str = ""
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
        if self.deployment and self.deployment not in DEPLOYMENTS_BY_NAME:
            raise ConfigurationError(
                f"{self.source('deployment')} names no known deployment, got "
                f"{self.deployment[:60]!r}; known: {known_names()}"
            )
        for setting, (_, low, high, unit) in _NUMBERS:
            value = getattr(self, setting.name)
            if not (math.isfinite(value) and low <= value <= high):
                raise ConfigurationError(
                    f"{setting.variable} must be from {low:g} to {high:g} {unit}, got {value:g}"
                )

    @property
    def api_url(self) -> str:
        return self.base_url + self.api_prefix

    def known_deployment(self) -> Deployment:
        """The deployment whose bucket rules apply: the ``deployment`` setting, else the base
        URL's; :class:`ConfigurationError` saying how to name one otherwise."""
        return deployment_of(self.deployment or None, self.base_url, self.source("base_url"))

    def source(self, name: str) -> str:
        """Where setting ``name`` was set, else where it can be set (:func:`source_text`)."""
        return dict(self.origins).get(name) or source_text(name)

    @classmethod
    def resolve(
        cls,
        config: Mapping[str, Any],
        env: Mapping[str, str],
        profile: str | None = None,
        command_line: bool = False,
    ) -> Settings:
        """Settings from stack config (``sentinelhub:*``), falling back to ``SH_*`` variables
        and then to sentinelhub-py's default profile. A chosen profile (``profile``, else
        ``sentinelhub:profile``, else ``SH_PROFILE``) wins over all of them.
        ``command_line``: ``config`` holds the command line's flags (``--base-url``), not
        stack keys; messages name the flags."""
        settings = _found(config, env, profile, command_line)
        values: dict[str, Any] = {name: value for name, (value, _) in settings.items()}
        missing = [name for name in ("client_id", "client_secret") if name not in values]
        if missing:
            ways = "; ".join(BY_NAME[name].ways(command_line) for name in missing)
            profiles = PROFILE.variable
            if not command_line:
                profiles = f"the `profile` input, {PROFILE.key} or {profiles}"
            raise ConfigurationError(
                f"Sentinel Hub credentials are missing: {', '.join(missing)}. Set {ways} (or "
                f"name a sentinelhub-py profile: {profiles})."
            )
        for setting, (kind, low, high, unit) in _NUMBERS:
            raw = values.get(setting.name, "").strip()
            if not raw:
                values.pop(setting.name, None)
                continue
            if not _NUMBER[kind].fullmatch(raw):
                raise ConfigurationError(
                    f"{setting.variable} must be {'a whole' if kind is int else 'a'} number of "
                    f"{unit} from {low:g} to {high:g}, got {values[setting.name][:40]!r}"
                )
            values[setting.name] = kind(raw)
        origins = tuple(sorted((name, where) for name, (_, where) in settings.items()))
        return cls(**values, origins=origins)
