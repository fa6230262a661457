"""A program for the harness self-test: Echo resources driven by config."""

import pulumi
from harness.echo_provider import Echo

config = pulumi.Config()
count = int(config.get("count") or "1")
echoes = [
    Echo(f"echo{i}", value=config.require("value"), key=config.get("key") or "k")
    for i in range(count)
]
pulumi.export("lengths", [e.length for e in echoes])
pulumi.export("greeting", echoes[0].greeting)
pulumi.export("ids", [e.id for e in echoes])
