"""The data constraints of Zarr ingestion (the README's rules 1-10), as a pure function over a
Zarr group.

Shared by the emulator's ingestion and the preflight check. Only metadata and the coordinate
arrays' values are read. Group-level problems make the ingestion FAIL; per-array problems skip
that array (the rest may still be ingested). Each problem is a :class:`Violation` naming the
array, the rule and what is allowed; every problem found is reported, so a broken coordinate
array does not hide a broken data array.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np

from ..crs import ZARR_EPSG_CODES, ZARR_EPSG_TEXT, epsg_of

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
#: The dtypes Zarr ingests: those with a band format.
ALLOWED_DTYPES = tuple(BAND_FORMATS)
_ALLOWED_TEXT = ", ".join(ALLOWED_DTYPES)
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
    """One broken rule. ``problem`` says what is wrong, naming the array (``array`` None: the
    group); ``allowed`` what the rule allows; ``fails`` False: only that array is skipped."""

    rule: str
    problem: str
    array: str | None = None
    allowed: str | None = None
    fails: bool = True
    #: whether the service's message names what is allowed after the problem
    names_allowed: bool = False

    @property
    def message(self) -> str:
        """The service's ``ingestionErrors`` text: a problem failing the whole ingestion names
        its rule."""
        text = f"{self.problem} ({self.allowed})" if self.names_allowed else self.problem
        return f"{text} (rule {self.rule})" if self.fails else text

    def __str__(self) -> str:
        return self.message

    def line(self) -> str:
        """One line of a report: the rule, what is wrong and what is allowed."""
        return f"rule {self.rule}: {self.problem} (allowed: {self.allowed})"

    def as_dict(self) -> dict[str, Any]:
        return {
            "array": self.array,
            "rule": self.rule,
            "allowed": self.allowed,
            "fails": self.fails,
            "message": self.problem,
        }


def no_group(exc: Exception) -> Violation:
    """Rule 1 broken: ``exc`` says where no Zarr group was found."""
    return Violation("1", str(exc), None, "a folder holding .zgroup (Zarr format 2)")


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
    checked: list[str] = field(default_factory=list)  # every data array looked at
    arrays: list[ArrayInfo] = field(default_factory=list)  # the data arrays ingested
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


def _dtype_violation(what: str, name: str, array: Any, *, fails: bool) -> Violation | None:
    if dtype_code(array.dtype) in ALLOWED_DTYPES:
        return None
    problem = f"{what}: dtype {array.dtype.name} not allowed"
    return Violation("5", problem, name, _ALLOWED_TEXT, fails, names_allowed=True)


class _Step(NamedTuple):
    step: float | None  #: signed; None when the values give none
    violation: Violation | None


class _Coordinates(NamedTuple):
    grid: _Grid
    problems: list[Violation]


class _ExtentFound(NamedTuple):
    extent: _Extent | None  #: None when the spatial coordinates can't give one
    problems: list[Violation]


def _step_check(name: str, values: np.ndarray) -> _Step:
    """The signed step and the violation of an equidistant coordinate array (rule 9)."""

    def bad(problem: str) -> _Step:
        allowed = "at least 2 finite, equidistant values"
        return _Step(None, Violation("9", f"coordinate array '{name}': {problem}", name, allowed))

    if values.size < 2:
        return bad("needs at least 2 values to define the pixel size")
    # values stored with less precision than float64 are equidistant up to their rounding
    stored = values.dtype
    eps = float(np.finfo(stored).eps) * 4 if stored.kind == "f" and stored.itemsize < 8 else 0.0
    values = values.astype("f8")
    if not np.all(np.isfinite(values)):
        return bad("values are not all finite")
    step = (values[-1] - values[0]) / (values.size - 1)
    if step == 0:
        return bad("values are constant")
    tolerance = max(1e-6 * abs(step), eps * float(np.max(np.abs(values))))
    worst = float(np.max(np.abs(np.diff(values) - step)))
    if worst > tolerance:
        return bad(f"values are not equidistant: steps vary by up to {worst:.6g} around {step:.6g}")
    return _Step(float(step), None)


def _pole_error(epsg: int, xmin: float, xmax: float, ymin: float, ymax: float) -> Violation | None:
    eps = 1e-9
    problem = allowed = None
    if epsg == 4326:
        if ymin < -90 - eps or ymax > 90 + eps:
            problem = f"data crosses a pole: latitude extent [{ymin}, {ymax}]"
            allowed = "latitudes within [-90, 90]"
        elif xmin < -180 - eps or xmax > 180 + eps:
            problem = f"longitude extent [{xmin}, {xmax}]"
            allowed = "longitudes within [-180, 180]"
    elif epsg == 3857:
        if max(abs(ymin), abs(ymax)) > _MERCATOR_MAX:
            problem = f"data crosses a pole: |y| reaches {max(abs(ymin), abs(ymax))} in EPSG:3857"
            allowed = f"|y| ≤ {_MERCATOR_MAX}"
    elif 32601 <= epsg <= 32660:
        if ymax >= _UTM_NORTH_POLE_Y:
            problem = f"data crosses a pole: y reaches {ymax} in a northern UTM zone"
            allowed = f"y < {_UTM_NORTH_POLE_Y}"
    elif 32701 <= epsg <= 32760:
        if ymin <= _UTM_SOUTH_POLE_Y:
            problem = f"data crosses a pole: y reaches {ymin} in a southern UTM zone"
            allowed = f"y > {_UTM_SOUTH_POLE_Y}"
    elif epsg == 3035:
        px, py = _POLE_3035
        if xmin <= px <= xmax and ymin <= py <= ymax:
            problem = "data crosses a pole: the extent contains the north pole in EPSG:3035"
            allowed = f"an extent not containing the pole at ({px}, {py})"
    return Violation("8", problem, None, allowed) if problem else None


_TIME_UNITS_TEXT = (
    "'<unit> since <instant>', unit days, hours, minutes, seconds, millis, micros or nanos"
)


@dataclass
class _Grid:
    """What the coordinate arrays say: names and lengths (None: missing or not 1-D)."""

    x: str | None = None
    y: str | None = None
    nx: int | None = None
    ny: int | None = None
    has_time: bool = False
    ntime: int | None = None


@dataclass
class _Extent:
    """The data's extent (pixel edges) and signed pixel size."""

    xmin: float
    xmax: float
    ymin: float
    ymax: float
    dx: float
    dy: float


