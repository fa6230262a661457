"""The OAuth2 client-credentials token, fetched and added to requests by requests-oauthlib.

:class:`OAuthSession` is an ``OAuth2Session`` whose requests are deadline-bound exchanges
(:mod:`._deadline`: no redirect, bounded body). :class:`Tokens` fetches a token with a
``BackendApplicationClient`` (the secret only in the body of the POST to the token URL), checks
the answer in a compliance hook so that each bad answer names what to fix, and renews it shortly
before oauthlib's ``expires_at`` or when the API rejects it.
"""

from __future__ import annotations

import json
import math
import re
import threading
import time
from typing import Any, NamedTuple
from urllib.parse import urlsplit

import requests
from oauthlib.oauth2 import BackendApplicationClient
from requests_oauthlib import OAuth2Session

from ..errors import AuthError, TransportError, UnexpectedResponse, ZarrApiError
from . import redaction
from ._deadline import error_from_response, exchange, redirect_target, url_path
from .settings import Settings, is_loopback_url

#: Renew a token this long before it expires (at most a tenth of its lifetime).
REFRESH_MARGIN_SECONDS = 120.0
#: The lifetime assumed when a token response gives none (Sentinel Hub's is an hour).
DEFAULT_LIFETIME_SECONDS = 3600.0


class _Origin(NamedTuple):
    scheme: str
    netloc: str


def _origin(url: str) -> _Origin:
    split = urlsplit(url)
    return _Origin(split.scheme.lower(), split.netloc.lower())


class LoopbackOAuth2Session(OAuth2Session):
    """An ``OAuth2Session`` that may talk plain http to this machine, and only to it.

    oauthlib refuses plain http unless ``OAUTHLIB_INSECURE_TRANSPORT`` is set, which would allow
    it to every host, for the whole process. Instead, for the http origins given here (checked
    to be this machine) oauthlib is shown the ``https`` spelling of the URL, and :meth:`send`
    puts the real scheme back just before the request leaves; no other URL is touched.

    requests reads the proxy and CA-bundle settings of the environment for every request,
    scanning every variable twice; here they are read once per origin.
    """

    def __init__(self, client_id: str, *, plain_urls: tuple[str, ...]) -> None:
        super().__init__(client=BackendApplicationClient(client_id=client_id))
        self._environment: dict[tuple[Any, ...], dict[str, Any]] = {}
        self._plain = frozenset(
            _origin(url)[1]
            for url in plain_urls
            if _origin(url)[0] == "http" and is_loopback_url(url)
        )

    def request(self, method: str, url: str, **kwargs: Any) -> requests.Response:
        return super().request(method, self.as_oauthlib_sees(url), **kwargs)

    def fetch_token(self, token_url: str, **kwargs: Any) -> dict[str, Any]:
        return super().fetch_token(self.as_oauthlib_sees(token_url), **kwargs)

    def merge_environment_settings(
        self, url: str, proxies: Any, stream: Any, verify: Any, cert: Any
    ) -> dict[str, Any]:
        key = (_origin(url), stream, verify, cert, tuple(sorted((proxies or {}).items())))
        merged = self._environment.get(key)
        if merged is None:
            merged = super().merge_environment_settings(url, proxies, stream, verify, cert)
            self._environment[key] = merged
        return {**merged, "proxies": dict(merged["proxies"])}

    def as_oauthlib_sees(self, url: str) -> str:
        """``url``, spelled ``https`` if it is one of the plain-http origins given."""
        scheme, netloc = _origin(url)
        if scheme == "http" and netloc in self._plain:
            return "https" + url[len("http") :]
        return url

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        scheme, netloc = _origin(request.url or "")
        if scheme == "https" and netloc in self._plain:
            request.url = "http" + (request.url or "")[len("https") :]
        return super().send(request, **kwargs)


class OAuthSession(LoopbackOAuth2Session):
    """A :class:`LoopbackOAuth2Session` whose every request is one :func:`~._deadline.exchange`."""

    def __init__(self, client_id: str, *, timeout: float, plain_urls: tuple[str, ...]) -> None:
        super().__init__(client_id, plain_urls=plain_urls)
        self.timeout = timeout

    def request(self, method: str, url: str, **kwargs: Any) -> requests.Response:
        kwargs["timeout"] = kwargs.get("timeout") or self.timeout
        return exchange(super().request, method, url, **kwargs)


