"""Play the Pulumi engine against a provider over gRPC: :class:`ProviderHost` starts the SDK's
dynamic provider host (``python -m pulumi.dynamic``, the process the engine starts for dynamic
resources) or the native plugin (:meth:`ProviderHost.native`) and makes the engine's calls with
properties serialized the way the engine does. Plain dicts in, plain dicts out.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import re
import selectors
import subprocess
import sys
import tempfile
import threading
import time
import weakref
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import grpc
from google.protobuf import empty_pb2
from pulumi.dynamic.dynamic import serialize_provider
from pulumi.runtime import rpc
from pulumi.runtime.proto import engine_pb2, engine_pb2_grpc, provider_pb2, provider_pb2_grpc

from ..dynamic.property_bags import PROVIDER_KEY

#: The preview "not known yet" value, as the engine sends it.
UNKNOWN = rpc.UNKNOWN


_DIFF_KINDS = {
    provider_pb2.DiffResponse.DIFF_NONE: "none",
    provider_pb2.DiffResponse.DIFF_SOME: "some",
    provider_pb2.DiffResponse.DIFF_UNKNOWN: "unknown",
}


# -- helpers ----------------------------------------------------------------------------------
def secret(value: Any) -> dict[str, Any]:
    """A secret value as it travels on the wire."""
    return rpc.wrap_rpc_secret(value)


def strip_secrets(value: Any) -> Any:
    """Secrets unwrapped at every depth: what the engine sends a provider without
    ``acceptSecrets``."""
    value = rpc.unwrap_rpc_secret(value)
    if isinstance(value, dict):
        return {k: strip_secrets(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [strip_secrets(v) for v in value]
    return value


def serialize(props: dict[str, Any]) -> Any:
    """``props`` as a protobuf Struct, by the SDK's own serializer.

    On a private event loop: ``asyncio.run`` would unset the thread's current loop, which the
    Pulumi runtime (mocks) relies on.
    """
    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(rpc.serialize_properties(props, {}))
    finally:
        loop.close()


def deserialize(struct: Any) -> dict[str, Any]:
    """A Struct back to a dict, keeping unknowns and (wrapped) secrets."""
    return rpc.deserialize_properties(struct, keep_unknowns=True)


def final_line(details: str) -> str:
    """The last non-empty line of an error text (for a traceback: the exception line)."""
    lines = [line for line in details.strip().splitlines() if line.strip()]
    return lines[-1].strip() if lines else details.strip()


_FRAME = re.compile(r"^\s*File \".*\", line \d+")
_EXC_HEAD = re.compile(r"^(?P<type>[A-Za-z_][\w.]*)(?::\s?(?P<msg>.*))?$")


class ExceptionText(NamedTuple):
    type: str  #: "" when the text is not a traceback
    message: str


class Checked(NamedTuple):
    inputs: dict[str, Any]
    failures: list[tuple[str, str]]  #: (property, reason)


class Created(NamedTuple):
    id: str
    outputs: dict[str, Any]


class ReadResult(NamedTuple):
    id: str  #: "" when the resource is gone
    outputs: dict[str, Any]
    inputs: dict[str, Any] | None  #: None: the provider returned none


def exception_text(details: str) -> ExceptionText:
    """The exception type and full message of the *final* exception of a Python traceback.

    Handles multi-line messages (everything after the last frame's source lines) and
    chained exceptions. A text that is not a traceback is returned whole as the message.
    """
    lines = details.rstrip().splitlines()
    last_frame = max((i for i, line in enumerate(lines) if _FRAME.match(line)), default=None)
    if last_frame is None:
        return ExceptionText("", details.strip())
    i = last_frame + 1
    # source line(s) of the frame and the ~~~^^^ markers are indented under it
    while i < len(lines) and (lines[i].startswith("    ") or not lines[i].strip()):
        i += 1
    tail = lines[i:]
    if not tail:
        return ExceptionText("", final_line(details))
    head = _EXC_HEAD.match(tail[0])
    if not head:
        return ExceptionText("", "\n".join(tail).strip())
    message = "\n".join([head.group("msg") or "", *tail[1:]]).strip()
    return ExceptionText(head.group("type"), message)


class ProviderError(Exception):
    """A provider call failed on the host.

    ``details``: the host's whole error text (the traceback); ``message``: the final
    exception's message; ``exception_type``: e.g. ``pulumi_zarr.errors.ZarrCollectionError``;
    ``line``: the last line, as the CLI shows it last; ``code``: the gRPC status code.
    """

    def __init__(self, method: str, details: str, code: Any = None) -> None:
        self.method = method
        self.details = details
        self.code = code
        self.line = final_line(details)
        self.exception_type, self.message = exception_text(details)
        super().__init__(f"{method}: {self.line}")


@dataclass
class Diff:
    changes: str  # "none" | "some" | "unknown"
    replaces: list[str] = field(default_factory=list)
    delete_before_replace: bool = False
    stables: list[str] = field(default_factory=list)
    diffs: list[str] = field(default_factory=list)


def decoded_provider(serialized: str) -> bytes:
    """The dill pickle inside a serialized ``__provider`` string."""
    return base64.b64decode(serialized)


def default_provider() -> str:
    """``__provider`` exactly as a program using ZarrCollection stores it."""
    from pulumi_zarr import ZarrCollectionProvider

    return serialize_provider(ZarrCollectionProvider())


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# -- the host ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class LogLine:
    """One ``Log`` call a plugin made to the engine."""

    severity: str  # "DEBUG", "INFO", "WARNING", "ERROR"
    message: str
    urn: str
    ephemeral: bool


class EngineLogRecorder(engine_pb2_grpc.EngineServicer):  # type: ignore[misc]
    """The engine's ``Log`` service on 127.0.0.1, keeping every line sent to it."""

    def __init__(self) -> None:
        self.lines: list[LogLine] = []
        self._lock = threading.Lock()
        self._server: Any = None
        self.address = ""

    def Log(self, request: Any, context: Any) -> empty_pb2.Empty:
        line = LogLine(
            engine_pb2.LogSeverity.Name(request.severity),
            request.message,
            request.urn,
            request.ephemeral,
        )
        with self._lock:
            self.lines.append(line)
        return empty_pb2.Empty()

    def start(self) -> str:
        self._server = grpc.server(ThreadPoolExecutor(max_workers=4))
        engine_pb2_grpc.add_EngineServicer_to_server(self, self._server)
        port = self._server.add_insecure_port("127.0.0.1:0")
        self._server.start()
        self.address = f"127.0.0.1:{port}"
        return self.address

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop(grace=None)
            self._server = None


class ProviderHost:
    """The SDK's dynamic provider host in a child process, driven like the engine does.

    ``provider``: a ``ResourceProvider`` instance or an already serialized string (default:
    a ``ZarrCollectionProvider``). ``env``: extra environment for the child; ``SH_*``
    variables of the test process are *not* inherited unless ``inherit_sh_env``. The child
    imports what this process can (its ``sys.path`` becomes the child's ``PYTHONPATH``), as a
    program's provider classes must be importable by the host the engine starts.

    The calls are made as the engine makes them:

    * every resource call carries ``__provider`` (the dill/base64 string the program stored;
      by default ``serialize_provider(ZarrCollectionProvider())``); it is added to what is
      sent and removed from what is returned (it is always the string sent);
    * ``Configure`` gets the stack config keyed ``namespace:key``; secret values may be passed
      wrapped (:func:`secret`) and stay wrapped on the wire (the engine marshals config with
      ``KeepSecrets``; the host unwraps them);
    * for the resource calls the engine keeps secrets only if the provider's ConfigureResponse
      said ``acceptSecrets``. The dynamic host says False, so by default (``secrets="engine"``)
      wrapped secrets are sent as plain values, as the CLI does. ``secrets="keep"`` sends them
      wrapped (``{SIG: SECRET_SIG, "value": v}``) regardless, to check the provider copes;
    * preview unknowns: pass :data:`UNKNOWN` (or ``pulumi.output.Unknown()``); the wire carries
      the ``rpc.UNKNOWN`` sentinel. Responses are deserialized keeping unknowns
      (``pulumi.output.Unknown`` instances) and secrets (wrapped dicts), as the engine would.

    Failed calls raise :class:`ProviderError` with the host's error text (a traceback whose
    tail is the exception line).

    :meth:`native` drives the native plugin (``pulumi-resource-sentinelhub``) the same way: no
    ``__provider``; Configure's arguments keyed by variable name (``clientId``), as the engine
    sends a native provider its inputs; resource calls carry a real URN (the plugin reads the
    type from it) and, since the plugin accepts secrets, keep them wrapped. The plugin is
    started with the address of an :class:`EngineLogRecorder`, the engine's ``Log`` service,
    which keeps every line the plugin logs (``host.engine.lines``).
    """

    def __init__(
        self,
        provider: Any = None,
        *,
        project: str = "zarr-test",
        env: dict[str, str] | None = None,
        inherit_sh_env: bool = False,
        secrets: str = "engine",
        call_timeout: float = 120.0,
        start_timeout: float = 30.0,
        cwd: Path | str | None = None,
        command: list[str] | None = None,
        urn: str = "urn",
        namespaced_args: bool = True,
        engine: EngineLogRecorder | None = None,
    ) -> None:
        if secrets not in ("engine", "keep"):
            raise ValueError("secrets must be 'engine' or 'keep'")
        if provider is None:
            provider = default_provider()
        # provider="" : no default; every call must carry its own __provider (programs)
        self.provider: str = provider if isinstance(provider, str) else serialize_provider(provider)
        base = {k: v for k, v in os.environ.items() if inherit_sh_env or not k.startswith("SH_")}
        pythonpath = list(dict.fromkeys(p for p in sys.path if p and Path(p).is_dir()))
        self.env = {
            **base,
            "PULUMI_PROJECT": project,
            "PYTHONPATH": os.pathsep.join(pythonpath),
            **(env or {}),
        }
        self.project = project
        self.secrets = secrets
        self.call_timeout = call_timeout
        self.start_timeout = start_timeout
        self.cwd = str(cwd or Path.cwd())
        #: what runs: the SDK's dynamic provider host unless told otherwise
        self.command = command or [sys.executable, "-u", "-m", "pulumi.dynamic"]
        #: the URN of resource calls that name none
        self.urn = urn
        #: Configure's arguments keyed ``namespace:key`` (dynamic host) or ``key`` (a native
        #: provider's inputs)
        self.namespaced_args = namespaced_args
        #: the engine's Log service the process is started with (its address is appended to
        #: the command); None: none
        self.engine = engine
        self.accept_secrets = False
        self.calls: list[str] = []
        self.process: subprocess.Popen[bytes] | None = None
        self._stderr: Any = None
        self._channel: grpc.Channel | None = None
        self._stub: Any = None
        self._finalizer: Any = None

    # -- process lifetime ---------------------------------------------------------------------
    def __enter__(self) -> ProviderHost:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def start(self) -> None:
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115 (closed in close())
        command = [*self.command, self.engine.start()] if self.engine else self.command
        self.process = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            stdin=subprocess.DEVNULL,
            env=self.env,
            cwd=self.cwd,
        )
        self._finalizer = weakref.finalize(self, _stop, self.process)
        try:
            port = self._read_port()
        except BaseException:
            self.close()
            raise
        self.port = port
        self._channel = grpc.insecure_channel(f"127.0.0.1:{port}")
        grpc.channel_ready_future(self._channel).result(timeout=self.start_timeout)
        self._stub = provider_pb2_grpc.ResourceProviderStub(self._channel)

    def _read_port(self) -> int:
        assert self.process is not None and self.process.stdout is not None
        deadline = time.monotonic() + self.start_timeout
        buffer = b""
        with selectors.DefaultSelector() as selector:
            selector.register(self.process.stdout, selectors.EVENT_READ)
            while b"\n" not in buffer:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise RuntimeError(
                        f"the provider host printed no port within {self.start_timeout} s; "
                        f"stderr:\n{self.stderr_text()}"
                    )
                if not selector.select(timeout=left):
                    continue
                chunk = os.read(self.process.stdout.fileno(), 4096)
                if not chunk:
                    self.process.wait(timeout=5)
                    raise RuntimeError(
                        f"the provider host exited ({self.process.returncode}) before printing "
                        f"its port; stderr:\n{self.stderr_text()}"
                    )
                buffer += chunk
        line = buffer.split(b"\n", 1)[0].strip()
        if not line.isdigit():
            raise RuntimeError(f"the provider host printed {line!r} instead of a port")
        return int(line)

    def stderr_text(self) -> str:
        """Everything the host wrote to stderr so far."""
        if self._stderr is None:
            return ""
        self._stderr.flush()
        self._stderr.seek(0)
        return self._stderr.read().decode(errors="replace")

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def close(self) -> None:
        if self._channel is not None:
            self._channel.close()
            self._channel = None
        if self.process is not None:
            _stop(self.process)
            if self.process.stdout is not None:
                self.process.stdout.close()
            if self._finalizer is not None:
                self._finalizer.detach()
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None
        if self.engine is not None:
            self.engine.stop()

    # -- wire helpers -------------------------------------------------------------------------
    def _call(self, method: str, request: Any) -> Any:
        if self._stub is None:
            raise RuntimeError("the provider host is not running (use it as a context manager)")
        self.calls.append(method)
        try:
            return getattr(self._stub, method)(request, timeout=self.call_timeout)
        except grpc.RpcError as exc:
            code = exc.code() if hasattr(exc, "code") else None
            raise ProviderError(method, exc.details() or str(exc), code) from None

    def _props(self, props: dict[str, Any], *, with_provider: bool = True) -> Any:
        """Resource properties as the engine sends them."""
        sent = dict(props)
        if with_provider and self.provider:
            sent.setdefault(PROVIDER_KEY, self.provider)
        if not (self.accept_secrets or self.secrets == "keep"):
            sent = strip_secrets(sent)
        return serialize(sent)

    @staticmethod
    def _result(struct: Any) -> dict[str, Any]:
        props = deserialize(struct)
        props.pop(PROVIDER_KEY, None)
        return props

    # -- the engine's calls -------------------------------------------------------------------
    def configure(self, config: dict[str, Any]) -> bool:
        """Configure with the stack config (``{"sentinelhub:clientId": ...}``); secrets may be
        wrapped with :func:`secret`. Returns the host's ``acceptSecrets``."""
        variables = {}
        for key, value in config.items():
            namespace, _, name = key.partition(":")
            variables[f"{namespace}:config:{name}"] = str(rpc.unwrap_rpc_secret(value))
        args = {k if self.namespaced_args else k.partition(":")[2]: v for k, v in config.items()}
        response = self._call(
            "Configure",
            provider_pb2.ConfigureRequest(
                variables=variables, args=serialize(args), acceptSecrets=True
            ),
        )
        self.accept_secrets = bool(response.acceptSecrets)
        return self.accept_secrets

    def check(
        self, olds: dict[str, Any], news: dict[str, Any], *, urn: str | None = None
    ) -> Checked:
        """Check(olds = old inputs or {}, news = the program's inputs) → (inputs, failures)."""
        response = self._call(
            "Check",
            provider_pb2.CheckRequest(
                urn=urn or self.urn,
                olds=self._props(olds) if olds else serialize({}),
                news=self._props(news),
            ),
        )
        failures = [(f.property, f.reason) for f in response.failures]
        return Checked(self._result(response.inputs), failures)

    def diff(
        self, id_: str, olds: dict[str, Any], news: dict[str, Any], *, urn: str | None = None
    ) -> Diff:
        """Diff(id, olds = old *outputs*, news = checked inputs)."""
        response = self._call(
            "Diff",
            provider_pb2.DiffRequest(
                id=id_, urn=urn or self.urn, olds=self._props(olds), news=self._props(news)
            ),
        )
        return Diff(
            _DIFF_KINDS[response.changes],
            list(response.replaces),
            bool(response.deleteBeforeReplace),
            list(response.stables),
            list(response.diffs),
        )

    def create(
        self,
        props: dict[str, Any],
        *,
        urn: str | None = None,
        preview: bool = False,
        timeout: float = 0,
    ) -> Created:
        """Create(checked inputs) → (id, outputs); ``timeout``: the resource's
        ``customTimeouts.create`` in seconds (0: none set)."""
        request = provider_pb2.CreateRequest(
            urn=urn or self.urn, properties=self._props(props), preview=preview, timeout=timeout
        )
        response = self._call("Create", request)
        return Created(response.id, self._result(response.properties))

    def read(
        self,
        id_: str,
        props: dict[str, Any],
        inputs: dict[str, Any] | None = None,
        *,
        urn: str | None = None,
    ) -> ReadResult:
        """Read(id, properties = old outputs, or {} for import/get; inputs) →
        (id or "" when gone, outputs, inputs the provider returned or None).

        ``inputs`` None leaves the field unset, as the engine's import Read does.
        """
        request = provider_pb2.ReadRequest(
            id=id_,
            urn=urn or self.urn,
            properties=self._props(props) if props else serialize({}),
        )
        if inputs is not None:
            request.inputs.CopyFrom(self._props(inputs))
        response = self._call("Read", request)
        new_inputs = self._result(response.inputs) if response.HasField("inputs") else None
        return ReadResult(response.id, self._result(response.properties), new_inputs)

    def update(
        self,
        id_: str,
        olds: dict[str, Any],
        news: dict[str, Any],
        *,
        urn: str | None = None,
        old_inputs: dict[str, Any] | None = None,
        preview: bool = False,
        timeout: float = 0,
    ) -> dict[str, Any]:
        """Update(id, olds = old outputs, news = checked inputs) → outputs; ``timeout``: the
        resource's ``customTimeouts.update`` in seconds (0: none set)."""
        request = provider_pb2.UpdateRequest(
            id=id_,
            urn=urn or self.urn,
            olds=self._props(olds),
            news=self._props(news),
            preview=preview,
            timeout=timeout,
        )
        if old_inputs is not None:
            request.old_inputs.CopyFrom(self._props(old_inputs))
        response = self._call("Update", request)
        return self._result(response.properties)

    def delete(self, id_: str, props: dict[str, Any], *, urn: str | None = None) -> None:
        """Delete(id, properties = outputs)."""
        request = provider_pb2.DeleteRequest(
            id=id_, urn=urn or self.urn, properties=self._props(props)
        )
        self._call("Delete", request)

    def invoke(
        self, token: str, args: dict[str, Any]
    ) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        """Invoke(function token, arguments) → (result, failures as (property, reason))."""
        request = provider_pb2.InvokeRequest(tok=token, args=serialize(args))
        response = self._call("Invoke", request)
        failures = [(f.property, f.reason) for f in response.failures]
        return deserialize(getattr(response, "return")), failures

    def get_schema(self) -> dict[str, Any]:
        """GetSchema → the package schema."""
        response = self._call("GetSchema", provider_pb2.GetSchemaRequest(version=0))
        return json.loads(response.schema)

    def plugin_info(self) -> str:
        """GetPluginInfo → the plugin's version."""
        return self._call("GetPluginInfo", empty_pb2.Empty()).version

    def cancel(self) -> None:
        """Cancel (the engine's signal to stop, e.g. on Ctrl-C)."""
        self._call("Cancel", empty_pb2.Empty())

    @classmethod
    def native(cls, **options: Any) -> ProviderHost:
        """The native plugin (``python -m pulumi_zarr.native``, what the console script
        ``pulumi-resource-sentinelhub`` runs) instead of the dynamic provider host."""
        from ..native.names import TOKEN

        defaults: dict[str, Any] = {
            "command": [sys.executable, "-m", "pulumi_zarr.native"],
            "engine": EngineLogRecorder(),
            "urn": f"urn:pulumi:test::{options.get('project', 'zarr-test')}::{TOKEN}::cube",
            "namespaced_args": False,
        }
        return cls("", **{**defaults, **options})
