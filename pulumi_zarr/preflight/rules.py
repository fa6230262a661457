"""The data constraints of Zarr ingestion (reference §4), as a pure function over a Zarr group.

Shared by the emulator's ingestion and the preflight check. Only metadata and the coordinate
arrays' values are read. Group-level problems make the ingestion FAIL; per-array problems skip
that array (the rest may still be ingested). Each problem is a :class:`Violation` naming the
array, the rule and what is allowed.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..crs import ZARR_EPSG_CODES, ZARR_EPSG_TEXT, epsg_of

ALLOWED_DTYPES = ("u4", "i4", "i8", "f4", "f8")
_ALLOWED_TEXT = ", ".join(ALLOWED_DTYPES)
MAX_SPATIAL_CHUNK = 3072
MAX_TIME_CHUNK = 50
METERS_PER_DEGREE = 111319.49
COORDINATES = ("x", "y", "lat", "lon", "time")
_TIME_UNITS = re.compile(
    r"^\s*(days|hours|minutes|seconds|millis|micros|nanos)\s+since\s+"
    r"(\d{1,4}-\d{1,2}-\d{1,2}"  # date (ISO 8601 or CF: 1970-1-1)
    r"(?:[T ]\d{1,2}:\d{1,2}(?::\d{1,2}(?:\.\d+)?)?)?"  # optional time
    r"\s*(?:Z|UTC|[+-]\d{1,2}(?::?\d{2})?)?)\s*$"  # optional zone
)
# ECMAScript reserved words (incl. strict-mode and literals): not usable as evalscript names.
JS_RESERVED = frozenset(
    (
        "break",
        "case",
        "catch",
        "class",
        "const",
        "continue",
        "debugger",
        "default",
        "delete",
        "do",
        "else",
        "enum",
        "export",
        "extends",
        "false",
        "finally",
        "for",
        "function",
        "if",
        "implements",
        "import",
        "in",
        "instanceof",
        "interface",
        "let",
        "new",
        "null",
        "package",
        "private",
        "protected",
        "public",
        "return",
        "static",
        "super",
        "switch",
        "this",
        "throw",
        "true",
        "try",
        "typeof",
        "var",
        "void",
        "while",
        "with",
        "yield",
        "await",
        "arguments",
        "eval",
    )
)
# bitDepth's enum in BYOCFormat stops at 32, so 64-bit types are reported as 32 — an
# assumption: how the service reports i8/f8 bands is undocumented.
BAND_FORMATS = {
    "u4": (32, "UINT"),
    "i4": (32, "INT"),
    "i8": (32, "INT"),
    "f4": (32, "FLOAT"),
    "f8": (32, "FLOAT"),
}
_POLE_3035 = (4321000.0, 7358000.0)
_UTM_NORTH_POLE_Y = 9997964.94
_UTM_SOUTH_POLE_Y = 2035.06
_MERCATOR_MAX = 20037508.3428


def is_js_identifier(name: str) -> bool:
    """A valid JavaScript identifier (Unicode letters, ``$``, ``_``, digits) not reserved."""
    return bool(name) and name.replace("$", "_").isidentifier() and name not in JS_RESERVED


def dtype_code(dtype: np.dtype) -> str:
    """``u4``/``f8``… regardless of byte order."""
    return f"{dtype.kind}{dtype.itemsize}"


@dataclass(frozen=True)
class Violation:
    """One broken rule: ``array`` None means the group; ``fails`` False means only that array
    is skipped. ``str()`` is the service's ``ingestionErrors`` text."""

    rule: str
    message: str
    array: str | None = None
    allowed: str | None = None
    fails: bool = True

    def __str__(self) -> str:
        return self.message

    def line(self) -> str:
        """One line of a report: the rule, what is wrong and what is allowed."""
        return f"rule {self.rule}: {self.message} (allowed: {self.allowed})"

    def as_dict(self) -> dict[str, Any]:
        return {
            "array": self.array,
            "rule": self.rule,
            "allowed": self.allowed,
            "fails": self.fails,
            "message": self.message,
        }


@dataclass
class ArrayInfo:
    """An ingested data array: its ZarrArray fields and its band."""

    name: str
    zarray: dict[str, Any]
    zattrs: dict[str, Any]
    band: dict[str, Any]