def _length(array: Any) -> int | None:
    return int(array.shape[0]) if array.ndim == 1 else None


def _crs_problems(crs: str) -> list[Violation]:
    epsg = epsg_of(crs)
    allowed = f"opengis EPSG URLs of {ZARR_EPSG_TEXT}"
    if epsg is None:
        return [Violation("10", f"crs '{crs}' is not an opengis CRS URL", None, allowed)]
    if epsg not in ZARR_EPSG_CODES:
        return [Violation("10", f"crs EPSG:{epsg} is not supported for Zarr", None, allowed)]
    return []


def _coordinates(arrays: dict[str, Any]) -> _Coordinates:
    """The grid the coordinate arrays define (rules 3, 5, 7a), and what is wrong with them."""
    problems: list[Violation] = []
    grid = _Grid(has_time="time" in arrays)
    spatial = sorted(set(arrays) & {"x", "y", "lat", "lon"})
    if spatial == ["x", "y"]:
        grid.x, grid.y = "x", "y"
    elif spatial == ["lat", "lon"]:
        grid.x, grid.y = "lon", "lat"
    else:
        problems.append(
            Violation(
                "3",
                f"the group must have exactly two spatial coordinate arrays; found: "
                f"{spatial or 'none'}",
                None,
                "'x' and 'y', or 'lat' and 'lon'",
            )
        )
    names = [n for n in (grid.y, grid.x) if n] + (["time"] if grid.has_time else [])
    for name in names:
        array = arrays[name]
        if array.ndim != 1:
            problem = f"coordinate array '{name}': has {array.ndim} dimensions"
            problems.append(Violation("3", problem, name, "1 dimension"))
        dtype = _dtype_violation(f"coordinate array '{name}'", name, array, fails=True)
        if dtype:
            problems.append(dtype)
    if grid.x and grid.y:
        grid.nx, grid.ny = _length(arrays[grid.x]), _length(arrays[grid.y])
    if grid.has_time:
        grid.ntime = _length(arrays["time"])
        units = _attrs(arrays["time"]).get("units")
        if not isinstance(units, str) or not _TIME_UNITS.match(units):
            problem = (
                "coordinate array 'time': .zattrs 'units' must be a time unit since an instant, "
                f"got {units!r}"
            )
            problems.append(Violation("7a", problem, "time", _TIME_UNITS_TEXT))
    return _Coordinates(grid, problems)


def _extent(arrays: dict[str, Any], grid: _Grid, epsg: int | None) -> _ExtentFound:
    """The extent of the data (rules 8, 9); None when the spatial coordinates can't give one."""
    if grid.x is None or grid.y is None or grid.nx is None or grid.ny is None:
        return _ExtentFound(None, [])
    if any(arrays[name].dtype.kind not in "iuf" for name in (grid.x, grid.y)):
        return _ExtentFound(None, [])  # not numbers: rule 5 says so already
    xs = np.asarray(arrays[grid.x][:])
    ys = np.asarray(arrays[grid.y][:])
    dx, err_x = _step_check(grid.x, xs)
    dy, err_y = _step_check(grid.y, ys)
    problems = [e for e in (err_x, err_y) if e]
    if dx is None or dy is None:
        return _ExtentFound(None, problems)
    extent = _Extent(
        float(xs.min()) - abs(dx) / 2,
        float(xs.max()) + abs(dx) / 2,
        float(ys.min()) - abs(dy) / 2,
        float(ys.max()) + abs(dy) / 2,
        dx,
        dy,
    )
    if epsg is not None:
        pole = _pole_error(epsg, extent.xmin, extent.xmax, extent.ymin, extent.ymax)
        problems += [pole] if pole else []
    return _ExtentFound(extent, problems)


