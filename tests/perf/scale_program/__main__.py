"""The program of tests/perf/test_scale.py: ``count`` resources of one ``kind``.

``kind``: ``noop`` (a dynamic resource whose provider does nothing: the engine's and the SDK's
floor), ``noop-wide`` (the same, registering every property ZarrCollection registers: the floor
for that schema), ``dynamic`` (ZarrCollection) or ``native`` (NativeZarrCollection). Each
resource has the same five inputs; the collections do not wait for their ingestion. ``store``
(JSON): ``{"s3_bucket": ..., "path": ...}``; ``prefix``: the collections are named
``<prefix> <i>``.
"""

import json

import pulumi
import pulumi.dynamic

config = pulumi.Config()
kind = config.require("kind")
count = config.require_int("count")
prefix = config.get("prefix") or "scale"
store = json.loads(config.require("store"))
CRS = "http://www.opengis.net/def/crs/EPSG/0/4326"


def inputs(i: int) -> dict:
    return {"name": f"{prefix} {i}", **store, "crs": CRS, "wait_for_ingestion": False}


if kind.startswith("noop"):

    class NoOp(pulumi.dynamic.ResourceProvider):
        """Creates nothing: an id, and the inputs as outputs."""

        def create(self, props):
            import uuid

            return pulumi.dynamic.CreateResult(str(uuid.uuid4()), props)

        def read(self, id_, props):
            return pulumi.dynamic.ReadResult(id_, props)

        def delete(self, id_, props):
            return None

    import pickle

    class NoOpResource(pulumi.dynamic.Resource, module="perf", name="NoOp"):
        def __init__(self, name: str, props: dict) -> None:
            # as ZarrCollection does: undo the pickler wrapper the SDK's serialize_provider
            # leaves behind per resource (RecursionError near 960 resources otherwise)
            saved = {n: getattr(pickle._Pickler, n) for n in ("_batch_setitems", "save_dict")}
            try:
                super().__init__(NoOp(), name, props)
            finally:
                for n, method in saved.items():
                    setattr(pickle._Pickler, n, method)

    fields: tuple[str, ...] = ()
    if kind == "noop-wide":
        from pulumi_zarr.collection.spec import INPUT_FIELDS, OUTPUT_FIELDS

        fields = (*INPUT_FIELDS, *OUTPUT_FIELDS)
    made = [NoOpResource(f"c-{i}", {**dict.fromkeys(fields), **inputs(i)}) for i in range(count)]
else:
    from pulumi_zarr import ZarrCollection, ZarrCollectionArgs

    if kind == "native":
        from pulumi_zarr.native import NativeZarrCollection as Class
    else:
        Class = ZarrCollection
    made = [Class(f"c-{i}", ZarrCollectionArgs(**inputs(i))) for i in range(count)]

pulumi.export("ids", pulumi.Output.all(*[r.id for r in made]).apply(len))
