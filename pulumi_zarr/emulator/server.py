"""Run the emulator: in a background thread (:class:`Emulator`) or as a subprocess
(:class:`EmulatorProcess`)."""

from __future__ import annotations

import logging
import os
import queue
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import uvicorn

from ..api.endpoints import TOKEN_PATH
from .app import EmulatorApp
from .config import DEFAULT_CLIENTS, Config, ServerOptions
from .control import Control, RemoteControl

LISTENING = "pulumi-zarr emulator listening on "
#: The line ``--s3`` prints once moto's server listens, before :data:`LISTENING`'s.
S3_LISTENING = "pulumi-zarr emulator: S3 (moto's server) listening on "


class _RedactQuery(logging.Filter):
    """Access logs: drop query strings (they could carry tokens in misuse cases)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and len(record.args) >= 3:
            args = list(record.args)
            if isinstance(args[2], str) and "?" in args[2]:
                args[2] = args[2].split("?", 1)[0] + "?…"
            record.args = tuple(args)
        return True


def bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket on ``host:port`` (port 0: any free port)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP explicitly: asyncio only sets TCP_NODELAY on sockets that say TCP
    # (without it every response waits ~40 ms on delayed ACKs)
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def uvicorn_config(app: EmulatorApp, *, access_log: bool, log_level: str = "warning") -> Any:
    logging.getLogger("uvicorn.access").addFilter(_RedactQuery())
    return uvicorn.Config(
        app,
        log_level=log_level,
        access_log=access_log,
        lifespan="on",
        timeout_graceful_shutdown=2,
        server_header=False,
    )


class Emulator:
    """The emulator serving in a thread of this process; use as a context manager."""

    def __init__(
        self,
        buckets_dir: str | Path | None = None,
        *,
        clients: dict[str, str] | None = None,
        s3_endpoint: str | None = None,
        ingest_delay: float = Config.ingest_delay,
        state_path: str | Path | None = None,
        token_ttl: float = Config.token_ttl,
        host: str = ServerOptions.host,
        port: int = 0,
        deployment: str = Config.deployment,
    ) -> None:
        self.config = Config(
            buckets_dir=buckets_dir,
            s3_endpoint=s3_endpoint,
            clients=dict(clients or DEFAULT_CLIENTS),
            ingest_delay=ingest_delay,
            state_path=state_path,
            token_ttl=token_ttl,
            deployment=deployment,
        )
        self.host, self.port = host, port
        self.app: EmulatorApp | None = None
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._sock: socket.socket | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def token_url(self) -> str:
        return self.url + TOKEN_PATH

    @property
    def control(self) -> Control:
        assert self.app is not None, "the emulator is not running"
        return self.app.control

    def start(self) -> Emulator:
        self.app = EmulatorApp(self.config)
        self._sock = bind(self.host, self.port)
        self.port = self._sock.getsockname()[1]
        self._server = uvicorn.Server(uvicorn_config(self.app, access_log=False))
        self._thread = threading.Thread(
            target=self._server.run,
            kwargs={"sockets": [self._sock]},
            name=f"zarr-emulator-{self.port}",
            daemon=True,
        )
        self._thread.start()
        deadline = time.monotonic() + 15
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("the emulator did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=15)
        if self._sock is not None:
            self._sock.close()
        self._server = self._thread = self._sock = None

    def __enter__(self) -> Emulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class EmulatorProcess:
    """``python -m pulumi_zarr.emulator … --port 0`` as a subprocess; use as a context manager.

    ``.control`` is a :class:`RemoteControl`. The child's stderr goes to ``.log_path``;
    ``.output()`` has everything it printed.
    """

    def __init__(
        self,
        buckets_dir: str | Path | None = None,
        *,
        clients: dict[str, str] | None = None,
        s3_endpoint: str | None = None,
        ingest_delay: float | None = None,
        state_path: str | Path | None = None,
        token_ttl: float | None = None,
        extra_args: list[str] | None = None,
        env: dict[str, str] | None = None,
        startup_timeout: float = 30.0,
    ) -> None:
        args = ["--host", ServerOptions.host, "--port", "0"]
        if buckets_dir is not None:
            args += ["--buckets", str(buckets_dir)]
        for client_id, secret in (clients or {}).items():
            args += ["--client", f"{client_id}:{secret}"]
        if s3_endpoint:
            args += ["--s3-endpoint", s3_endpoint]
        if ingest_delay is not None:
            args += ["--ingest-delay", str(ingest_delay)]
        if state_path is not None:
            args += ["--state", str(state_path)]
        if token_ttl is not None:
            args += ["--token-ttl", str(token_ttl)]
        self.argv = [sys.executable, "-m", "pulumi_zarr.emulator", *args, *(extra_args or [])]
        self.env = env
        self.startup_timeout = startup_timeout
        self.url = ""
        #: moto's S3 server, with ``--s3`` in ``extra_args``
        self.s3_url = ""
        self.process: subprocess.Popen[str] | None = None
        self.stdout_lines: list[str] = []
        self._pump: threading.Thread | None = None
        self._control: RemoteControl | None = None
        self._log = tempfile.NamedTemporaryFile(  # noqa: SIM115 (open for the child's life)
            prefix="zarr-emulator-", suffix=".log", delete=False
        )
        self.log_path = Path(self._log.name)

    @property
    def token_url(self) -> str:
        return self.url + TOKEN_PATH

    def output(self) -> str:
        """What the child printed so far: stdout (incl. access logs), then stderr."""
        return "".join(self.stdout_lines) + self.log_path.read_text()

    @property
    def control(self) -> RemoteControl:
        if self._control is None:
            self._control = RemoteControl(self.url)
        return self._control

    def start(self) -> EmulatorProcess:
        env = {**os.environ, **(self.env or {}), "PYTHONUNBUFFERED": "1"}
        self.process = subprocess.Popen(
            self.argv, stdout=subprocess.PIPE, stderr=self._log, text=True, env=env
        )
        lines: queue.Queue[str] = queue.Queue()
        stdout = self.process.stdout
        assert stdout is not None

        def pump() -> None:
            for line in stdout:
                self.stdout_lines.append(line)
                lines.put(line)

        self._pump = threading.Thread(target=pump, daemon=True, name="zarr-emulator-stdout")
        self._pump.start()
        deadline = time.monotonic() + self.startup_timeout
        while True:
            try:
                line = lines.get(timeout=0.1)
            except queue.Empty:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(
                        f"the emulator did not start; log: {self.log_path.read_text()[-2000:]}"
                    ) from None
                continue
            if line.startswith(S3_LISTENING):
                self.s3_url = line[len(S3_LISTENING) :].strip()
            if line.startswith(LISTENING):
                self.url = line[len(LISTENING) :].strip()
                return self

    def stop(self) -> None:
        if self._control is not None:
            self._control.close()
            self._control = None
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        if self._pump is not None:
            self._pump.join(timeout=5)
        if self.process is not None and self.process.stdout is not None:
            self.process.stdout.close()
        self._log.close()

    def __enter__(self) -> EmulatorProcess:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