def inspect_group(group: Any, crs: str) -> Inspection:
    """Apply the ingestion rules to an opened Zarr (format 2) group."""
    out = Inspection()
    epsg = epsg_of(crs)
    out.errors += _crs_problems(crs)
    arrays = {
        name: member
        for name, member in sorted(group.members(), key=lambda item: item[0])
        if hasattr(member, "shape")  # subgroups are ignored (rule 1)
    }
    grid, problems = _coordinates(arrays)
    out.errors += problems
    extent, problems = _extent(arrays, grid, epsg)
    out.errors += problems

    time_chunks: dict[str, int] = {}
    for name, array in arrays.items():
        if name in COORDINATES:
            continue
        out.checked.append(name)
        problems = _array_problems(name, array, grid)
        if problems:
            out.skipped += problems
            continue
        if array.ndim == 3:
            time_chunks[name] = array.chunks[0]
        bits, fmt = BAND_FORMATS[dtype_code(array.dtype)]
        band: dict[str, Any] = {
            "source": name,
            "bandIndex": 1,
            "bitDepth": bits,
            "sampleFormat": fmt,
        }
        no_data = _no_data(array.metadata.fill_value)
        if no_data is not None:
            band["noData"] = no_data
        out.arrays.append(ArrayInfo(name, zarray_of(array), _attrs(array), band))

    if len(set(time_chunks.values())) > 1:
        listed = ", ".join(f"{n}: {c}" for n, c in sorted(time_chunks.items()))
        out.errors.append(
            Violation(
                "7b",
                f"the time chunk size differs between data arrays: {listed}",
                None,
                "one time chunk size for every 3-D data array",
            )
        )
    if out.errors:
        return out
    if not out.arrays:
        out.errors.append(
            Violation("3", "no data array can be ingested", None, "at least one valid data array")
        )
        return out

    assert extent is not None and epsg is not None  # no errors: the grid and CRS are good
    meters = METERS_PER_DEGREE if epsg == 4326 else 1.0
    xmin, xmax, ymin, ymax = extent.xmin, extent.xmax, extent.ymin, extent.ymax
    out.envelope = {
        "type": "Polygon",
        "coordinates": [[[xmin, ymin], [xmax, ymin], [xmax, ymax], [xmin, ymax], [xmin, ymin]]],
    }
    out.width, out.height = grid.nx, grid.ny
    out.zattrs = _attrs(group)
    out.max_meters_per_pixel = 3 * max(abs(extent.dx), abs(extent.dy)) * meters
    return out


def _array_problems(name: str, array: Any, grid: _Grid) -> list[Violation]:
    """Why a data array must be skipped: every problem found (empty: it is ingested)."""

    def skip(rule: str, problem: str, allowed: str) -> Violation:
        return Violation(rule, f"array '{name}': {problem}", name, allowed, fails=False)

    problems = []
    if not is_js_identifier(name):
        problems.append(
            skip(
                "2",
                "name is not a valid JavaScript identifier or is a reserved word",
                "a JavaScript identifier that is not a reserved word",
            )
        )
    # the rest needs a 2-D or 3-D array with its coordinates
    if array.ndim not in (2, 3):
        return [*problems, skip("3", f"has {array.ndim} dimensions", "2 or 3")]
    if array.ndim == 3 and not grid.has_time:
        return [
            *problems,
            skip("3", "3-D data needs a 'time' coordinate array", "a 'time' coordinate array"),
        ]
    dtype = _dtype_violation(f"array '{name}'", name, array, fails=False)
    if dtype:
        problems.append(dtype)
    if array.order != "C":
        problems.append(skip("4", f"order {array.order!r} not allowed", "'C'"))
    if grid.x and grid.y:
        dims_expected = ["time", grid.y, grid.x] if array.ndim == 3 else [grid.y, grid.x]
        dims = _attrs(array).get("_ARRAY_DIMENSIONS")
        if dims is not None and list(dims) != dims_expected:
            problems.append(skip("4", f"dimensions {list(dims)} not allowed", str(dims_expected)))
        shape = [grid.ntime, grid.ny, grid.nx] if array.ndim == 3 else [grid.ny, grid.nx]
        if None not in shape and list(array.shape) != shape:
            problem = (
                f"shape {list(array.shape)} does not match the coordinate arrays {dims_expected}"
            )
            problems.append(skip("4", problem, str(shape)))
    spatial_chunks = array.chunks[-2:]
    if max(spatial_chunks) > MAX_SPATIAL_CHUNK:
        problem = f"spatial chunk size {list(spatial_chunks)} exceeds {MAX_SPATIAL_CHUNK}"
        problems.append(skip("6", problem, f"≤ {MAX_SPATIAL_CHUNK}"))
    if array.ndim == 3 and array.chunks[0] > MAX_TIME_CHUNK:
        problem = f"time chunk size {array.chunks[0]} exceeds {MAX_TIME_CHUNK}"
        problems.append(skip("7b", problem, f"≤ {MAX_TIME_CHUNK}"))
    return problems
