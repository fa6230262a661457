"""Coordinate reference systems as the Zarr Import API names them: opengis EPSG URLs."""

from __future__ import annotations

import re
from collections.abc import Iterable

CRS_URL_PREFIX = "http://www.opengis.net/def/crs/EPSG/0/"
#: OGC's CRS84 (WGS84, longitude first): the API accepts it as a CRS URL; it counts as 4326.
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"

#: EPSG codes Sentinel Hub ingests Zarr in: WGS84, WebMercator, every UTM zone, Europe LAEA.
ZARR_EPSG_CODES = frozenset([4326, 3857, 3035, *range(32601, 32661), *range(32701, 32761)])


def codes_text(codes: Iterable[int]) -> str:
    """``codes`` as messages say them: ascending, runs as ranges (``3035, 32601-32660 or …``)."""
    runs: list[list[int]] = []
    for code in sorted(codes):
        if runs and code == runs[-1][1] + 1:
            runs[-1][1] = code
        else:
            runs.append([code, code])
    items = [str(first) if first == last else f"{first}-{last}" for first, last in runs]
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} or {items[-1]}"


#: The codes as messages say them.
ZARR_EPSG_TEXT = codes_text(ZARR_EPSG_CODES)

#: The code exactly as the service lists it: ASCII decimal digits, no sign, no leading zero.
_EPSG_URL = re.compile(re.escape(CRS_URL_PREFIX) + r"([1-9][0-9]*)")


def crs_url(epsg: int) -> str:
    """The opengis URL of an EPSG code, as the Zarr Import API expects it."""
    return f"{CRS_URL_PREFIX}{epsg}"


#: The CRS a store without a ``crs`` attribute is checked for.
CRS_EPSG_4326 = crs_url(4326)


def epsg_code(crs: str) -> int | None:
    """The code of an opengis EPSG URL, else None."""
    match = _EPSG_URL.fullmatch(crs)
    return int(match.group(1)) if match else None


def epsg_of(crs: str) -> int | None:
    """The EPSG code of a CRS URL the API accepts (CRS84 counts as 4326), else None."""
    return 4326 if crs == CRS84 else epsg_code(crs)


def is_crs_url(crs: str) -> bool:
    return epsg_of(crs) is not None
