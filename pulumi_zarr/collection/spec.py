"""The ZarrCollection resource's schema: its inputs and outputs, declared once.

Each input declares what a change to it does (:class:`OnChange`); ``check`` validation, the
diff, what an update does and the create payload are all derived from these declarations.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from enum import Enum
from typing import Any, NamedTuple

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ..api.models import (
    NAME_MAX_LENGTH,
    PATH_EXAMPLE,
    PATH_RULE_TEXT,
    Collection,
    CollectionCreate,
    is_collection_id,
    name_problem,
    path_problem,
)
from ..crs import ZARR_EPSG_CODES, ZARR_EPSG_TEXT, crs_url, epsg_code  # cli.py: spec.crs_url
from ..errors import InvalidCollectionId
from .unknown import is_unknown

ALLOWED_CRS_TEXT = f"one of EPSG {ZARR_EPSG_TEXT} written as an opengis URL, e.g. '{crs_url(4326)}'"
#: Values of the ``preflight`` input (None: off).
PREFLIGHT_MODES = ("off", "warn", "error")
#: S3 general purpose bucket names: what they may not start or end with.
RESERVED_BUCKET_PREFIXES = ("xn--", "sthree-", "amzn-s3-demo-")
RESERVED_BUCKET_SUFFIXES = ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3")
_BUCKET_CHARS = re.compile(r"[a-z0-9.-]*")
_BUCKET_END = re.compile(r"[a-z0-9]")
_IPV4 = re.compile(r"[0-9]{1,3}(\.[0-9]{1,3}){3}")
BUCKET_RULE_TEXT = (
    "every S3 general purpose bucket naming rule: 3-63 of 'a-z 0-9 . -', a letter or digit at "
    "both ends, no '..', not an IP address, none of the reserved prefixes "
    f"({', '.join(map(repr, RESERVED_BUCKET_PREFIXES))}) or suffixes "
    f"({', '.join(map(repr, RESERVED_BUCKET_SUFFIXES))})"
)


class OnChange(str, Enum):
    """What a change of an input does to the collection."""

    REPLACE = "replace"  #: a new collection replaces the old one
    RENAME = "rename"  #: ``PUT collections/{id}`` in place
    REINGEST = "reingest"  #: ``PUT collections/{id}/reingest`` in place
    STATE = "state"  #: the provider's own option: stored, nothing on the service changes
    #: read only when the resource is created (adopt that collection instead of a POST); a
    #: later change does nothing: no diff, no update, no replacement
    ADOPT = "adopt"


#: What a change of an input does, said once per kind (the schema's and the typed classes'
#: descriptions end with it).
EFFECTS: dict[OnChange, str] = {
    OnChange.REPLACE: "Changing it replaces the collection: the new one is created and "
    "ingested before the old one is deleted.",
    OnChange.RENAME: "Changing it renames the collection in place.",
    OnChange.REINGEST: "Changing it re-ingests the collection in place.",
    OnChange.STATE: "Kept in Pulumi's state only: changing it changes nothing on the service.",
    OnChange.ADOPT: "Read only when the resource is created: changing it later changes nothing.",
}


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
    """S3 general purpose bucket naming rules, every one of them."""
    problems = []
    if not 3 <= len(value) <= 63:
        problems.append("be 3 to 63 characters long")
    if not _BUCKET_CHARS.fullmatch(value):
        problems.append("use only lowercase letters a-z, digits, '.' and '-' (no whitespace)")
    if not (_BUCKET_END.fullmatch(value[:1]) and _BUCKET_END.fullmatch(value[-1:])):
        problems.append("start and end with a lowercase letter or digit")
    if ".." in value:
        problems.append("not contain two adjacent periods")
    if _IPV4.fullmatch(value):
        problems.append("not be formatted as an IP address")
    problems += [
        f"not start with the reserved prefix '{prefix}'"
        for prefix in RESERVED_BUCKET_PREFIXES
        if value.startswith(prefix)
    ]
    problems += [
        f"not end with the reserved suffix '{suffix}'"
        for suffix in RESERVED_BUCKET_SUFFIXES
        if value.endswith(suffix)
    ]
    if problems:
        raise ValueError(
            f"s3_bucket {value[:70]!r} is not a valid S3 bucket name: it must "
            + "; ".join(problems)
        )
    return value


def check_path(value: str) -> str:
    problem = path_problem(value)
    if problem:
        hint = f"the prefix of the Zarr group inside the bucket, e.g. '{PATH_EXAMPLE}'"
        raise ValueError(f"path {value!r} {problem} ({hint})")
    return value


class ZarrCollectionInputs(BaseModel):
    """Inputs of a ZarrCollection resource (snake_case, as in Pulumi programs)."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(
        **_on(
            OnChange.RENAME,
            "Name of the collection, as Sentinel Hub shows it: not blank, at most "
            f"{NAME_MAX_LENGTH} characters, no control characters.",
        )
    )
    s3_bucket: str = Field(
        **_on(OnChange.REPLACE, f"S3 bucket holding the Zarr group: {BUCKET_RULE_TEXT}.")
    )
    path: str = Field(
        **_on(
            OnChange.REPLACE,
            f"Prefix of the Zarr group inside the bucket: {PATH_RULE_TEXT}; e.g. '{PATH_EXAMPLE}'.",
        )
    )
    crs: str = Field(**_on(OnChange.REPLACE, f"Native CRS of the data: {ALLOWED_CRS_TEXT}."))
    wait_for_ingestion: bool = Field(
        True,
        **_on(
            OnChange.STATE,
            "Whether create and re-ingest wait until ingestion ends (INGESTED or FAILED). "
            "Without waiting they return at once; follow `status` with `pulumi refresh`.",
        ),
    )
    ingestion_timeout_seconds: int = Field(
        1800,
        gt=0,
        le=7 * 24 * 3600,
        **_on(
            OnChange.STATE,
            "How long create and re-ingest wait for ingestion at most, in seconds (up to 7 "
            "days). A create that times out deletes the collection it made.",
        ),
    )
    reingest_trigger: str | None = Field(
        None,
        **_on(
            OnChange.REINGEST,
            "Any string, e.g. the date of the newest time step in the store.",
        ),
    )
    preflight: str | None = Field(
        None,
        **_on(
            OnChange.STATE,
            "Check the Zarr group against the ingestion rules in `check` (preview): "
            "'off' (default), 'warn' (violations are warnings) or 'error' (violations fail "
            "the check, before any API call).",
        ),
    )
    profile: str | None = Field(
        None,
        **_on(
            OnChange.REPLACE,
            "A profile of sentinelhub-py's config.toml whose credentials and deployment this "
            "collection uses (default: the stack's); only the name is stored.",
        ),
    )
    import_id: str | None = Field(
        None,
        **_on(
            OnChange.ADOPT,
            "The id of an existing collection to adopt instead of creating one.",
        ),
    )

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        problem = name_problem(value)
        if problem:
            raise ValueError(f"name {problem}")
        return value

    @field_validator("import_id")
    @classmethod
    def _import_id(cls, value: str | None) -> str | None:
        if value is not None and not is_collection_id(value):
            raise ValueError(str(InvalidCollectionId(value, "import_id")))
        return value

    @field_validator("profile")
    @classmethod
    def _profile(cls, value: str | None) -> str | None:
        if value is not None and (not value.strip() or not value.isprintable()):
            raise ValueError(f"profile must be a profile name of config.toml, got {value!r}")
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
#: Inputs the service stores (what ``read`` can recover for an import).
SERVICE_FIELDS: tuple[str, ...] = tuple(CollectionCreate.model_fields)
#: Defaults of the optional inputs that have one.
DEFAULTS: dict[str, Any] = {
    name: field.default
    for name, field in ZarrCollectionInputs.model_fields.items()
    if not field.is_required() and field.default is not None
}


