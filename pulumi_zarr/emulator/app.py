"""The FastAPI app: token endpoint, the Zarr Import API under both prefixes, admin routes."""

from __future__ import annotations

import contextlib
import json
import logging
import uuid
from collections.abc import AsyncIterator
from datetime import datetime, timezone
from typing import Any, NamedTuple, TypeVar

from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from ..api.deployments import by_name
from ..api.endpoints import API_PREFIXES, TOKEN_PATH
from ..api.models import (
    Collection,
    CollectionCreate,
    CollectionUpdate,
    Page,
    Status,
    ZarrArray,
    name_problem,
)
from ..crs import CRS84, crs_url, is_crs_url
from . import paging
from .auth import OAuthError, Principal, TokenIssuer
from .buckets import Buckets, bucket_problem, path_problem
from .config import Config
from .control import ADMIN_PREFIX, Control
from .database import Database, Row
from .errors import ApiError, error_body
from .ingestion import Ingestor
from .middleware import FaultMiddleware

log = logging.getLogger(__name__)
MAX_BODY = 64 * 1024
#: What a client cannot write: the fields the service fills in (a collection's, not a create
#: body's) and CDSE's ``userId``. They are dropped from a create body.
READ_ONLY_FIELDS = frozenset(
    (
        {f.alias or n for n, f in Collection.model_fields.items()}
        - {f.alias or n for n, f in CollectionCreate.model_fields.items()}
    )
    | {"userId"}
)


class EmulatorApp:
    """The ASGI app (fault middleware outermost) with its state; ``.control`` for tests."""

    def __init__(self, config: Config, control: Control | None = None) -> None:
        self.config = config
        self.control = control or Control()
        self.issuer = TokenIssuer(config.clients, config.token_ttl)
        self.db = Database(config.state_path or ":memory:")
        self.buckets = Buckets(config.buckets_dir, config.s3_endpoint, by_name(config.deployment))
        self.ingestor = Ingestor(self.db, self.buckets, config.ingest_delay, self.control.is_stuck)
        self.control.timeline_source = self.timeline
        self.fastapi, templates = _build(self)
        self.asgi = FaultMiddleware(_CatchAll(self.fastapi), self.control, templates)

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        await self.asgi(scope, receive, send)

    def timeline(self, collection_id: str) -> dict[str, Any] | None:
        row = self.db.get(collection_id)
        if row is None:
            return None
        status, _ = self.ingestor.outcome(row)
        return {
            "id": row.id,
            "status": status.value,
            "created": row.created,
            "startedAt": row.started_at,
            "readyAt": row.ready_at,
            "computedAt": row.computed_at,
            "finalAt": self.ingestor.final_at(row),
        }

    # rendering
    def collection(self, row: Row) -> dict[str, Any]:
        """The collection as the API shows it; an outcome that cannot be shown (a state file
        from before the limits on metadata, say) shows as FAILED, never as an error."""
        try:
            return self._collection(row)
        except Exception as exc:
            log.warning("collection %s cannot be shown: %s", row.id, type(exc).__name__)
            return self._collection(
                row,
                {
                    "status": "FAILED",
                    "ingestionErrors": f"the ingestion outcome cannot be shown "
                    f"({type(exc).__name__}); re-ingest the collection",
                },
            )

    def _collection(self, row: Row, outcome: dict[str, Any] | None = None) -> dict[str, Any]:
        status, shown = self.ingestor.outcome(row)
        if outcome is not None:
            status, shown = Status(outcome["status"]), outcome
        src = shown or {}
        model = Collection.model_validate(
            {
                "id": row.id,
                "accountId": row.account_id,
                "name": row.name,
                "created": row.created,
                "s3Bucket": row.s3_bucket,
                "path": row.path,
                "crs": row.crs,
                "status": status,
                "ingestionErrors": src.get("ingestionErrors") if status.is_final else None,
                "envelope": src.get("envelope"),
                "width": src.get("width"),
                "height": src.get("height"),
                "zattrs": src.get("zattrs"),
                "additionalData": src.get("additionalData"),
            }
        )
        return model.to_wire()

    def arrays(self, row: Row) -> list[dict[str, Any]]:
        """The ingested arrays as the API shows them (any that cannot be shown left out)."""
        _, outcome = self.ingestor.outcome(row)
        shown = []
        for array in (outcome or {}).get("arrays", []):
            try:
                shown.append(ZarrArray.model_validate(array).to_wire())
            except Exception:
                log.warning("an array of collection %s cannot be shown", row.id)
        return shown