@dataclass
class Inspection:
    """Outcome of :func:`inspect_group`."""

    errors: list[Violation] = field(default_factory=list)  # group-level: ingestion FAILS
    skipped: list[Violation] = field(default_factory=list)  # per-array: array skipped
    arrays: list[ArrayInfo] = field(default_factory=list)
    envelope: dict[str, Any] | None = None
    width: int | None = None
    height: int | None = None
    zattrs: dict[str, Any] | None = None
    max_meters_per_pixel: float | None = None

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.arrays)

    @property
    def message(self) -> str | None:
        """The ``ingestionErrors`` text (None when nothing went wrong)."""
        parts = self.violations
        return "; ".join(map(str, parts)) if parts else None

    @property
    def violations(self) -> list[Violation]:
        """Every violation: the group's, then the skipped arrays'."""
        return self.errors + self.skipped

    @property
    def bands(self) -> dict[str, dict[str, Any]]:
        return {a.name: a.band for a in self.arrays}


def jsonable(value: Any) -> Any:
    """``value`` as Zarr writes it in JSON: numpy scalars as numbers, non-finite floats as
    ``"NaN"``, ``"Infinity"`` or ``"-Infinity"``."""
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, np.generic):
        return jsonable(value.item())
    return value


def _json_fill(value: Any) -> Any:
    if isinstance(value, (bytes, bytearray)):
        return value.decode("latin-1")
    if value is None or isinstance(value, (np.generic, float, int)):
        return jsonable(value)
    return str(value)


def zarray_of(array: Any) -> dict[str, Any]:
    """The subset of ``.zarray`` reported in ``ZarrArray.zarray``."""
    meta = array.metadata
    out = {
        "shape": list(array.shape),
        "chunks": list(array.chunks),
        "dtype": array.dtype.str,
        "fill_value": _json_fill(meta.fill_value),
        "order": array.order,
        "zarr_format": 2,
    }
    separator = getattr(meta, "dimension_separator", None)
    if separator:
        out["dimension_separator"] = separator
    return out


def _no_data(fill: Any) -> float | None:
    if fill is None:
        return None
    try:
        number = float(fill)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _attrs(node: Any) -> dict[str, Any]:
    return dict(node.attrs)


def _step_check(name: str, values: np.ndarray) -> tuple[float | None, Violation | None]:
    """(signed step, violation) of an equidistant coordinate array (rule 9)."""

    def bad(message: str) -> tuple[None, Violation]:
        allowed = "at least 2 finite, equidistant values"
        return None, Violation("9", f"coordinate array '{name}': {message}", name, allowed)

    if values.size < 2:
        return bad("needs at least 2 values to define the pixel size")
    values = values.astype("f8")
    if not np.all(np.isfinite(values)):
        return bad("values must be finite")
    step = (values[-1] - values[0]) / (values.size - 1)
    if step == 0:
        return bad("values must not be constant")
    eps = float(np.finfo(np.float32).eps) * 4 if values.dtype.itemsize == 4 else 0.0
    tolerance = max(1e-6 * abs(step), eps * float(np.max(np.abs(values))))
    worst = float(np.max(np.abs(np.diff(values) - step)))
    if worst > tolerance:
        return bad(
            f"values must be equidistant (rule 9); steps vary by up to {worst:.6g} around "
            f"{step:.6g}"
        )
    return float(step), None


def _pole_error(epsg: int, xmin: float, xmax: float, ymin: float, ymax: float) -> Violation | None:
    eps = 1e-9
    message = allowed = None
    if epsg == 4326:
        if ymin < -90 - eps or ymax > 90 + eps:
            message = (
                f"data crosses a pole (rule 8): latitude extent [{ymin}, {ymax}] leaves [-90, 90]"
            )
            allowed = "latitudes within [-90, 90]"
        elif xmin < -180 - eps or xmax > 180 + eps:
            message = f"longitude extent [{xmin}, {xmax}] leaves [-180, 180]"
            allowed = "longitudes within [-180, 180]"
    elif epsg == 3857:
        if max(abs(ymin), abs(ymax)) > _MERCATOR_MAX:
            allowed = f"|y| ≤ {_MERCATOR_MAX}"
            message = f"data crosses a pole (rule 8): |y| must be ≤ {_MERCATOR_MAX} in EPSG:3857"
    elif 32601 <= epsg <= 32660:
        if ymax >= _UTM_NORTH_POLE_Y:
            allowed = f"y < {_UTM_NORTH_POLE_Y}"
            message = f"data crosses a pole (rule 8): y must be < {_UTM_NORTH_POLE_Y} in UTM north"
    elif 32701 <= epsg <= 32760:
        if ymin <= _UTM_SOUTH_POLE_Y:
            allowed = f"y > {_UTM_SOUTH_POLE_Y}"
            message = f"data crosses a pole (rule 8): y must be > {_UTM_SOUTH_POLE_Y} in UTM south"
    elif epsg == 3035:
        px, py = _POLE_3035
        if xmin <= px <= xmax and ymin <= py <= ymax:
            allowed = f"an extent not containing the pole at ({px}, {py})"
            message = (
                "data crosses a pole (rule 8): the extent contains the north pole in EPSG:3035"
            )
    return Violation("8", message, None, allowed) if message else None


