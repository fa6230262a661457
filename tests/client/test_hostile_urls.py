"""Base and token URLs that URL parsers read differently, that hold a password or that are
malformed: refused before any request, naming the setting they came from (stack config,
environment or a sentinelhub-py profile), never showing the password. A recording proxy
stands in for every host, so a request that leaves anyway is caught."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from harness.servers import RawServer

from pulumi_zarr.collection.calls import Operations
from pulumi_zarr.errors import AuthError, ConfigurationError

SECRET = "PLANTED-hostile-url-s3cr3t-41c9"
PASSWORD = "pw-9f3e1a77"
PROFILE = "hostile"

HOSTILE = {
    # urllib.parse: host 127.0.0.1 (so "loopback"); urllib3 connects to sh.attacker.example
    "backslash": "http://sh.attacker.example\\@127.0.0.1",
    "userinfo": f"http://user:{PASSWORD}@127.0.0.1:9",
    "userinfo https": f"https://user:{PASSWORD}@services.sentinel-hub.com",
    "bad ipv6": "http://[::1",
    "control char": "http://127.0.0.1:9\n/x",
    "plain http elsewhere": "http://sh.attacker.example",
}

#: setting -> (stack config key, variable, config.toml key)
SETTINGS = {
    "base_url": ("sentinelhub:baseUrl", "SH_BASE_URL", "sh_base_url"),
    "token_url": ("sentinelhub:tokenUrl", "SH_TOKEN_URL", "sh_token_url"),
}


@pytest.fixture
def proxy(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[RawServer]:
    """The proxy of every request of this process (it records them, answers ``{}``); no
    ``SH_*`` variable inherited."""
    with RawServer() as server:
        for var in ("no_proxy", "NO_PROXY", "SH_PROFILE", "SH_CLIENT_ID", "SH_CLIENT_SECRET"):
            monkeypatch.delenv(var, raising=False)
        for _, var, _ in SETTINGS.values():
            monkeypatch.delenv(var, raising=False)
        for var in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY"):
            monkeypatch.setenv(var, server.url)
        monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
        yield server


def write_profile(home: Path, **keys: str) -> Path:
    path = home / "sentinelhub" / "config.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    body = "".join(f"{key} = {value!r}\n" for key, value in keys.items())
    path.write_text(f"[{PROFILE}]\n{body}".replace("'", '"'))
    return path


def refusal(config: dict[str, Any], props: dict[str, Any], proxy: RawServer) -> str:
    """The message of the error the provider's first step (settings, then a token) raises;
    fails if any request left."""
    try:
        Operations(config, warn=print).client(props).authenticate()
    except Exception as exc:
        error: Exception = exc
    else:
        pytest.fail("the URL was accepted")
    assert proxy.requests == [], f"a request left: {proxy.requests[0][:400]!r}"
    assert isinstance(error, ConfigurationError), repr(error)
    return str(error)


@pytest.mark.parametrize("form", sorted(HOSTILE))
@pytest.mark.parametrize("source", ["stack config", "environment", "profile"])
@pytest.mark.parametrize("setting", sorted(SETTINGS))
def test_a_hostile_url_is_refused_naming_its_source_and_nothing_is_sent(
    proxy, monkeypatch, tmp_path, setting, source, form
):
    key, var, toml_key = SETTINGS[setting]
    url = HOSTILE[form]
    others = {"sentinelhub:baseUrl": "http://127.0.0.1:9"} if setting == "token_url" else {}
    config = {"sentinelhub:clientId": "id", "sentinelhub:clientSecret": SECRET, **others}
    props: dict[str, Any] = {}
    if source == "stack config":
        config[key], where = url, key
    elif source == "environment":
        monkeypatch.setenv(var, url)
        where = var
    else:
        path = write_profile(tmp_path, **{toml_key: url})
        props, where = {"profile": PROFILE}, f"{toml_key} of profile [{PROFILE}] in {path}"
    message = refusal(config, props, proxy)
    assert message.startswith(f"{where} "), message
    assert "allowed: https://host[:port][/path]" in message
    assert PASSWORD not in message and SECRET not in message
    assert "\n" not in message


def test_a_wrong_secret_from_a_profile_names_the_profile(emulator, proxy, monkeypatch, tmp_path):
    monkeypatch.setenv("no_proxy", "127.0.0.1")  # the emulator is reached directly
    write_profile(tmp_path, sh_client_id="local", sh_client_secret=SECRET, sh_base_url=emulator.url)
    with pytest.raises(AuthError) as info:
        Operations({}, warn=print).client({"profile": PROFILE}).authenticate()
    message = str(info.value)
    # (the path's words may be masked: other tests register secrets such as "wrong")
    where = f"sh_client_secret of profile [{PROFILE}] in /"
    assert where in message and message.endswith("/sentinelhub/config.toml)."), message
    assert "sentinelhub:clientSecret" not in message and SECRET not in message