def fields_with(kind: OnChange) -> tuple[str, ...]:
    """The inputs whose change does ``kind``."""
    return tuple(field for field in INPUT_FIELDS if on_change(field) is kind)


class InputFailure(NamedTuple):
    """One bad input, as ``check`` reports it."""

    property: str
    reason: str


def reason(
    field: str,
    message: str,
    owner: str = "ZarrCollection",
    kind: str = "input",
    allowed: tuple[str, ...] = INPUT_FIELDS,
) -> str:
    """A pydantic error message about ``field`` in the wording of every check failure: an
    unknown one is not an ``kind`` of ``owner``, and the ``allowed`` ones are named."""
    message = message.removeprefix("Value error, ")
    if message == "Field required":
        return f"{field} is required"
    if message == "Extra inputs are not permitted":
        return f"{field} is not an {kind} of {owner} ({kind}s: {', '.join(allowed)})"
    return message if message.startswith(field) else f"{field}: {message}"


class Validated(NamedTuple):
    """The inputs with defaults filled in, and what is wrong with them."""

    inputs: dict[str, Any]
    failures: list[InputFailure]


def validate(props: Mapping[str, Any]) -> Validated:
    """Checked inputs (defaults filled in) and one failure per bad property.

    Properties whose value is not known yet (preview) are passed through unchecked.
    """
    unknown = {k for k, v in props.items() if is_unknown(v)}
    known = {k: v for k, v in props.items() if k not in unknown}
    try:
        inputs = ZarrCollectionInputs.model_validate(known).model_dump(exclude_none=True)
        failures: list[InputFailure] = []
    except ValidationError as exc:
        inputs = {**DEFAULTS, **known}
        failures = [
            InputFailure(str(err["loc"][0]), reason(str(err["loc"][0]), err["msg"]))
            for err in exc.errors()
            if err["loc"] and err["loc"][0] not in unknown
        ]
    inputs.update({k: props[k] for k in unknown})
    return Validated(inputs, failures)


