"""Small Zarr format-2 stores for tests and the demo: a good cube, and knobs to break rules."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import zarr

from ..crs import crs_url

CRS_URLS = {
    "4326": crs_url(4326),
    "utm": crs_url(32633),
    "3857": crs_url(3857),
    "3035": crs_url(3035),
}
# (x0, y0, dx, dy): centre of the first pixel and signed steps (north-up: dy < 0)
GRIDS = {
    "4326": (10.005, 46.995, 0.01, -0.01),
    "utm": (500005.0, 5099995.0, 10.0, -10.0),
    "3857": (1113200.0, 5800000.0, 100.0, -100.0),
    "3035": (4000050.0, 2999950.0, 100.0, -100.0),
}


def axis(start: float, step: float, n: int, dtype: str = "f8") -> np.ndarray:
    return (start + step * np.arange(n)).astype(dtype)


def write_cube(
    root: str | Path | Any,
    *,
    arrays: Sequence[str] = ("B1", "B2"),
    width: int = 4,
    height: int = 3,
    times: int | None = None,
    crs: str = "4326",
    dtype: str = "f4",
    chunks: tuple[int, ...] | None = None,
    fill_value: Any = 0,
    consolidated: bool = False,
    spatial: tuple[str, str] = ("x", "y"),
    coord_dtype: str = "f8",
    x_values: Sequence[float] | None = None,
    y_values: Sequence[float] | None = None,
    time_units: str | None = "days since 2020-01-01",
    time_dtype: str = "i8",
    overrides: Mapping[str, Mapping[str, Any]] | None = None,
    group_attrs: Mapping[str, Any] | None = None,
    subgroup: bool = False,
    storage_options: dict[str, Any] | None = None,
) -> zarr.Group:
    """Write a Zarr v2 group with coordinate arrays and data arrays ``arrays``.

    ``spatial`` names the (x, y) coordinate arrays (("lon", "lat") for geographic names).
    ``overrides[name]`` may set ``dtype``, ``order``, ``chunks``, ``shape``, ``dims``
    (``_ARRAY_DIMENSIONS``), ``fill_value`` of one data array; a name in ``overrides`` that is
    not in ``arrays`` is added. ``time_units=None`` omits the units. ``subgroup`` adds a
    subgroup holding an array that breaks every rule (it must be ignored).
    """
    xname, yname = spatial
    x0, y0, dx, dy = GRIDS[crs]
    xs = (
        np.asarray(x_values, dtype=coord_dtype)
        if x_values is not None
        else axis(x0, dx, width, coord_dtype)
    )
    ys = (
        np.asarray(y_values, dtype=coord_dtype)
        if y_values is not None
        else axis(y0, dy, height, coord_dtype)
    )
    group = zarr.open_group(root, mode="w", zarr_format=2, storage_options=storage_options)
    group.attrs.update(dict(group_attrs or {"title": "sample cube", "crs": CRS_URLS[crs]}))
    _coord(group, xname, xs)
    _coord(group, yname, ys)
    if times is not None:
        t = _coord(group, "time", np.arange(times, dtype=time_dtype))
        if time_units is not None:
            t.attrs["units"] = time_units
    names = list(arrays) + [n for n in (overrides or {}) if n not in arrays]
    for name in names:
        spec = dict((overrides or {}).get(name, {}))
        if times is not None:
            shape, dims = (times, len(ys), len(xs)), ["time", yname, xname]
            default_chunks = (1, len(ys), len(xs))
        else:
            shape, dims = (len(ys), len(xs)), [yname, xname]
            default_chunks = (len(ys), len(xs))
        shape = tuple(spec.get("shape", shape))
        array_chunks = tuple(spec.get("chunks", chunks or default_chunks))[-len(shape) :]
        if len(array_chunks) < len(shape):
            array_chunks = (1,) * (len(shape) - len(array_chunks)) + array_chunks
        array = group.create_array(
            name,
            shape=shape,
            dtype=spec.get("dtype", dtype),
            chunks=tuple(min(c, s) if s else c for c, s in zip(array_chunks, shape, strict=True))
            if "chunks" not in spec
            else array_chunks,
            fill_value=spec.get("fill_value", fill_value),
            order=spec.get("order", "C"),
        )
        if spec.get("dims", dims) is not None:
            array.attrs["_ARRAY_DIMENSIONS"] = list(spec.get("dims", dims))
        array.attrs["long_name"] = f"band {name}"
        if int(np.prod(shape)) <= 100_000:
            array[...] = np.ones(shape, dtype=array.dtype)
    if subgroup:
        sub = group.create_group("sub")
        bad = sub.create_array("bad name", shape=(2, 2, 2, 2), dtype="i2", chunks=(1, 1, 1, 1))
        bad.attrs["_ARRAY_DIMENSIONS"] = ["a", "b", "c", "d"]
    if consolidated:
        zarr.consolidate_metadata(group.store, zarr_format=2)
    return group


def extend_time(
    root: str | Path | Any, extra: int, *, storage_options: dict[str, Any] | None = None
) -> None:
    """Append ``extra`` time steps to a cube (``time`` and every 3-D data array)."""
    group = zarr.open_group(root, mode="r+", zarr_format=2, storage_options=storage_options)
    time = group["time"]
    last = int(time[-1]) if time.shape[0] else -1
    time.append(np.arange(last + 1, last + 1 + extra, dtype=time.dtype))
    for name, array in group.arrays():
        if name != "time" and array.ndim == 3:
            array.append(np.ones((extra, *array.shape[1:]), dtype=array.dtype), axis=0)


def _coord(group: zarr.Group, name: str, values: np.ndarray) -> zarr.Array:
    array = group.create_array(
        name, shape=values.shape, dtype=values.dtype, chunks=values.shape or (1,), fill_value=None
    )
    array[...] = values
    array.attrs["_ARRAY_DIMENSIONS"] = [name]
    return array
