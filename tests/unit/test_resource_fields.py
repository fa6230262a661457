"""The typed classes programs use (``ZarrCollectionArgs``, the keyword TypedDict, the typed
outputs of both resource classes): generated from the spec, committed, and with the spec's
fields, types and optionality."""

from __future__ import annotations

import dataclasses

from pulumi_zarr.collection.spec import ZarrCollectionInputs, ZarrCollectionOutputs
from pulumi_zarr.dynamic._generated import TypedOutputs, ZarrCollectionArgs, ZarrCollectionArgsDict
from pulumi_zarr.dynamic.codegen import REGENERATE, TARGET, module_text, type_text
from pulumi_zarr.dynamic.resource import TYPE_TOKEN, ZarrCollection, ZarrCollectionBase
from pulumi_zarr.native import NativeZarrCollection

INPUTS = ZarrCollectionInputs.model_fields
OUTPUTS = ZarrCollectionOutputs.model_fields


def test_the_committed_module_is_the_generated_one():
    assert TARGET.read_text() == module_text(), f"{TARGET.name} is stale: run `{REGENERATE}`"


def test_each_type_is_written_as_the_spec_writes_it():
    for model in (ZarrCollectionInputs, ZarrCollectionOutputs):
        for name, field in model.model_fields.items():
            assert type_text(field.annotation) == model.__annotations__[name], name


def test_the_inputs_not_required_by_the_spec_are_optional_in_both_argument_forms():
    defaults = {f.name: f.default for f in dataclasses.fields(ZarrCollectionArgs)}
    assert list(defaults) == list(INPUTS)
    assert {n for n, default in defaults.items() if default is dataclasses.MISSING} == {
        n for n, field in INPUTS.items() if field.is_required()
    }
    assert ZarrCollectionArgsDict.__required_keys__ == {
        n for n, field in INPUTS.items() if field.is_required()
    }
    assert ZarrCollectionArgsDict.__optional_keys__ == {
        n for n, field in INPUTS.items() if not field.is_required()
    }


def test_both_resource_classes_have_every_input_and_output_as_typed_outputs():
    assert list(TypedOutputs.__annotations__) == [*INPUTS, *OUTPUTS]
    for cls in (ZarrCollection, NativeZarrCollection):
        assert issubclass(cls, ZarrCollectionBase)
        assert not vars(cls).get("__annotations__"), cls  # no field declared by hand


def test_the_docstrings_are_the_spec_descriptions():
    text = " ".join(TARGET.read_text().split())
    for name, field in {**INPUTS, **OUTPUTS}.items():
        assert field.description and " ".join(field.description.split()) in text, name


def test_the_dynamic_type_token_is_the_one_existing_states_hold():
    assert TYPE_TOKEN == "pulumi-python:dynamic/sentinelhub:ZarrCollection"
