"""What an emulator is built from (:class:`Config`) and served with (:class:`ServerOptions`),
declared once: the command line (``__main__``, also ``pulumi-zarr emulator``) and the
in-process and subprocess runners (:mod:`.server`) take their defaults from here. Needs no
optional extra."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from pathlib import Path

from ..api.deployments import DEFAULT, by_name
from .control import check_duration

#: The OAuth client (id → secret) an emulator has when none is given.
DEFAULT_CLIENTS = {"local": "local-secret"}
LOG_LEVELS = ("debug", "info", "warning", "error")


@dataclass
class Config:
    """Everything an emulator instance is built from."""

    buckets_dir: str | Path | None = None
    s3_endpoint: str | None = None
    clients: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_CLIENTS))
    ingest_delay: float = 1.0
    state_path: str | Path | None = None
    token_ttl: float = 3600.0
    #: In S3 mode, the deployment the emulator stands in for: it reads buckets as that
    #: deployment's principal and refuses those its policy or region would refuse.
    deployment: str = DEFAULT.name

    def __post_init__(self) -> None:
        by_name(self.deployment)  # ValueError naming the known ones
        self.ingest_delay = check_duration("ingest_delay", self.ingest_delay)
        self.token_ttl = check_duration("token_ttl", self.token_ttl, zero=False)


@dataclass(frozen=True)
class ServerOptions:
    """Where and how the server listens (the command line's default port; tests use 0)."""

    host: str = "127.0.0.1"
    port: int = 8080
    log_level: str = "info"
    #: Start moto's S3 server on 127.0.0.1 too, and read the buckets from it.
    s3: bool = False


#: The options whose value goes to :class:`Config`; the parser's ``dest`` is the field name.
CONFIG_FIELDS = tuple(f.name for f in fields(Config))
SERVER_FIELDS = tuple(f.name for f in fields(ServerOptions))
