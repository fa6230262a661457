"""A base URL that urllib.parse and urllib3 read as different hosts, through the real CLI:
`pulumi preview` fails with one line naming the setting, and nothing is sent anywhere."""

from __future__ import annotations

import re

import pytest
from harness.measure import unique
from harness.servers import RawServer

from .conftest import collections_named, spec

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("resource", ["dynamic", "native"])
def test_a_base_url_read_two_ways_fails_preview_and_sends_nothing(
    stack_factory, emu, api, resource
):
    # urllib.parse sees the emulator (127.0.0.1); urllib3, so requests, would connect to
    # 127.0.0.2, where a recorder waits: the secret would be sent there in the token request.
    with RawServer(host="127.0.0.2") as elsewhere:
        hostile = f"http://127.0.0.2:{elsewhere.port}\\@{emu.url.removeprefix('http://')}"
        stack = stack_factory(config={"sentinelhub:baseUrl": hostile}, resource=resource)
        name = unique("hostile")
        stack.collections({"cube": spec(name)})
        shown = stack.preview(ok=False).text
    assert elsewhere.requests == [], f"a request reached 127.0.0.2: {elsewhere.requests[0]!r}"
    diagnostics = shown.split("Diagnostics:", 1)[1]
    [line] = [line for line in diagnostics.splitlines() if "sentinelhub:baseUrl" in line]
    assert re.search(
        r"error: .*sentinelhub:baseUrl holds a backslash, a space or a control character, got "
        r"'http://\*\*\*@127\.0\.0\.1:\d+'; allowed: https://host\[:port\]\[/path\]",
        line,
    ), shown
    assert collections_named(api, name) == []
