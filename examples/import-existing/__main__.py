"""Adopt a collection that already exists (made by hand or by another tool).

`pulumi config set collectionId <id>` and set name/bucket/path/crs to what the collection
has (`pulumi-zarr`-free way to look: GET .../collections/<id>). The first `pulumi up`
imports it without changing it; afterwards it is managed like any other. Remove the
`import_` option once imported.
"""

import pulumi

from pulumi_zarr import ZarrCollection, ZarrCollectionArgs

config = pulumi.Config()

adopted = ZarrCollection(
    "adopted",
    ZarrCollectionArgs(
        name=config.require("name"),
        s3_bucket=config.require("bucket"),
        path=config.require("path"),
        crs=config.get("crs") or "http://www.opengis.net/def/crs/EPSG/0/4326",
    ),
    opts=pulumi.ResourceOptions(import_=config.require("collectionId")),
)

pulumi.export("status", adopted.status)
pulumi.export("arrays", adopted.array_names)
