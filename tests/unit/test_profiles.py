"""Credentials from sentinelhub-py's config.toml profiles, and their place among the sources."""

from __future__ import annotations

import pytest

from pulumi_zarr.api.settings import Settings
from pulumi_zarr.errors import ConfigurationError

CONFIG = """
[default-profile]
sh_client_id = "default-id"
sh_client_secret = "default-secret"

[cdse]
sh_client_id = "cdse-id"
sh_client_secret = "cdse-secret"
sh_base_url = "https://sh.dataspace.copernicus.eu"
sh_token_url = "https://identity.dataspace.copernicus.eu/auth/realms/CDSE/protocol/openid-connect/token"
"""


@pytest.fixture
def env(tmp_path):
    (tmp_path / "sentinelhub").mkdir()
    (tmp_path / "sentinelhub" / "config.toml").write_text(CONFIG)
    return {"XDG_CONFIG_HOME": str(tmp_path)}


def test_the_default_profile_is_the_last_fallback(env):
    assert Settings.resolve({}, env).client_id == "default-id"
    assert Settings.resolve({}, {**env, "SH_CLIENT_ID": "env-id"}).client_id == "env-id"
    config = {"sentinelhub:clientId": "config-id"}
    assert Settings.resolve(config, {**env, "SH_CLIENT_ID": "env-id"}).client_id == "config-id"


@pytest.mark.parametrize(
    ("config", "extra_env", "profile"),
    [
        ({}, {}, "cdse"),
        ({"sentinelhub:profile": "cdse"}, {}, None),
        ({}, {"SH_PROFILE": "cdse"}, None),
    ],
    ids=["resource input", "stack config", "SH_PROFILE"],
)
def test_a_chosen_profile_wins_over_the_single_settings(env, config, extra_env, profile):
    config = {**config, "sentinelhub:clientId": "config-id", "sentinelhub:clientSecret": "x"}
    settings = Settings.resolve(config, {**env, **extra_env}, profile)
    assert (settings.client_id, settings.client_secret) == ("cdse-id", "cdse-secret")
    assert settings.base_url == "https://sh.dataspace.copernicus.eu"
    assert settings.token_url.startswith("https://identity.dataspace.copernicus.eu/")


def test_a_missing_profile_names_the_file_and_the_profiles_there(env, tmp_path):
    with pytest.raises(ConfigurationError) as info:
        Settings.resolve({}, env, "eu")
    message = str(info.value)
    assert "'eu'" in message and str(tmp_path / "sentinelhub" / "config.toml") in message
    assert "profiles: cdse, default-profile" in message
    assert "default-secret" not in message and "cdse-secret" not in message


def test_a_profile_without_a_file_and_a_broken_file_are_clear_errors(tmp_path):
    env = {"XDG_CONFIG_HOME": str(tmp_path)}
    with pytest.raises(ConfigurationError, match=r"'cdse' was asked for, but .* does not exist"):
        Settings.resolve({}, env, "cdse")
    with pytest.raises(ConfigurationError, match="credentials are missing"):
        Settings.resolve({}, env)  # no file, no profile asked: just missing credentials
    (tmp_path / "sentinelhub").mkdir()
    (tmp_path / "sentinelhub" / "config.toml").write_text("[cdse\n")
    with pytest.raises(ConfigurationError, match="cannot read Sentinel Hub profiles from"):
        Settings.resolve({}, env, "cdse")


def test_a_config_toml_that_is_a_folder_is_reported_as_a_folder(tmp_path):
    (tmp_path / "sentinelhub" / "config.toml").mkdir(parents=True)
    with pytest.raises(ConfigurationError, match=r"config\.toml is a folder, not a file: write"):
        Settings.resolve({}, {"XDG_CONFIG_HOME": str(tmp_path)}, "cdse")


def test_the_provider_sees_a_changed_variable_or_profile_file_on_its_next_call(
    env, tmp_path, monkeypatch
):
    from pulumi_zarr.collection.calls import Operations

    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("SH_CLIENT_ID", raising=False)
    ops = Operations({}, lambda message: None)
    assert ops.settings({}).client_id == "default-id"
    assert ops.settings({"profile": "cdse"}).client_id == "cdse-id"
    monkeypatch.setenv("SH_CLIENT_ID", "env-id")
    assert ops.settings({}).client_id == "env-id"
    monkeypatch.delenv("SH_CLIENT_ID")
    (tmp_path / "sentinelhub" / "config.toml").write_text(
        CONFIG.replace('"cdse-id"', '"cdse-id-rotated"')
    )
    assert ops.settings({"profile": "cdse"}).client_id == "cdse-id-rotated"
    assert ops.settings({}).client_id == "default-id"
