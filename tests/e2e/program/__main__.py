"""The program of the real-CLI journeys: its collections come from the stack config.

``collections`` (JSON): logical name -> ZarrCollection inputs, plus optional ``options``
(ResourceOptions keywords) or ``get`` (an id: a read-only reference). ``many`` (JSON):
``{"count": N, "s3_bucket": ..., "path": ...}`` adds N collections ``many-<i>`` that do not
wait for ingestion (scale runs). ``lookups`` (JSON): export name -> ``get_zarr_collection``
keywords (``name`` or ``id``). ``resource``: ``native`` declares the collections with the
native provider's class (NativeZarrCollection) instead of the dynamic one.
A collection's own ``resource`` key does the same for that collection alone.
``engine_default_provider``: the dynamic collections run under the engine's default
``pulumi-python`` provider, as before they had their own (a stack of an older release).
"""

import json

import pulumi

from pulumi_zarr import ZarrCollection, ZarrCollectionArgs, get_zarr_collection
from pulumi_zarr.native import NativeZarrCollection

config = pulumi.Config()
if config.get_bool("engine_default_provider"):
    import pulumi_zarr.dynamic.resource

    pulumi_zarr.dynamic.resource.dynamic_provider = lambda: None  # type: ignore[assignment,return-value]
Collection = NativeZarrCollection if config.get("resource") == "native" else ZarrCollection

for logical, spec in json.loads(config.get("collections") or "{}").items():
    spec = dict(spec)
    kind = spec.pop("resource", None)
    Class = {"native": NativeZarrCollection, "dynamic": ZarrCollection}.get(kind, Collection)
    if "get" in spec:
        cube = Class.get(logical, spec["get"])
    else:
        options = pulumi.ResourceOptions(**spec.pop("options", {}))
        cube = Class(logical, ZarrCollectionArgs(**spec), opts=options)
    pulumi.export(
        logical,
        {
            "id": cube.id,
            "name": cube.name,
            "s3_bucket": cube.s3_bucket,
            "path": cube.path,
            "crs": cube.crs,
            "status": cube.status,
            "array_names": cube.array_names,
            "data_type": cube.data_type,
            "ingestion_errors": cube.ingestion_errors,
            "width": cube.width,
            "envelope": cube.envelope,
        },
    )

many = json.loads(config.get("many") or "{}")
if many:
    cubes = [
        Collection(
            f"many-{i}",
            ZarrCollectionArgs(
                name=f"{many.get('prefix', 'many')} {i}",
                s3_bucket=many["s3_bucket"],
                path=many["path"],
                crs="http://www.opengis.net/def/crs/EPSG/0/4326",
                wait_for_ingestion=many.get("wait", False),
            ),
        )
        for i in range(many["count"])
    ]
    pulumi.export("many_ids", pulumi.Output.all(*[c.id for c in cubes]).apply(len))

for export, query in json.loads(config.get("lookups") or "{}").items():
    pulumi.export(export, get_zarr_collection(**query))
