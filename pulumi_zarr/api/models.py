"""Wire models of Sentinel Hub's Zarr Import API, shared by the client and the emulator.

Python attributes are snake_case; the JSON on the wire is camelCase (``by_alias=True``).
Response models ignore fields they don't know (the CDSE deployment adds ``userId``);
request models forbid them, so a typo is an error rather than a silently dropped field.
"""

from __future__ import annotations

import re
import unicodedata
from enum import Enum
from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic.alias_generators import to_camel

T = TypeVar("T")

#: Items per page: the default and the maximum ``count`` of the list endpoints.
PAGE_LIMIT = 100
#: A collection id as the API makes them: a UUID (any case, ASCII only). Nothing else is ever
#: put into a URL path, so ``.``/``..`` or a ``/`` can never turn into another path.
COLLECTION_ID = re.compile(
    r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
)
COLLECTION_ID_TEXT = "a UUID such as 4b6ac2ec-3b1f-4a8e-9c3e-2f1d0c9b8a7e"
#: The longest collection name accepted (the service documents none; client and emulator
#: both hold to this one).
NAME_MAX_LENGTH = 256


def is_collection_id(value: object) -> bool:
    return isinstance(value, str) and COLLECTION_ID.fullmatch(value) is not None


def name_problem(name: str) -> str | None:
    """Why the service would refuse ``name`` as a collection name, or None."""
    if not name.strip():
        return "must not be empty or blank"
    if len(name) > NAME_MAX_LENGTH:
        return f"must be at most {NAME_MAX_LENGTH} characters long (it has {len(name)})"
    if any(unicodedata.category(ch) == "Cc" for ch in name):
        return "must not contain control characters (such as a newline, tab or NUL)"
    return None


class WireModel(BaseModel):
    """Base of response models: camelCase aliases, unknown fields ignored."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="ignore")

    def to_wire(self) -> dict[str, Any]:
        """The JSON-able dict as the API sends it."""
        return self.model_dump(mode="json", by_alias=True)


class RequestModel(WireModel):
    """Base of request bodies: unknown fields are refused."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid")


class Status(str, Enum):
    CREATED = "CREATED"
    INGESTING = "INGESTING"
    INGESTED = "INGESTED"
    FAILED = "FAILED"

    @property
    def is_final(self) -> bool:
        return self in (Status.INGESTED, Status.FAILED)


class Polygon(WireModel):
    type: Literal["Polygon"] = "Polygon"
    coordinates: list[list[tuple[float, float]]]


class BandFormat(WireModel):
    """``BYOCFormat``: how one data array is exposed as a band."""

    source: str | None = None
    band_index: int = 1
    bit_depth: Literal[8, 16, 32]
    sample_format: Literal["UINT", "INT", "FLOAT"]
    no_data: float | None = None


class AdditionalData(WireModel):
    bands: dict[str, BandFormat] = Field(default_factory=dict)
    max_meters_per_pixel: float | None = None


#: The path rule in words, for descriptions: what :func:`path_problem` checks.
PATH_RULE_TEXT = "ends with '/', does not start with '/', no empty, '.' or '..' segments"
PATH_EXAMPLE = "cubes/my-cube.zarr/"


def path_problem(value: str) -> str | None:
    """Why ``value`` is not the path of a Zarr group inside a bucket, or None (the one rule:
    the resource's inputs, the client's request and the emulator all ask this)."""
    if value.startswith("/"):
        return "must not start with '/'"
    if not value.endswith("/"):
        return "must end with '/'"
    if any(part in ("", ".", "..") for part in value[:-1].split("/")):
        return "must not contain empty, '.' or '..' segments"
    return None


class CollectionCreate(RequestModel):
    """Body of ``POST collections``: the fields a user chooses."""

    name: str
    s3_bucket: str
    path: str
    crs: str

    @field_validator("path")
    @classmethod
    def _path_rule(cls, value: str) -> str:
        problem = path_problem(value)
        if problem:
            raise ValueError(problem)
        return value


class CollectionUpdate(RequestModel):
    """Body of ``PUT collections/{id}``: only the name can change."""

    name: str


class Collection(WireModel):
    """``ZarrCollection`` as the API returns it."""

    id: str
    account_id: str | None = None
    name: str
    created: str | None = None
    s3_bucket: str
    path: str
    crs: str
    status: Status
    ingestion_errors: str | None = None
    envelope: Polygon | None = None
    width: int | float | None = None
    height: int | float | None = None
    zattrs: dict[str, Any] | None = None
    additional_data: AdditionalData | None = None

    @field_validator("id")
    @classmethod
    def _id_rule(cls, value: str) -> str:
        if not is_collection_id(value):
            raise ValueError(f"must be a collection id ({COLLECTION_ID_TEXT})")
        return value

    def to_wire(self) -> dict[str, Any]:
        """As the API sends it: the schema has no null for ``envelope``, ``additionalData`` or a
        band's optional fields, so those are omitted until ingestion fills them."""
        wire = super().to_wire()
        for key in ("envelope", "additionalData"):
            if wire.get(key) is None:
                wire.pop(key, None)
        for name, band in (self.additional_data.bands if self.additional_data else {}).items():
            wire["additionalData"]["bands"][name] = band.model_dump(
                mode="json", by_alias=True, exclude_none=True
            )
        return wire


class ZarrArray(WireModel):
    """``ZarrArray``: one ingested data array."""

    name: str
    s3_bucket: str
    path: str
    zarray: dict[str, Any] = Field(default_factory=dict)
    zattrs: dict[str, Any] | None = None


class Links(WireModel):
    """``View``: paging links of a list response."""

    current_token: str | None = None
    next_token: str | None = None
    previous_token: str | None = None
    id: str | None = Field(default=None, alias="@id")
    next: str | None = None
    previous: str | None = None

    def to_wire(self) -> dict[str, Any]:
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)


class Page(WireModel, Generic[T]):
    """A list response: ``{"data": [...], "links": {...}}``."""

    data: list[T]
    links: Links = Field(default_factory=Links)

    def to_wire(self) -> dict[str, Any]:
        return {
            "data": [item.to_wire() if isinstance(item, WireModel) else item for item in self.data],
            "links": self.links.to_wire(),
        }


class Single(WireModel, Generic[T]):
    """A single-item response: ``{"data": {...}}``."""

    data: T


class Boom(WireModel):
    """The error object inside ``RestErrorWrapper``."""

    status: int
    reason: str = ""
    message: str = ""
    code: str | None = None
    errors: dict[str, Any] | None = None

    def to_wire(self) -> dict[str, Any]:
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)


class ErrorBody(WireModel):
    """``RestErrorWrapper``: ``{"error": Boom}``."""

    error: Boom

    def to_wire(self) -> dict[str, Any]:
        return {"error": self.error.to_wire()}