_TIME_UNITS_TEXT = (
    "'<unit> since <instant>', unit days, hours, minutes, seconds, millis, micros or nanos"
)


def inspect_group(group: Any, crs: str) -> Inspection:
    """Apply the ingestion rules to an opened Zarr (format 2) group."""
    out = Inspection()
    epsg = epsg_of(crs)
    crs_allowed = f"opengis EPSG URLs of {ZARR_EPSG_TEXT}"
    if epsg is None:
        out.errors.append(
            Violation("10", f"crs '{crs}' is not an opengis CRS URL", None, crs_allowed)
        )
    elif epsg not in ZARR_EPSG_CODES:
        out.errors.append(
            Violation(
                "10",
                f"crs EPSG:{epsg} is not supported for Zarr (rule 10): allowed are "
                f"{ZARR_EPSG_TEXT}",
                None,
                crs_allowed,
            )
        )

    arrays: dict[str, Any] = {}
    for name, member in sorted(group.members(), key=lambda item: item[0]):
        if hasattr(member, "shape"):  # subgroups are ignored (rule 11)
            arrays[name] = member

    spatial = sorted(set(arrays) & {"x", "y", "lat", "lon"})
    if spatial == ["x", "y"]:
        xname, yname = "x", "y"
    elif spatial == ["lat", "lon"]:
        xname, yname = "lon", "lat"
    else:
        out.errors.append(
            Violation(
                "3",
                "the group must have exactly two spatial coordinate arrays, 'x' and 'y' or 'lat' "
                f"and 'lon' (rule 3); found: {spatial or 'none'}",
                None,
                "'x' and 'y', or 'lat' and 'lon'",
            )
        )
        xname = yname = None
    has_time = "time" in arrays
    coords = [n for n in (yname, xname) if n] + (["time"] if has_time else [])

    for name in coords:
        array = arrays[name]
        if array.ndim != 1:
            out.errors.append(
                Violation(
                    "3",
                    f"coordinate array '{name}': must be 1-D, has {array.ndim} dimensions",
                    name,
                    "1 dimension",
                )
            )
        code = dtype_code(array.dtype)
        if code not in ALLOWED_DTYPES:
            out.errors.append(
                Violation(
                    "5",
                    f"coordinate array '{name}': dtype {array.dtype.name} not allowed "
                    f"({_ALLOWED_TEXT})",
                    name,
                    _ALLOWED_TEXT,
                )
            )
    if has_time:
        units = _attrs(arrays["time"]).get("units")
        if not isinstance(units, str) or not _TIME_UNITS.match(units):
            out.errors.append(
                Violation(
                    "7a",
                    "coordinate array 'time': .zattrs 'units' must be '<unit> since <instant>' "
                    "with unit days, hours, minutes, seconds, millis, micros or nanos (rule 7a); "
                    f"got {units!r}",
                    "time",
                    _TIME_UNITS_TEXT,
                )
            )
    if out.errors:
        return out

    assert xname and yname
    xs = np.asarray(arrays[xname][:])
    ys = np.asarray(arrays[yname][:])
    dx, err_x = _step_check(xname, xs)
    dy, err_y = _step_check(yname, ys)
    out.errors += [e for e in (err_x, err_y) if e]
    if out.errors:
        return out
    assert dx is not None and dy is not None and epsg is not None
    xmin, xmax = float(xs.min()) - abs(dx) / 2, float(xs.max()) + abs(dx) / 2
    ymin, ymax = float(ys.min()) - abs(dy) / 2, float(ys.max()) + abs(dy) / 2
    pole = _pole_error(epsg, xmin, xmax, ymin, ymax)
    if pole:  # the arrays are still checked, to report every violation
        out.errors.append(pole)

    ntime = arrays["time"].shape[0] if has_time else None
    time_chunks: dict[str, int] = {}
    for name, array in arrays.items():
        if name in COORDINATES:
            continue
        problem = _array_problem(name, array, xname, yname, len(xs), len(ys), ntime)
        if problem:
            out.skipped.append(problem)
            continue
        if array.ndim == 3:
            time_chunks[name] = array.chunks[0]
        fill = array.metadata.fill_value
        bits, fmt = BAND_FORMATS[dtype_code(array.dtype)]
        band: dict[str, Any] = {
            "source": name,
            "bandIndex": 1,
            "bitDepth": bits,
            "sampleFormat": fmt,
        }
        no_data = _no_data(fill)
        if no_data is not None:
            band["noData"] = no_data
        out.arrays.append(ArrayInfo(name, zarray_of(array), _attrs(array), band))

    if len(set(time_chunks.values())) > 1:
        listed = ", ".join(f"{n}: {c}" for n, c in sorted(time_chunks.items()))
        out.errors.append(
            Violation(
                "7b",
                "the time chunk size must be the same for all data arrays (rule 7b); found "
                f"{listed}",
                None,
                "one time chunk size for every 3-D data array",
            )
        )
        return out
    if out.errors:
        return out
    if not out.arrays:
        out.errors.append(
            Violation("3", "no data array can be ingested", None, "at least one valid data array")
        )
        return out

    meters = METERS_PER_DEGREE if epsg == 4326 else 1.0
    out.envelope = {
        "type": "Polygon",
        "coordinates": [[[xmin, ymin], [xmax, ymin], [xmax, ymax], [xmin, ymax], [xmin, ymin]]],
    }
    out.width, out.height = len(xs), len(ys)
    out.zattrs = _attrs(group)
    out.max_meters_per_pixel = 3 * max(abs(dx), abs(dy)) * meters
    return out


