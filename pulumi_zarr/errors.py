"""Every error pulumi-zarr raises about the world outside it (settings, the API, Zarr stores,
ingestion): one root, :class:`PulumiZarrError`, subclasses by cause (the tree is in its
docstring). Misusing its functions raises Python's own ``TypeError``/``ValueError``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .api.redaction import redact
from .terminal import printable

if TYPE_CHECKING:
    from .api.models import Collection


class PulumiZarrError(Exception):
    """Root of every error pulumi-zarr raises; its text never holds a registered secret nor a
    raw control character.

    API errors carry the HTTP method, the URL path, the status and the service's ``code`` and
    ``message`` — never a token, a client secret or a request body: every message is redacted
    when the error is made (:mod:`pulumi_zarr.api.redaction`), also text the service echoed,
    and its control characters are shown escaped (:mod:`pulumi_zarr.terminal`): an ingestion
    error or a name from a bucket cannot send escape sequences to the terminal showing it.

    ::

        PulumiZarrError
        ├── ConfigurationError          settings missing or invalid
        │   └── InvalidCollectionId     not a collection id: refused before any request
        ├── ZarrApiError                an error answer, or none, from the API
        │   ├── BadRequest … ServerError, AuthError   by HTTP status / the token endpoint
        │   ├── UnexpectedResponse      an answer the API does not give: not JSON, misshaped,
        │   │                           too large, a redirect, another collection, endless paging
        │   └── TransportError          no HTTP answer
        │       ├── RequestNotSent              the request never reached the service
        │       └── RequestMayHaveBeenApplied   it may have taken effect
        │           └── RequestTimedOut         no answer in time (may still be working)
        ├── IngestionTimeout            ingestion did not end in time
        ├── ZarrCollectionError         a lifecycle step failed (the message says what to do)
        │   └── lookup.LookupFailed     get_zarr_collection found none or several (a RunError)
        ├── MissingExtra                an optional extra is not installed (an ImportError too)
        └── StorageError                a Zarr store can't be read
            ├── NoGroup                 no Zarr format-2 group there
            └── PreflightUnavailable    zarr/s3fs are not installed
    """

    def __init__(self, *args: object) -> None:
        super().__init__(*(printable(redact(a)) if isinstance(a, str) else a for a in args))


class ConfigurationError(PulumiZarrError):
    """Settings are missing or invalid (for example no client credentials)."""


class ZarrApiError(PulumiZarrError):
    """An error answer (or no answer) from the Zarr Import API."""

    #: What to do about it, appended to the message (empty: the message says enough).
    hint = ""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        code: str | None = None,
        reason: str | None = None,
        method: str | None = None,
        path: str | None = None,
        retry_after_ms: int | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        self.message = redact(message)
        self.status = status
        self.code = redact(code) if code else code
        self.reason = redact(reason) if reason else reason
        self.method = method
        self.path = path
        self.retry_after_ms = retry_after_ms
        self.details = details
        super().__init__(self._describe())

    def _describe(self) -> str:
        where = f"{self.method} {self.path}: " if self.method and self.path else ""
        status = f"HTTP {self.status}" if self.status is not None else "no response"
        code = f" {self.code}" if self.code else ""
        hint = f" ({self.hint})" if self.hint else ""
        return f"{where}{status}{code}: {self.message}{hint}"


class BadRequest(ZarrApiError):
    """400: the service refused the payload."""


class Unauthorized(ZarrApiError):
    """401: no valid token (also after fetching a fresh one)."""


class Forbidden(ZarrApiError):
    """403: the account may not do this (or its quota is used up)."""


class NotFound(ZarrApiError):
    """404: no such collection or array (for this account)."""


class Conflict(ZarrApiError):
    """409: the request conflicts with the current state."""


class RateLimited(ZarrApiError):
    """429 after the retry budget was spent; ``retry_after_ms`` says when to try again."""

    hint = "rate limit still exceeded after the retries: wait a minute, then run again"


class ServerError(ZarrApiError):
    """5xx after the retry budget was spent (or for a request that may not be retried)."""

    hint = "the service failed: run again later; if it persists, check the service status"


class AuthError(ZarrApiError):
    """The token endpoint refused the credentials, could not be reached or gave no token."""


class UnexpectedResponse(ZarrApiError):
    """An answer the API does not give: not JSON or not the documented shape, larger than
    :data:`~pulumi_zarr.api._deadline.MAX_RESPONSE_BYTES`, a redirect, about another collection
    than the one asked for, or paging that does not end. Nothing is built on it; for a POST
    the request may have taken effect."""


class AnswerTooLarge(UnexpectedResponse):
    """An answer larger than :data:`~pulumi_zarr.api._deadline.MAX_RESPONSE_BYTES`, left unread.
    A listing asks for smaller pages when it gets one."""


class TransportError(ZarrApiError):
    """No HTTP answer: connection refused or dropped, or a timeout. Raised as a subclass that
    says whether the request may have taken effect."""


class RequestNotSent(TransportError):
    """The connection failed before the request was sent: it provably had no effect."""


class RequestMayHaveBeenApplied(TransportError):
    """The request may have reached the service before the connection failed: a
    non-idempotent request such as POST may have taken effect."""


class RequestTimedOut(RequestMayHaveBeenApplied):
    """No answer came in time: the service may still be working on the request."""


class InvalidCollectionId(ConfigurationError):
    """A collection id (given by the user, or read from the state) that is not well-formed;
    refused before it is put into any URL."""

    def __init__(self, value: object, where: str = "collection id") -> None:
        from .api.models import COLLECTION_ID_TEXT

        shown = repr(value) if len(repr(value)) <= 80 else repr(value)[:77] + "..."
        super().__init__(
            f"{where} {shown} is not a well-formed collection id: expected {COLLECTION_ID_TEXT}"
        )


#: How an ingestion timeout's message goes on when the status request at the deadline was cut off.
CUT_OFF = "; the status request at the deadline: "


class IngestionTimeout(PulumiZarrError):
    """Ingestion did not end within the allowed time."""

    def __init__(
        self, collection: Collection, timeout_seconds: float, cut_off: str | None = None
    ) -> None:
        self.collection = collection
        self.timeout_seconds = timeout_seconds
        #: Why the status request sent just before the deadline got no answer, if it did not.
        self.cut_off = cut_off
        super().__init__(
            f"ingestion did not finish within {timeout_seconds:g} s (last status "
            f"{collection.status.value}{self._cut_off_text})"
        )

    @property
    def _cut_off_text(self) -> str:
        return f"{CUT_OFF}{self.cut_off}" if self.cut_off else ""

    def state(self, setting: str) -> str:
        """``still <status> after <n> s (<setting>)``, as messages say it, then the cut-off
        request if there was one."""
        return (
            f"still {self.collection.status.value} after {self.timeout_seconds:g} s "
            f"({setting}){self._cut_off_text}"
        )


class ZarrCollectionError(PulumiZarrError):
    """A lifecycle step failed; the message says what happened and what to do."""


class StorageError(PulumiZarrError):
    """The Zarr group can't be read (missing bucket or folder, no access, jail violation)."""


