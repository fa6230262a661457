import re

import pytest

from pulumi_zarr.api.deployments import CDSE, SH_US_WEST
from pulumi_zarr.api.settings import CDSE_TOKEN_URL, SH_TOKEN_URL, Settings
from pulumi_zarr.errors import ConfigurationError


def test_stack_config_wins_over_environment():
    settings = Settings.resolve(
        {"sentinelhub:clientId": "cfg-id", "sentinelhub:clientSecret": "cfg-secret"},
        {"SH_CLIENT_ID": "env-id", "SH_CLIENT_SECRET": "env-secret"},
    )
    assert (settings.client_id, settings.client_secret) == ("cfg-id", "cfg-secret")


def test_environment_fills_what_config_lacks():
    settings = Settings.resolve(
        {"sentinelhub:clientId": "cfg-id"},
        {
            "SH_CLIENT_SECRET": "env-secret",
            "SH_BASE_URL": "http://127.0.0.1:9/",
            "SH_ZARR_API_PREFIX": "zarr/v1",
        },
    )
    assert settings.client_secret == "env-secret"
    assert settings.base_url == "http://127.0.0.1:9"
    assert settings.token_url == "http://127.0.0.1:9/auth/realms/main/protocol/openid-connect/token"
    assert settings.api_url == "http://127.0.0.1:9/zarr/v1"


@pytest.mark.parametrize(("base", "token"), [(SH_US_WEST, SH_TOKEN_URL), (CDSE, CDSE_TOKEN_URL)])
def test_known_deployments_use_their_token_endpoint(base, token):
    settings = Settings.resolve(
        {"sentinelhub:baseUrl": base}, {"SH_CLIENT_ID": "i", "SH_CLIENT_SECRET": "s"}
    )
    assert settings.token_url == token
    assert settings.api_prefix == "/api/v1/zarr"


def test_missing_credentials_name_both_ways_to_set_them():
    with pytest.raises(ConfigurationError) as info:
        Settings.resolve({}, {})
    message = str(info.value)
    for hint in (
        "sentinelhub:clientId",
        "SH_CLIENT_ID",
        "sentinelhub:clientSecret --secret",
        "SH_CLIENT_SECRET",
    ):
        assert hint in message


def test_secret_is_not_in_repr():
    settings = Settings(client_id="id", client_secret="s3cr3t-value")
    assert "s3cr3t-value" not in repr(settings)


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("sentinelhub:apiPrefix", "/v2/zarr", "must be one of"),
        ("sentinelhub:baseUrl", "ftp://x", "http(s) URL"),
    ],
)
def test_bad_settings_are_refused_clearly(key, value, expected):
    with pytest.raises(ConfigurationError, match=re.escape(expected)):
        Settings.resolve({key: value}, {"SH_CLIENT_ID": "i", "SH_CLIENT_SECRET": "s"})


CREDENTIALS = {"SH_CLIENT_ID": "i", "SH_CLIENT_SECRET": "s"}


def test_tuning_out_of_range_or_not_a_number_names_the_variable():
    for variable, value, says in (
        ("SH_ZARR_TIMEOUT_SECONDS", "abc", "must be a number of seconds from 0.1 to 3600"),
        ("SH_ZARR_TIMEOUT_SECONDS", "nan", "must be a number"),
        ("SH_ZARR_TIMEOUT_SECONDS", "inf", "must be a number"),
        ("SH_ZARR_TIMEOUT_SECONDS", "-1", "must be a number"),
        ("SH_ZARR_TIMEOUT_SECONDS", "1e3", "must be a number"),
        ("SH_ZARR_TIMEOUT_SECONDS", "\u0663", "must be a number"),
        ("SH_ZARR_TIMEOUT_SECONDS", "0", "from 0.1 to 3600 seconds, got 0"),
        ("SH_ZARR_TIMEOUT_SECONDS", "86400", "from 0.1 to 3600 seconds"),
        ("SH_ZARR_MAX_ATTEMPTS", "2.5", "a whole number of attempts from 1 to 20"),
        ("SH_ZARR_MAX_ATTEMPTS", "0", "from 1 to 20 attempts, got 0"),
        ("SH_ZARR_MAX_ATTEMPTS", "1000000", "from 1 to 20 attempts"),
    ):
        with pytest.raises(ConfigurationError, match=re.escape(says)) as info:
            Settings.resolve({}, {**CREDENTIALS, variable: value})
        assert str(info.value).startswith(variable)
    env = {**CREDENTIALS, "SH_ZARR_TIMEOUT_SECONDS": " 2.5 ", "SH_ZARR_MAX_ATTEMPTS": "20"}
    settings = Settings.resolve({}, env)
    assert (settings.timeout_seconds, settings.max_attempts) == (2.5, 20)