def _array_problem(
    name: str, array: Any, xname: str, yname: str, nx: int, ny: int, ntime: int | None
) -> Violation | None:
    """Why a data array must be skipped, or None."""

    def skip(rule: str, message: str, allowed: str) -> Violation:
        return Violation(rule, f"array '{name}': {message}", name, allowed, fails=False)

    if not is_js_identifier(name):
        return skip(
            "2",
            "name is not a valid JavaScript identifier or is a reserved word (rule 2)",
            "a JavaScript identifier that is not a reserved word",
        )
    if array.ndim not in (2, 3):
        return skip("3", f"has {array.ndim} dimensions, allowed are 2 or 3 (rule 3)", "2 or 3")
    if array.ndim == 3 and ntime is None:
        return skip(
            "3", "3-D data needs a 'time' coordinate array (rule 3)", "a 'time' coordinate array"
        )
    code = dtype_code(array.dtype)
    if code not in ALLOWED_DTYPES:
        return skip("5", f"dtype {array.dtype.name} not allowed ({_ALLOWED_TEXT})", _ALLOWED_TEXT)
    if array.order != "C":
        return skip("4", f"order {array.order!r} not allowed, must be 'C' (rule 4)", "'C'")
    expected_dims = ["time", yname, xname] if array.ndim == 3 else [yname, xname]
    expected_shape = (ntime, ny, nx) if array.ndim == 3 else (ny, nx)
    dims = _attrs(array).get("_ARRAY_DIMENSIONS")
    if dims is not None and list(dims) != expected_dims:
        return skip(
            "4",
            f"dimensions {list(dims)} not allowed, must be {expected_dims} (rule 4)",
            str(expected_dims),
        )
    if tuple(array.shape) != expected_shape:
        return skip(
            "4",
            f"shape {list(array.shape)} does not match the coordinate arrays "
            f"{expected_dims} = {list(expected_shape)} (rule 4)",
            str(list(expected_shape)),
        )
    spatial_chunks = array.chunks[-2:]
    if max(spatial_chunks) > MAX_SPATIAL_CHUNK:
        return skip(
            "6",
            f"spatial chunk size {list(spatial_chunks)} exceeds {MAX_SPATIAL_CHUNK} (rule 6)",
            f"≤ {MAX_SPATIAL_CHUNK}",
        )
    if array.ndim == 3 and array.chunks[0] > MAX_TIME_CHUNK:
        return skip(
            "7b",
            f"time chunk size {array.chunks[0]} exceeds {MAX_TIME_CHUNK} (rule 7b)",
            f"≤ {MAX_TIME_CHUNK}",
        )
    return None