class _CatchAll:
    """Never let an exception reach the server: log it (no request data) and answer 500."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        started = False

        async def tracking(message: dict) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking if scope["type"] == "http" else send)
        except Exception as exc:
            if scope["type"] != "http":
                raise
            log.error(
                "unhandled %s on %s %s", type(exc).__name__, scope.get("method"), scope.get("path")
            )
            if not started:
                await _json(500, error_body(500, "internal error"))(scope, receive, send)


def _json(status: int, body: Any, headers: dict[str, str] | None = None) -> Response:
    return Response(
        json.dumps(body, allow_nan=False),
        status_code=status,
        headers=headers,
        media_type="application/json",
    )


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


async def _body(request: Request) -> bytes:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > MAX_BODY:
        raise ApiError(413, f"request body larger than {MAX_BODY} bytes")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY:
            raise ApiError(413, f"request body larger than {MAX_BODY} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


async def _json_object(request: Request) -> dict[str, Any]:
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media != "application/json" and not media.endswith("+json"):
        raise ApiError(415, f"expected an application/json body, got {media or 'none'}")
    raw = await _body(request)
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise ApiError(400, "body: malformed JSON") from None
    if not isinstance(body, dict):
        raise ApiError(400, "body: must be a JSON object")
    return body


M = TypeVar("M", bound=BaseModel)


def _parse(model: type[M], body: dict[str, Any]) -> M:
    """``body`` as ``model`` (wire names, strict types), or a 400 naming the bad field."""
    try:
        return model.model_validate(body, strict=True, by_alias=True, by_name=False)
    except ValidationError as exc:
        raise ApiError(400, _validation_message(exc)) from None


def _validation_message(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err["loc"]) or "body"
        text = "unknown field" if err["type"] == "extra_forbidden" else err["msg"]
        parts.append(f"{where}: {text}")
    return "; ".join(parts)


def _check_name(name: str) -> None:
    problem = name_problem(name)
    if problem:
        raise ApiError(400, f"name: {problem}")


class _Built(NamedTuple):
    fastapi: FastAPI
    #: (path, methods) of every API route
    templates: list[tuple[str, set[str]]]


class _Owned(NamedTuple):
    who: Principal
    row: Row


def _build(emu: EmulatorApp) -> _Built:
    """The FastAPI app and its public (path template, methods)."""

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        emu.ingestor.resume()
        try:
            yield
        finally:
            emu.ingestor.close()
            emu.db.close()

    app = FastAPI(
        title="Zarr Import API (local emulator)", docs_url=None, redoc_url=None, lifespan=lifespan
    )

    @app.exception_handler(ApiError)
    async def _api_error(_: Request, exc: ApiError) -> Response:
        return _json(exc.status, error_body(exc.status, exc.message, exc.code), exc.headers)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(_: Request, exc: StarletteHTTPException) -> Response:
        message = {404: "no such resource", 405: "method not allowed on this resource"}.get(
            exc.status_code, str(exc.detail)
        )
        return _json(exc.status_code, error_body(exc.status_code, message), dict(exc.headers or {}))

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> Response:
        return _json(400, error_body(400, "; ".join(str(e.get("msg")) for e in exc.errors())))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        return _json(500, error_body(500, "internal error", "COMMON_EXCEPTION"))

    def principal(request: Request) -> Principal:
        who = emu.issuer.verify(request.headers.get("authorization"))
        if who is None:
            raise ApiError(401, "missing, invalid or expired access token")
        wait = emu.control.rate_limit_hit(who.client_id)
        if wait is not None:
            raise ApiError(
                429, "You have exceeded your rate limit", headers={"Retry-After": str(wait)}
            )
        return who

    def owned(request: Request, collection_id: str) -> _Owned:
        who = principal(request)
        try:
            uuid.UUID(collection_id)
        except ValueError:
            raise ApiError(404, f"collection {collection_id!r} not found") from None
        row = emu.db.get(collection_id, who.account_id)
        if row is None:
            raise ApiError(404, f"collection {collection_id} not found")
        return _Owned(who, row)

    @app.post(TOKEN_PATH, include_in_schema=False)
    async def token(request: Request) -> Response:
        raw = await _body(request)
        auth = request.headers.get("authorization")
        claimed = emu.issuer.claimed_client(raw, auth) or "(none)"
        emu.control.count_token(claimed)
        wait = emu.control.rate_limit_hit(f"token:{claimed}")
        if wait is not None:
            return _json(
                429,
                error_body(429, "You have exceeded your rate limit"),
                {"Retry-After": str(wait)},
            )
        try:
            issued = emu.issuer.issue(raw, request.headers.get("content-type", ""), auth)
        except OAuthError as exc:
            return _json(exc.status, exc.body(), {"Cache-Control": "no-store"})
        return _json(200, issued, {"Cache-Control": "no-store", "Pragma": "no-cache"})

    api = APIRouter()

    @api.post("/collections", status_code=201)
    async def create(request: Request) -> Response:
        who = principal(request)
        body = await _json_object(request)
        fields = {k: v for k, v in body.items() if k not in READ_ONLY_FIELDS}
        spec = _parse(CollectionCreate, fields)
        _check_name(spec.name)
        problem = bucket_problem(spec.s3_bucket)
        if problem:
            raise ApiError(400, f"s3Bucket: {problem}")
        problem = path_problem(spec.path)
        if problem:
            raise ApiError(400, f"path: {problem}")
        if not is_crs_url(spec.crs):
            raise ApiError(400, f"crs: must be a CRS URL like {crs_url(4326)} (or {CRS84})")
        started_at, ready_at = emu.ingestor.run_window()
        row = emu.db.insert(
            id=str(uuid.uuid4()),
            account_id=who.account_id,
            name=spec.name,
            created=_now(),
            s3_bucket=spec.s3_bucket,
            path=spec.path,
            crs=spec.crs,
            started_at=started_at,
            ready_at=ready_at,
        )
        emu.ingestor.submit(row.id, row.generation)
        wire = emu.collection(row)
        wire["status"] = "CREATED"  # the response of a create always shows the first state
        return _json(201, {"data": wire})

    @api.get("/collections")
    async def list_collections(request: Request) -> Response:
        who = principal(request)
        count = paging.parse_count(request)
        after = paging.decode("collections", request)
        if after is not None and not isinstance(after, int):
            raise ApiError(400, "viewtoken: invalid")
        rows = emu.db.page(
            who.account_id, after or 0, request.query_params.get("search"), count + 1
        )
        more = len(rows) > count
        rows = rows[:count]
        links = paging.links(request, "collections", after, rows[-1].seq if more else None)
        page = Page[Any](data=[emu.collection(r) for r in rows], links=links)
        return _json(200, page.to_wire())

    @api.get("/collections/{collection_id}")
    async def get_collection(request: Request, collection_id: str) -> Response:
        _, row = owned(request, collection_id)
        return _json(200, {"data": emu.collection(row)})

    @api.put("/collections/{collection_id}", status_code=204)
    async def update_collection(request: Request, collection_id: str) -> Response:
        _, row = owned(request, collection_id)
        body = await _json_object(request)
        update = _parse(CollectionUpdate, body)
        _check_name(update.name)
        emu.db.rename(row.id, update.name)
        return Response(status_code=204)

    @api.delete("/collections/{collection_id}", status_code=204)
    async def delete_collection(request: Request, collection_id: str) -> Response:
        _, row = owned(request, collection_id)
        emu.db.delete(row.id)
        return Response(status_code=204)

    @api.put("/collections/{collection_id}/reingest")
    async def reingest(request: Request, collection_id: str) -> Response:
        _, row = owned(request, collection_id)
        status, outcome = emu.ingestor.outcome(row)
        previous = outcome if status.is_final else row.previous
        generation = emu.db.restart_ingestion(row.id, previous, *emu.ingestor.run_window())
        emu.ingestor.submit(row.id, generation)
        fresh = emu.db.get(row.id)
        if fresh is None:
            raise ApiError(404, f"collection {collection_id} not found")
        return _json(200, {"data": emu.collection(fresh)})

    @api.get("/collections/{collection_id}/arrays")
    async def list_arrays(request: Request, collection_id: str) -> Response:
        _, row = owned(request, collection_id)
        count = paging.parse_count(request)
        after = paging.decode("arrays", request)
        if after is not None and not isinstance(after, str):
            raise ApiError(400, "viewtoken: invalid")
        needle = (request.query_params.get("search") or "").casefold()
        chosen = [
            a
            for a in sorted(emu.arrays(row), key=lambda a: a["name"])
            if (after is None or a["name"] > after) and needle in a["name"].casefold()
        ]
        more = len(chosen) > count
        chosen = chosen[:count]
        links = paging.links(request, "arrays", after, chosen[-1]["name"] if more else None)
        page = Page[Any](data=chosen, links=links)
        return _json(200, page.to_wire())

    @api.get("/collections/{collection_id}/arrays/{array_name}")
    async def get_array(request: Request, collection_id: str, array_name: str) -> Response:
        _, row = owned(request, collection_id)
        for array in emu.arrays(row):
            if array["name"] == array_name:
                return _json(200, {"data": array})
        raise ApiError(404, f"array {array_name!r} not found in collection {collection_id}")

    for prefix in API_PREFIXES:
        app.include_router(api, prefix=prefix)
    app.include_router(_admin(emu), prefix=ADMIN_PREFIX, include_in_schema=False)
    templates = [(TOKEN_PATH, {"POST"})] + [
        (prefix + route.path, set(route.methods)) for prefix in API_PREFIXES for route in api.routes
    ]
    return _Built(app, templates)


def _admin(emu: EmulatorApp) -> APIRouter:
    admin = APIRouter()
    control = emu.control

    async def body_of(request: Request) -> dict[str, Any]:
        raw = await request.body()
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            raise ApiError(400, "malformed JSON") from None
        if not isinstance(body, dict):
            raise ApiError(400, "expected a JSON object")
        return body

    @admin.get("/stats")
    async def stats() -> Response:
        return _json(200, control.stats())

    @admin.get("/journal")
    async def journal() -> Response:
        return _json(200, control.journal())

    @admin.post("/stats/reset", status_code=204)
    async def reset() -> Response:
        control.reset_stats()
        return Response(status_code=204)

    @admin.get("/faults")
    async def faults() -> Response:
        return _json(200, control.faults())

    @admin.post("/faults", status_code=201)
    async def add_fault(request: Request) -> Response:
        try:
            rule_id = control.add_fault(**await body_of(request))
        except (TypeError, ValueError) as exc:
            raise ApiError(400, f"invalid fault rule: {exc}") from None
        return _json(201, {"id": rule_id})

    @admin.delete("/faults", status_code=204)
    async def clear_faults() -> Response:
        control.clear_faults()
        return Response(status_code=204)

    @admin.put("/rate-limit", status_code=204)
    async def rate_limit(request: Request) -> Response:
        body = await body_of(request)
        try:
            control.set_rate_limit(body.get("max_requests"), float(body.get("window", 60.0)))
        except (TypeError, ValueError) as exc:
            raise ApiError(400, f"invalid rate limit: {exc}") from None
        return Response(status_code=204)

    @admin.put("/stuck", status_code=204)
    async def stuck(request: Request) -> Response:
        try:
            control.set_stuck((await body_of(request)).get("pattern"))
        except Exception as exc:
            raise ApiError(400, f"invalid pattern: {exc}") from None
        return Response(status_code=204)

    @admin.get("/collections/{collection_id}/timeline")
    async def timeline(collection_id: str) -> Response:
        found = control.timeline(collection_id)
        if found is None:
            raise ApiError(404, f"collection {collection_id} not found")
        return _json(200, found)

    return admin