class NoGroup(StorageError):
    """The location holds no Zarr format-2 group (rule 1)."""


class PreflightUnavailable(StorageError):
    """zarr/s3fs are not installed."""


_BY_STATUS: dict[int, type[ZarrApiError]] = {
    400: BadRequest,
    401: Unauthorized,
    403: Forbidden,
    404: NotFound,
    409: Conflict,
    429: RateLimited,
}


def error_class_for(status: int) -> type[ZarrApiError]:
    """The exception class for an HTTP error status."""
    if status >= 500:
        return ServerError
    return _BY_STATUS.get(status, ZarrApiError)


def install_command(extra: str) -> str:
    """The pip command that adds ``extra`` to this installation of pulumi-zarr, from where it was
    installed (PEP 610's ``direct_url.json``: a checkout, a wheel, a git URL): pulumi-zarr is not
    on PyPI, so ``pip install pulumi-zarr[extra]`` alone would not find it."""
    import json
    from importlib import metadata

    # every copy on the path (a checkout's build metadata may shadow the installed one)
    found = (d.read_text("direct_url.json") for d in metadata.distributions(name="pulumi-zarr"))
    try:
        origin = json.loads(next((text for text in found if text), "{}"))
    except ValueError:
        origin = {}
    if not isinstance(origin, dict):
        origin = {}
    url = str(origin.get("url", ""))
    if isinstance(origin.get("vcs_info"), dict):
        info = origin["vcs_info"]
        url = f"{info.get('vcs', 'git')}+{url}@{info.get('commit_id', '')}".rstrip("@")
    if not url:
        return f'pip install "pulumi-zarr[{extra}]" from where you installed pulumi-zarr'
    if url.startswith("file://") and "dir_info" in origin:
        folder = url.removeprefix("file://")
        editable = "-e " if origin["dir_info"].get("editable") else ""
        return f'pip install {editable}"{folder}[{extra}]"'
    return f'pip install "pulumi-zarr[{extra}] @ {url}"'


class MissingExtra(PulumiZarrError, ImportError):
    """An optional extra of pulumi-zarr is not installed; the message says what to install
    (an ImportError too, so ``except ImportError`` still catches it)."""

    def __init__(self, extra: str, feature: str, module: str | None = None) -> None:
        self.extra = extra
        missing = f" (module {module!r} is missing)" if module else ""
        super().__init__(
            f"{feature} needs the optional extra '{extra}': {install_command(extra)}{missing}"
        )


def no_collection(collection_id: str) -> str:
    """The one sentence saying that a collection does not exist; callers may add advice."""
    return f"collection {collection_id} does not exist (for this account)"
