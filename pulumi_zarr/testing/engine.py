"""Play the Pulumi engine against the SDK's dynamic provider host, over gRPC.

``python -m pulumi.dynamic`` is the process the engine starts for dynamic resources. This
starts it, and makes the engine's calls with properties serialized as the engine does:
secrets are stripped before they reach the host (it announces ``acceptSecrets=False``),
preview unknowns are the ``rpc.UNKNOWN`` sentinel.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from dataclasses import dataclass, field
from typing import Any

import grpc
from pulumi.dynamic import ResourceProvider
from pulumi.dynamic.dynamic import serialize_provider
from pulumi.runtime import rpc
from pulumi.runtime.proto import provider_pb2, provider_pb2_grpc

PROVIDER_KEY = "__provider"
RESOURCE_TYPE = "pulumi-python:dynamic/sentinelhub:ZarrCollection"

_DIFF_KINDS = {
    provider_pb2.DiffResponse.DIFF_NONE: "none",
    provider_pb2.DiffResponse.DIFF_SOME: "some",
    provider_pb2.DiffResponse.DIFF_UNKNOWN: "unknown",
}


class ProviderError(Exception):
    """A provider call failed; ``message`` is the exception line the CLI would show last."""

    def __init__(self, details: str) -> None:
        self.details = details
        lines = [line for line in details.strip().splitlines() if line.strip()]
        self.message = lines[-1] if lines else details
        super().__init__(self.message)


@dataclass
class Diff:
    changes: str
    replaces: list[str] = field(default_factory=list)
    delete_before_replace: bool = False


def serialize(props: dict[str, Any]) -> Any:
    return asyncio.run(rpc.serialize_properties(props, {}))


def deserialize(struct: Any) -> dict[str, Any]:
    return rpc.deserialize_properties(struct, keep_unknowns=True)


def _strip_secrets(value: Any) -> Any:
    """What the engine sends a provider that does not accept secrets: plain values."""
    value = rpc.unwrap_rpc_secret(value)
    if isinstance(value, dict):
        return {k: _strip_secrets(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_strip_secrets(v) for v in value]
    return value


def serialized_provider(provider: ResourceProvider | None = None) -> str:
    """``__provider`` as a program stores it."""
    if provider is None:
        from pulumi_zarr.provider import ZarrCollectionProvider

        provider = ZarrCollectionProvider()
    return serialize_provider(provider)


class ProviderHost:
    """The dynamic provider host as a context manager, with the engine's calls as methods."""

    def __init__(
        self,
        *,
        env: dict[str, str] | None = None,
        project: str = "project",
        provider: str | None = None,
        inherit_sh_env: bool = False,
    ) -> None:
        base = {k: v for k, v in os.environ.items() if inherit_sh_env or not k.startswith("SH_")}
        self._env = {**base, "PULUMI_PROJECT": project, **(env or {})}
        self.provider = provider or serialized_provider()
        self._process: subprocess.Popen[bytes] | None = None
        self._channel: grpc.Channel | None = None
        self._stub: Any = None

    def __enter__(self) -> ProviderHost:
        self._process = subprocess.Popen(
            [sys.executable, "-u", "-m", "pulumi.dynamic"],
            stdout=subprocess.PIPE,
            env=self._env,
        )
        assert self._process.stdout is not None
        line = self._process.stdout.readline()
        if not line.strip().isdigit():
            self.close()
            raise RuntimeError(f"the provider host did not start (printed {line!r})")
        self._channel = grpc.insecure_channel(f"127.0.0.1:{int(line)}")
        self._stub = provider_pb2_grpc.ResourceProviderStub(self._channel)
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._channel is not None:
            self._channel.close()
            self._channel = None
        if self._process is not None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
            if self._process.stdout is not None:
                self._process.stdout.close()
            self._process = None

    def _call(self, method: str, request: Any) -> Any:
        try:
            return getattr(self._stub, method)(request)
        except grpc.RpcError as exc:
            raise ProviderError(exc.details() or str(exc)) from None

    def _with_provider(self, props: dict[str, Any]) -> Any:
        return serialize({**_strip_secrets(props), PROVIDER_KEY: self.provider})

    # -- the engine's calls ----------------------------------------------------------------
    def configure(self, config: dict[str, Any]) -> None:
        self._call(
            "Configure", provider_pb2.ConfigureRequest(args=serialize(_strip_secrets(config)))
        )

    def check(
        self, olds: dict[str, Any], news: dict[str, Any], urn: str = "urn"
    ) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        olds_struct = self._with_provider(olds) if olds else serialize({})
        response = self._call(
            "Check",
            provider_pb2.CheckRequest(urn=urn, olds=olds_struct, news=self._with_provider(news)),
        )
        inputs = deserialize(response.inputs)
        inputs.pop(PROVIDER_KEY, None)
        return inputs, [(f.property, f.reason) for f in response.failures]

    def diff(self, id_: str, olds: dict[str, Any], news: dict[str, Any], urn: str = "urn") -> Diff:
        response = self._call(
            "Diff",
            provider_pb2.DiffRequest(
                id=id_, urn=urn, olds=self._with_provider(olds), news=self._with_provider(news)
            ),
        )
        return Diff(
            _DIFF_KINDS[response.changes], list(response.replaces), response.deleteBeforeReplace
        )

    def create(self, props: dict[str, Any], urn: str = "urn") -> tuple[str, dict[str, Any]]:
        response = self._call(
            "Create", provider_pb2.CreateRequest(urn=urn, properties=self._with_provider(props))
        )
        outs = deserialize(response.properties)
        outs.pop(PROVIDER_KEY, None)
        return response.id, outs

    def read(
        self,
        id_: str,
        props: dict[str, Any],
        inputs: dict[str, Any] | None = None,
        urn: str = "urn",
    ) -> tuple[str, dict[str, Any], dict[str, Any] | None]:
        request = provider_pb2.ReadRequest(
            id=id_,
            urn=urn,
            properties=self._with_provider(props) if props else serialize({}),
            inputs=self._with_provider(inputs) if inputs is not None else serialize({}),
        )
        response = self._call("Read", request)
        outs = deserialize(response.properties)
        outs.pop(PROVIDER_KEY, None)
        new_inputs = deserialize(response.inputs) if response.HasField("inputs") else None
        if new_inputs is not None:
            new_inputs.pop(PROVIDER_KEY, None)
        return response.id, outs, new_inputs

    def update(
        self, id_: str, olds: dict[str, Any], news: dict[str, Any], urn: str = "urn"
    ) -> dict[str, Any]:
        response = self._call(
            "Update",
            provider_pb2.UpdateRequest(
                id=id_, urn=urn, olds=self._with_provider(olds), news=self._with_provider(news)
            ),
        )
        outs = deserialize(response.properties)
        outs.pop(PROVIDER_KEY, None)
        return outs

    def delete(self, id_: str, props: dict[str, Any], urn: str = "urn") -> None:
        self._call(
            "Delete",
            provider_pb2.DeleteRequest(id=id_, urn=urn, properties=self._with_provider(props)),
        )
