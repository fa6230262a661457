"""The typed classes programs use (ZarrCollectionArgs, ZarrCollection's outputs) against the
schema, the one declaration of the inputs and outputs: names, types and optionality."""

from __future__ import annotations

import collections.abc
import dataclasses
import sys
import types
import typing
from typing import Any, get_args, get_origin

import pulumi

from pulumi_zarr.collection.spec import ZarrCollectionInputs, ZarrCollectionOutputs
from pulumi_zarr.dynamic.resource import (
    ZarrCollection,
    ZarrCollectionArgs,
    ZarrCollectionArgsDict,
    ZarrCollectionProperties,
)
from pulumi_zarr.native import NativeZarrCollection

NONE = type(None)


def _own_hints(cls: type) -> dict[str, Any]:
    """The annotations ``cls`` itself declares, evaluated in its module."""
    namespace = vars(sys.modules[cls.__module__])
    return {name: eval(text, namespace) for name, text in vars(cls)["__annotations__"].items()}


def _members(tp: Any) -> set[Any]:
    """The members of a union (a lone type is a union of one)."""
    if get_origin(tp) in (typing.Union, types.UnionType):
        return set(get_args(tp))
    return {tp}


def _plain(tp: Any) -> set[Any]:
    """``pulumi.Input[T] | None`` or ``pulumi.Output[T]`` as the members of ``T`` (and None)."""
    members: set[Any] = set()
    for member in _members(tp):
        origin = get_origin(member)
        if origin is pulumi.Output or member is pulumi.Output:
            members |= _members(get_args(member)[0])
        elif origin is not collections.abc.Awaitable and not isinstance(member, typing.ForwardRef):
            members.add(member)  # pulumi.Input[T] is T | Awaitable[T] | "Output[T]"
    return members


def _schema(model: type[Any]) -> dict[str, set[Any]]:
    return {name: _members(field.annotation) for name, field in model.model_fields.items()}


def test_args_are_the_schema_inputs():
    hints = _own_hints(ZarrCollectionArgs)
    fields = {f.name: f for f in dataclasses.fields(ZarrCollectionArgs)}
    assert list(hints) == list(ZarrCollectionInputs.model_fields)
    for name, field in ZarrCollectionInputs.model_fields.items():
        assert _plain(hints[name]) - {NONE} == _members(field.annotation) - {NONE}, name
        # an input with a default is optional in the program, and only such an input
        optional = not field.is_required()
        assert (NONE in _plain(hints[name])) is optional, name
        assert (fields[name].default is None) is optional, name


def test_keyword_args_are_the_schema_inputs():
    namespace = vars(sys.modules[ZarrCollectionArgsDict.__module__])
    hints = {  # TypedDict keeps its (and its bases') annotations as forward references
        name: eval(getattr(ref, "__forward_arg__", ref), namespace)
        for name, ref in ZarrCollectionArgsDict.__annotations__.items()
    }
    assert sorted(hints) == sorted(ZarrCollectionInputs.model_fields)
    for name, field in ZarrCollectionInputs.model_fields.items():
        assert _plain(hints[name]) - {NONE} == _members(field.annotation) - {NONE}, name
        required = name in ZarrCollectionArgsDict.__required_keys__
        assert required is field.is_required(), name


def test_resource_outputs_are_the_schema_inputs_and_outputs():
    hints = {
        name: _plain(tp)
        for name, tp in _own_hints(ZarrCollectionProperties).items()
        if get_origin(tp) is pulumi.Output
    }
    assert hints == {**_schema(ZarrCollectionInputs), **_schema(ZarrCollectionOutputs)}


def test_both_resource_classes_have_those_outputs():
    for cls in (ZarrCollection, NativeZarrCollection):
        assert issubclass(cls, ZarrCollectionProperties)
        assert "__annotations__" not in vars(cls) or not vars(cls)["__annotations__"]
