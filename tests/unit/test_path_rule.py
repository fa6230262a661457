"""The path rule is one function: the resource's inputs, the client's request body and the
emulator agree on every path (the emulator also refuses what could escape its own disk)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from pulumi_zarr.api.models import CollectionCreate, path_problem
from pulumi_zarr.collection.spec import check_path
from pulumi_zarr.crs import crs_url
from pulumi_zarr.emulator import buckets

GOOD = ["a/", "cubes/my-cube.zarr/", "x.y/z/", "..a/b../", "a b/c/"]
BAD = {
    "/abs/": "must not start with '/'",
    "/": "must not start with '/'",
    "": "must end with '/'",
    "no-slash": "must end with '/'",
    "a/b": "must end with '/'",
    "a//b/": "empty, '.' or '..' segments",
    "a//": "empty, '.' or '..' segments",
    "./": "empty, '.' or '..' segments",
    "a/../b/": "empty, '.' or '..' segments",
    "a/./": "empty, '.' or '..' segments",
    "../": "empty, '.' or '..' segments",
}
#: Refused by the emulator only: it reads buckets from its own disk.
EMULATOR_ONLY = ["a\x00/", "a\\b/", "a%2e%2e/"]


def spec_problem(value: str) -> str | None:
    try:
        check_path(value)
    except ValueError as exc:
        return str(exc)
    return None


def client_problem(value: str) -> str | None:
    try:
        CollectionCreate(name="n", s3_bucket="b", path=value, crs=crs_url(4326))
    except ValidationError as exc:
        return str(exc)
    return None


CALLERS = {
    "rule": path_problem,
    "spec": spec_problem,
    "client": client_problem,
    "emulator": buckets.path_problem,
}


@pytest.mark.parametrize("value", GOOD)
def test_good_paths_pass_everywhere(value):
    assert {name: check(value) for name, check in CALLERS.items()} == dict.fromkeys(CALLERS)


@pytest.mark.parametrize("value", sorted(BAD))
def test_bad_paths_fail_everywhere_with_the_same_reason(value):
    for name, check in CALLERS.items():
        problem = check(value)
        assert problem is not None and BAD[value] in problem, (name, problem)


def test_spec_names_the_path_and_gives_an_example():
    assert spec_problem("/abs/") == (
        "path '/abs/' must not start with '/' (the prefix of the Zarr group inside the bucket, "
        "e.g. 'cubes/my-cube.zarr/')"
    )


@pytest.mark.parametrize("value", EMULATOR_ONLY)
def test_emulator_also_refuses_what_could_escape_its_disk(value):
    assert path_problem(value) is None
    assert buckets.path_problem(value) is not None
