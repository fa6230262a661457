"""A small misbehaving HTTP server on 127.0.0.1 (or another loopback address), for what the
emulator's faults cannot do: be another host that a redirect points at, drip the status line
and headers themselves, or record a request that should never have been sent."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from typing import Any


class RawServer:
    """Answers every request with the raw bytes ``reply``: the first ``at_once`` bytes at
    once, the rest one byte every ``drip`` seconds. Keeps every request it received."""

    def __init__(
        self,
        reply: bytes = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}",
        *,
        drip: float = 0.0,
        at_once: int | None = None,
        host: str = "127.0.0.1",
    ) -> None:
        self.reply, self.drip = reply, drip
        self.at_once = len(reply) if at_once is None else at_once
        self.requests: list[bytes] = []
        self._stop = threading.Event()
        self._sock = socket.create_server((host, 0))
        self.port = self._sock.getsockname()[1]
        self.url = f"http://{host}:{self.port}"
        self._threads: list[threading.Thread] = []

    def __enter__(self) -> RawServer:
        accept = threading.Thread(target=self._accept, daemon=True, name="raw-server")
        accept.start()
        self._threads.append(accept)
        return self

    def __exit__(self, *exc: Any) -> None:
        self._stop.set()
        with contextlib.suppress(OSError):  # wakes the accept() in progress (close alone doesn't)
            self._sock.shutdown(socket.SHUT_RDWR)
        self._sock.close()
        for thread in self._threads:
            thread.join(timeout=5)

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return
            thread = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            thread.start()
            self._threads.append(thread)

    def _serve(self, conn: socket.socket) -> None:
        with conn:
            conn.settimeout(5)
            try:
                self.requests.append(_read_request(conn))
                conn.sendall(self.reply[: self.at_once])
                for i in range(self.at_once, len(self.reply)):
                    if self._stop.wait(self.drip):
                        return
                    conn.sendall(self.reply[i : i + 1])
            except OSError:  # the client gave up: what a drip is for
                return


def _read_request(conn: socket.socket) -> bytes:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return data
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    deadline = time.monotonic() + 5
    while len(body) < length and time.monotonic() < deadline:
        body += conn.recv(65536)
    return head + b"\r\n\r\n" + body
