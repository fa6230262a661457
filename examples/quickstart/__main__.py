"""Quickstart: one Zarr collection, exporting its status and array names.

`pulumi config set provider native` declares it with the native provider's class
(NativeZarrCollection, served by the `pulumi-resource-sentinelhub` plugin: see Pulumi.yaml)
instead of the dynamic ZarrCollection; both take the same arguments and have the same outputs.
"""

import pulumi

from pulumi_zarr import ZarrCollection, ZarrCollectionArgs
from pulumi_zarr.native import NativeZarrCollection

config = pulumi.Config()
Collection: type[ZarrCollection] | type[NativeZarrCollection] = (
    NativeZarrCollection if config.get("provider") == "native" else ZarrCollection
)

cube = Collection(
    "cube",
    ZarrCollectionArgs(
        name=config.get("name") or "My Collection",
        s3_bucket=config.get("bucket") or "my-bucket",
        path=config.get("path") or "path-to-zarr.zarr/",
        crs=config.get("crs") or "http://www.opengis.net/def/crs/EPSG/0/4326",
    ),
)

pulumi.export("collection_id", cube.id)
pulumi.export("status", cube.status)
pulumi.export("arrays", cube.array_names)
pulumi.export("ingestion_errors", cube.ingestion_errors)
pulumi.export("data_type", cube.data_type)