class Tokens:
    """The token of one client: fetched when needed, renewed before it expires, replaced once
    when the API rejects it. ``api`` sends the requests that carry it; ``fetcher`` fetches it
    (a separate session, because ``fetch_token`` clears its session's token while it runs)."""

    def __init__(self, settings: Settings, api: OAuthSession, fetcher: OAuthSession) -> None:
        self.settings = settings
        self._api = api
        self._fetcher = fetcher
        fetcher.register_compliance_hook("access_token_response", self._checked)
        self._lock = threading.Lock()
        self._renew_at = 0.0
        #: Tokens fetched so far.
        self.fetched = 0

    @property
    def access_token(self) -> str | None:
        """The current token (None before the first request)."""
        return self._api.access_token

    def ensure(self, *, force: bool = False, stale: str | None = None) -> None:
        """Fetch a token if there is none, it is about to expire, or ``force`` is set.

        ``stale`` is the token a caller saw rejected: only that one is replaced, so that
        threads hit by the same 401 fetch one new token between them, not one each.
        """
        with self._lock:
            current = self.access_token
            if force and stale is not None and current != stale:
                return
            if force or not current or time.time() >= self._renew_at:
                self._fetch()

    def _fetch(self) -> None:
        self.fetched += 1
        try:
            token = self._fetcher.fetch_token(
                self.settings.token_url,
                client_secret=self.settings.client_secret,
                include_client_id=True,
            )
        except TransportError as exc:
            raise self._auth_error(
                f"could not reach the token endpoint {self.settings.token_url}: {exc.message}",
                f"Check {self.settings.source('token_url')} and the network, then run again",
            ) from None
        except UnexpectedResponse as exc:
            raise self._auth_error(
                f"the token endpoint {self.settings.token_url}: {exc.message}",
                f"Check {self.settings.source('token_url')}",
                exc,
            ) from None
        redaction.register_secret(token["access_token"])
        now = time.time()
        expires_at = token.get("expires_at")  # oauthlib's: now + expires_in, if given
        if isinstance(expires_at, (int, float)) and not isinstance(expires_at, bool):
            lifetime = max(expires_at - now, 0.0)
        else:
            lifetime = DEFAULT_LIFETIME_SECONDS
        self._renew_at = now + lifetime - min(REFRESH_MARGIN_SECONDS, lifetime / 10)
        self._api.token = dict(token)

    # -- the token endpoint's answer ---------------------------------------------------------
    def _checked(self, response: requests.Response) -> requests.Response:
        """``response`` if it is a token oauthlib can use; else the :class:`AuthError` that
        says what came instead (oauthlib's own errors do not name the setting to fix)."""
        status = response.status_code
        if 300 <= status < 400:
            raise self._auth_error(
                f"the token endpoint {self.settings.token_url} answered with a redirect (HTTP "
                f"{status} to {redirect_target(response)}); the client secret is only ever sent "
                "to the configured token URL",
                f"Set {self.settings.source('token_url')} to the token endpoint itself",
                status=status,
            )
        if status >= 500 or status == 429:
            cause = error_from_response(response)
            raise self._auth_error(
                f"could not get a token from {self.settings.token_url}: {cause.message}",
                "The token endpoint is unavailable or rate-limited: run again in a few minutes",
                cause,
            )
        if not response.content.strip():
            raise self._malformed(response, "an empty body")
        try:
            token = json.loads(response.content)
        except (ValueError, RecursionError):
            kind = response.headers.get("Content-Type", "").split(";")[0].strip() or "no type"
            raise self._malformed(response, f"a body that is not JSON ({kind})") from None
        if not isinstance(token, dict):
            raise self._malformed(response, f"a JSON {type(token).__name__}, not an object")
        if "error" in token or status >= 400:
            raise self._refused(status, token)
        access = token.get("access_token")
        if not isinstance(access, str) or not access.strip():
            raise self._malformed(response, "no access_token")
        kind = token.get("token_type", "Bearer")
        if not isinstance(kind, str) or kind.lower() != "bearer":
            raise self._malformed(response, "a token_type other than Bearer")
        if "expires_in" in token and not _is_lifetime(token["expires_in"]):
            raise self._malformed(
                response,
                f"expires_in {str(token.get('expires_in'))[:40]!r} (it must be a positive "
                "number of seconds)",
            )
        return response

    def _auth_error(
        self, what: str, advice: str, cause: ZarrApiError | None = None, status: int | None = None
    ) -> AuthError:
        return AuthError(
            f"{what}. {advice}",
            status=cause.status if cause else status,
            code=cause.code if cause else None,
            method="POST",
            path=url_path(self.settings.token_url),
            retry_after_ms=cause.retry_after_ms if cause else None,
        )

    def _malformed(self, response: requests.Response, what: str) -> AuthError:
        return self._auth_error(
            f"the token endpoint {self.settings.token_url} answered HTTP "
            f"{response.status_code} with {what}, not a token (JSON with access_token, "
            "token_type and expires_in)",
            f"Check {self.settings.source('token_url')}: it must be the OAuth token URL of the "
            "deployment",
            status=response.status_code,
        )

    def _refused(self, status: int, token: dict[str, Any]) -> AuthError:
        error = str(token.get("error") or f"HTTP {status}")[:100]
        description = str(token.get("error_description") or "")[:300]
        hint = (
            f" Check the client id and secret ({self.settings.source('client_id')}, "
            f"{self.settings.source('client_secret')})."
            if error in ("invalid_client", "unauthorized_client") or status == 401
            else ""
        )
        return AuthError(
            f"the token endpoint {self.settings.token_url} refused the credentials of client "
            f"{self.settings.client_id!r}: {error}"
            f"{': ' + description if description else ''}.{hint}",
            status=status,
            code="OAUTH_ERROR",
        )


def _is_lifetime(value: Any) -> bool:
    """A token lifetime oauthlib reads: a positive, finite number of seconds (or its digits)."""
    if isinstance(value, str) and re.fullmatch(r"[0-9]+", value):
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    return 0 < value < math.inf