def parse_inputs(props: Mapping[str, Any]) -> ZarrCollectionInputs:
    """The inputs model from a property bag that may also hold outputs."""
    return ZarrCollectionInputs.model_validate({k: props[k] for k in INPUT_FIELDS if k in props})


def changed_fields(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    """The inputs that differ between two property bags: unset counts as the default, and a
    value not known yet (preview) as a change. ADOPT inputs never count."""
    return [
        field
        for field in INPUT_FIELDS
        if on_change(field) is not OnChange.ADOPT
        and (
            is_unknown(new.get(field))
            or old.get(field, DEFAULTS.get(field)) != new.get(field, DEFAULTS.get(field))
        )
    ]


def provider_options(props: Mapping[str, Any]) -> dict[str, Any]:
    """The inputs the service does not store, from a property bag, defaults filled in."""
    inputs, _ = validate({k: props[k] for k in INPUT_FIELDS if k in props})
    return {k: inputs[k] for k in INPUT_FIELDS if k in inputs and k not in SERVICE_FIELDS}


def store_fields() -> tuple[str, ...]:
    """The inputs that say which store is ingested how: those the service stores whose change
    replaces the collection (``s3_bucket``, ``path``, ``crs``)."""
    return tuple(f for f in fields_with(OnChange.REPLACE) if f in SERVICE_FIELDS)


def preflight_target(inputs: Mapping[str, Any]) -> dict[str, Any] | None:
    """The :func:`store_fields` of ``inputs``, when the ``preflight`` input asks for a check
    and all of them are known."""
    if inputs.get("preflight") not in ("warn", "error"):
        return None
    target = {field: inputs.get(field) for field in store_fields()}
    return None if any(map(is_unknown, target.values())) else target


class ZarrCollectionOutputs(BaseModel):
    """Outputs computed by the service, besides the resource id."""

    status: str = Field(description="Ingestion status: CREATED, INGESTING, INGESTED or FAILED.")
    ingestion_errors: str | None = Field(
        None, description="Why ingestion failed, or which arrays it skipped and why."
    )
    array_names: list[str] = Field(
        default_factory=list, description="Every ingested data array (all pages)."
    )
    envelope: dict[str, Any] | None = Field(
        None, description="Extent of the data: a GeoJSON Polygon in the native CRS."
    )
    width: int | float | None = Field(None, description="Width of the data in pixels.")
    height: int | float | None = Field(None, description="Height of the data in pixels.")
    created: str | None = Field(None, description="When the collection was created (ISO 8601).")
    bands: dict[str, dict[str, Any]] | None = Field(
        None,
        description="Format of each band (ingested array) by name: bit_depth, sample_format, "
        "no_data.",
    )
    max_meters_per_pixel: float | None = Field(
        None,
        description="Coarsest resolution Process API requests may ask for, in meters per pixel.",
    )
    data_type: str = Field(
        description="`zarr-<id>`: the `input.data.type` of Process API requests for this "
        "collection."
    )
    base_url: str | None = Field(
        default=None,
        description="The deployment (sentinelhub:baseUrl) the collection is managed on, "
        "recorded by the provider: a later call that does not find it there says so instead "
        "of dropping it.",
    )
    client_id: str | None = Field(
        default=None,
        description="The OAuth client (sentinelhub:clientId) the collection is managed as, "
        "recorded by the provider with the deployment.",
    )

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
#: Outputs that record where the collection is managed (not from the service).
PLACE_FIELDS: tuple[str, ...] = ("base_url", "client_id")
