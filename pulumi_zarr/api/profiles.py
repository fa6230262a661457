"""Credentials kept in sentinelhub-py's configuration file: profiles of ``config.toml``.

The file is ``$XDG_CONFIG_HOME/sentinelhub/config.toml`` (default ``~/.config/…``), one table
per profile (``[default-profile]``, ``[cdse]``, …) with ``sh_client_id``,
``sh_client_secret``, ``sh_base_url`` and ``sh_token_url``, as sentinelhub-py writes it. Read
with tomllib; sentinelhub-py itself is not needed.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path

from ..errors import ConfigurationError
from .config import SETTINGS

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

DEFAULT_PROFILE = "default-profile"
#: config.toml key -> setting name
PROFILE_KEYS = {s.profile_key: s.name for s in SETTINGS if s.profile_key}


def config_location(env: Mapping[str, str]) -> Path:
    """Where sentinelhub-py keeps its configuration."""
    folder = env.get("XDG_CONFIG_HOME") or os.path.expanduser("~/.config")
    return Path(folder) / "sentinelhub" / "config.toml"


def profile_settings(name: str | None, env: Mapping[str, str]) -> dict[str, tuple[str, str]]:
    """The settings profile ``name`` holds: setting -> (value, where, as messages name it).
    ``None`` asks for the default profile, which may be absent (then ``{}``); a named profile
    that is not there is an error."""
    path = config_location(env)
    if not path.is_file():
        if name is None:
            return {}
        state = "is a folder, not a file" if path.is_dir() else "does not exist"
        raise ConfigurationError(
            f"Sentinel Hub profile {name!r} was asked for, but {path} {state}: write it "
            "with sentinelhub-py (`sentinelhub.config --profile …`) or drop the profile"
        )
    try:
        tables = tomllib.loads(path.read_text())
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigurationError(f"cannot read Sentinel Hub profiles from {path}: {exc}") from None
    profile = name or DEFAULT_PROFILE
    table = tables.get(profile)
    if not isinstance(table, dict):
        if name is None:
            return {}
        known = ", ".join(sorted(k for k, v in tables.items() if isinstance(v, dict))) or "none"
        raise ConfigurationError(
            f"there is no Sentinel Hub profile {name!r} in {path} (profiles: {known})"
        )
    return {
        setting: (str(table[key]), f"{key} of profile [{profile}] in {path}")
        for key, setting in PROFILE_KEYS.items()
        if table.get(key)
    }
