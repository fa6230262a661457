"""The ZarrCollection resource's schema: its inputs and outputs, declared once.

Each input declares what a change to it does (:class:`OnChange`); ``check`` validation, the
diff and the create payload are all derived from these declarations.
"""

from __future__ import annotations

import re
from enum import Enum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from .crs import ZARR_EPSG_CODES, ZARR_EPSG_TEXT, crs_url, epsg_code
from .models import Collection, CollectionCreate

ALLOWED_CRS_TEXT = f"one of EPSG {ZARR_EPSG_TEXT} written as an opengis URL, e.g. '{crs_url(4326)}'"
#: Values of the ``preflight`` input (None: off).
PREFLIGHT_MODES = ("off", "warn", "error")
_BUCKET_NAME = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
_IPV4 = re.compile(r"^\d{1,3}(\.\d{1,3}){3}$")


class OnChange(str, Enum):
    """What a change of an input does to the collection."""

    REPLACE = "replace"  #: a new collection replaces the old one
    RENAME = "rename"  #: ``PUT collections/{id}`` in place
    REINGEST = "reingest"  #: ``PUT collections/{id}/reingest`` in place
    STATE = "state"  #: the provider's own option: stored, nothing on the service changes


def _on(kind: OnChange, description: str) -> Any:
    return {"json_schema_extra": {"on_change": kind.value}, "description": description}


def check_crs(value: str) -> str:
    code = epsg_code(value)
    if code is None:
        raise ValueError(f"crs {value!r} is not an EPSG opengis URL; use {ALLOWED_CRS_TEXT}")
    if code not in ZARR_EPSG_CODES:
        raise ValueError(
            f"crs EPSG:{code} is not supported for Zarr collections; use {ALLOWED_CRS_TEXT}"
        )
    return value


def check_bucket(value: str) -> str:
    """S3 bucket naming rules (general purpose buckets)."""
    problems = []
    if not 3 <= len(value) <= 63:
        problems.append("be 3 to 63 characters long")
    if not _BUCKET_NAME.match(value):
        problems.append(
            "use only lowercase letters, digits, '.' and '-', starting and ending with a "
            "letter or digit"
        )
    if ".." in value or ".-" in value or "-." in value:
        problems.append("not contain '..', '.-' or '-.'")
    if _IPV4.match(value):
        problems.append("not look like an IP address")
    if problems:
        raise ValueError(
            f"s3_bucket {value!r} is not a valid S3 bucket name: it must " + "; ".join(problems)
        )
    return value


def check_path(value: str) -> str:
    hint = "the prefix of the Zarr group inside the bucket, e.g. 'cubes/my-cube.zarr/'"
    if value.startswith("/"):
        raise ValueError(f"path {value!r} must not start with '/' ({hint})")
    if not value.endswith("/"):
        raise ValueError(f"path {value!r} must end with '/' ({hint})")
    if any(part in ("", ".", "..") for part in value[:-1].split("/")):
        raise ValueError(f"path {value!r} must not contain empty, '.' or '..' segments ({hint})")
    return value


class ZarrCollectionInputs(BaseModel):
    """Inputs of a ZarrCollection resource (snake_case, as in Pulumi programs)."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, **_on(OnChange.RENAME, "Collection name."))
    s3_bucket: str = Field(**_on(OnChange.REPLACE, "S3 bucket holding the Zarr group."))
    path: str = Field(**_on(OnChange.REPLACE, "Prefix of the Zarr group in the bucket."))
    crs: str = Field(**_on(OnChange.REPLACE, "Native CRS as an opengis EPSG URL."))
    wait_for_ingestion: bool = Field(
        True, **_on(OnChange.STATE, "Wait until ingestion ends (INGESTED or FAILED).")
    )
    ingestion_timeout_seconds: int = Field(
        1800, gt=0, le=7 * 24 * 3600, **_on(OnChange.STATE, "How long to wait for ingestion.")
    )
    reingest_trigger: str | None = Field(
        None, **_on(OnChange.REINGEST, "Any string; changing it re-ingests in place.")
    )
    preflight: str | None = Field(
        None,
        **_on(
            OnChange.STATE,
            "Check the Zarr group against the ingestion rules in `check` (preview): "
            "'off' (default), 'warn' or 'error'.",
        ),
    )

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("name must not be empty or blank")
        return value

    @field_validator("s3_bucket")
    @classmethod
    def _bucket(cls, value: str) -> str:
        return check_bucket(value)

    @field_validator("path")
    @classmethod
    def _path(cls, value: str) -> str:
        return check_path(value)

    @field_validator("crs")
    @classmethod
    def _crs(cls, value: str) -> str:
        return check_crs(value)

    @field_validator("preflight", mode="before")
    @classmethod
    def _preflight(cls, value: Any) -> Any:
        if value is not None and value not in PREFLIGHT_MODES:
            raise ValueError(
                f"preflight must be one of {', '.join(map(repr, PREFLIGHT_MODES))} (default "
                f"'off'), got {value!r}"
            )
        return None if value == "off" else value  # off and unset are the same: no diff

    def create_payload(self) -> CollectionCreate:
        """The body of ``POST collections``."""
        return CollectionCreate.model_validate(
            self.model_dump(include=set(CollectionCreate.model_fields))
        )


def on_change(field: str) -> OnChange:
    extra = ZarrCollectionInputs.model_fields[field].json_schema_extra
    assert isinstance(extra, dict)
    return OnChange(extra["on_change"])


INPUT_FIELDS: tuple[str, ...] = tuple(ZarrCollectionInputs.model_fields)
REPLACE_FIELDS: tuple[str, ...] = tuple(f for f in INPUT_FIELDS if on_change(f) is OnChange.REPLACE)
#: Inputs the service stores (what ``read`` can recover for an import).
SERVICE_FIELDS: tuple[str, ...] = tuple(CollectionCreate.model_fields)


class ZarrCollectionOutputs(BaseModel):
    """Outputs computed by the service, besides the resource id."""

    status: str = Field(description="CREATED, INGESTING, INGESTED or FAILED.")
    ingestion_errors: str | None = Field(
        None, description="Why ingestion failed or skipped arrays."
    )
    array_names: list[str] = Field(default_factory=list, description="Every ingested data array.")
    envelope: dict[str, Any] | None = Field(None, description="GeoJSON Polygon, native CRS.")
    width: int | float | None = Field(None, description="Width in pixels.")
    height: int | float | None = Field(None, description="Height in pixels.")
    created: str | None = Field(None, description="Creation time.")
    bands: dict[str, dict[str, Any]] | None = Field(None, description="Band formats by name.")
    max_meters_per_pixel: float | None = Field(None, description="Coarsest resolution allowed.")
    data_type: str = Field(description="`zarr-<id>`, the data type for Process API requests.")

    @classmethod
    def from_service(cls, collection: Collection, array_names: list[str]) -> ZarrCollectionOutputs:
        extra = collection.additional_data
        return cls(
            status=collection.status.value,
            ingestion_errors=collection.ingestion_errors,
            array_names=array_names,
            envelope=collection.envelope.model_dump(mode="json") if collection.envelope else None,
            width=collection.width,
            height=collection.height,
            created=collection.created,
            bands={
                name: band.model_dump(mode="json", exclude_none=True)
                for name, band in extra.bands.items()
            }
            if extra
            else None,
            max_meters_per_pixel=extra.max_meters_per_pixel if extra else None,
            data_type=f"zarr-{collection.id}",
        )


OUTPUT_FIELDS: tuple[str, ...] = tuple(ZarrCollectionOutputs.model_fields)
