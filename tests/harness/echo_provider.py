"""A trivial dynamic provider and resource, to test the harness itself without the product.

Importable (``harness.echo_provider``), so dill pickles it by reference and the host (run with
``tests/`` on its PYTHONPATH) imports it.

Behaviour, driven by the inputs:

* ``value``: required; ``"bad"`` → a check failure on ``value``; ``"explode"`` → create raises
  a two-line error;
* ``key``: a change forces replacement; ``value``: updates in place; an unknown input →
  DIFF_UNKNOWN;
* outputs: the inputs plus ``greeting`` (config ``echo:greeting``), ``env_sh`` (the host's
  ``SH_CLIENT_ID``), ``seen_secret`` (whether ``value`` reached create still wrapped as a
  secret), ``length``;
* read of an id starting with ``gone`` → gone; delete of ``undeletable`` raises.
"""

from __future__ import annotations

import os
from typing import Any

import pulumi
import pulumi.dynamic as dyn
from pulumi.output import Unknown
from pulumi.runtime import rpc

DELETED: list[str] = []


def _unknown(value: Any) -> bool:
    return isinstance(value, Unknown) or value == rpc.UNKNOWN


class EchoProvider(dyn.ResourceProvider):
    def configure(self, req: dyn.ConfigureRequest) -> None:
        self.greeting = req.config.get("echo:greeting")

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> dyn.CheckResult:
        inputs = {k: v for k, v in news.items() if k != "__provider"}
        inputs.setdefault("key", "k")
        failures = []
        value = rpc.unwrap_rpc_secret(inputs.get("value"))
        if value is None:
            failures.append(dyn.CheckFailure("value", "value is required"))
        elif not _unknown(value) and value == "bad":
            failures.append(dyn.CheckFailure("value", "value must not be 'bad'"))
        return dyn.CheckResult(inputs, failures)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> dyn.DiffResult:
        if any(_unknown(v) for v in news.values()):
            return dyn.DiffResult(changes=None)
        changed = [k for k in ("key", "value") if rpc.unwrap_rpc_secret(olds.get(k)) != news.get(k)]
        replaces = [k for k in changed if k == "key"]
        return dyn.DiffResult(changes=bool(changed), replaces=replaces)

    def _outs(self, props: dict[str, Any]) -> dict[str, Any]:
        value = props.get("value")
        plain = rpc.unwrap_rpc_secret(value)
        return {
            **{k: v for k, v in props.items() if k != "__provider"},
            "greeting": getattr(self, "greeting", None),
            "env_sh": os.environ.get("SH_CLIENT_ID"),
            "seen_secret": rpc.is_rpc_secret(value),
            "length": len(plain) if isinstance(plain, str) else None,
        }

    def create(self, props: dict[str, Any]) -> dyn.CreateResult:
        value = rpc.unwrap_rpc_secret(props["value"])
        if value == "explode":
            raise RuntimeError("echo exploded\nsecond line of the message")
        return dyn.CreateResult(f"echo-{props.get('key', 'k')}-{value}", self._outs(props))

    def read(self, id_: str, props: dict[str, Any]) -> dyn.ReadResult:
        if id_.startswith("gone"):
            return dyn.ReadResult(None, {})
        if not props or set(props) == {"__provider"}:
            props = {"key": "k", "value": id_.rsplit("-", 1)[-1]}
        inputs = {k: props[k] for k in ("key", "value") if k in props}
        return dyn.ReadResult(id_, self._outs(props), inputs)

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> dyn.UpdateResult:
        return dyn.UpdateResult(self._outs(news))

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        if id_ == "undeletable":
            raise ValueError(f"cannot delete {id_}")


class Echo(dyn.Resource):
    """``Echo("e", value="v", key="k")``; outputs as above."""

    greeting: pulumi.Output[str | None]
    length: pulumi.Output[int | None]
    value: pulumi.Output[str]
    key: pulumi.Output[str]

    def __init__(self, name: str, opts: pulumi.ResourceOptions | None = None, **inputs: Any):
        props = {"greeting": None, "length": None, "env_sh": None, "seen_secret": None}
        props.update(inputs)
        super().__init__(EchoProvider(), name, props, opts)
