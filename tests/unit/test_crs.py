"""The CRS facts: the EPSG codes Zarr ingests, and the text that names them."""

from __future__ import annotations

import re

import pytest

from pulumi_zarr.crs import (
    CRS84,
    ZARR_EPSG_CODES,
    ZARR_EPSG_TEXT,
    codes_text,
    crs_url,
    epsg_code,
    epsg_of,
)


def test_the_text_names_exactly_the_codes():
    named: set[int] = set()
    for first, last in re.findall(r"(\d+)(?:-(\d+))?", ZARR_EPSG_TEXT):
        named.update(range(int(first), int(last or first) + 1))
    assert named == ZARR_EPSG_CODES
    assert ZARR_EPSG_TEXT == "3035, 3857, 4326, 32601-32660 or 32701-32760"


@pytest.mark.parametrize(
    ("codes", "text"),
    [
        ([7], "7"),
        ([3, 1], "1 or 3"),
        ([2, 1], "1-2"),
        ([5, 1, 2, 3], "1-3 or 5"),
        ([1, 3, 4, 9], "1, 3-4 or 9"),
    ],
)
def test_codes_text_collapses_runs(codes, text):
    assert codes_text(codes) == text


@pytest.mark.parametrize(
    ("crs", "code", "accepted"),
    [
        (crs_url(32633), 32633, 32633),
        (CRS84, None, 4326),
        ("EPSG:4326", None, None),
        (crs_url(4326) + "/", None, None),
        ("http://www.opengis.net/def/crs/EPSG/0/²", None, None),
    ],
)
def test_codes_of_crs_urls(crs, code, accepted):
    assert epsg_code(crs) == code
    assert epsg_of(crs) == accepted
