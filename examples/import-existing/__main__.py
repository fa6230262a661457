"""Adopt a collection that already exists (made by hand, by another tool, or found by a
`pulumi up` that refused to create a second one).

`pulumi config set collectionId <id>` and set name/bucket/path/crs (bucket, path and CRS
must be what the collection has; a different name renames it). The first `pulumi up` adopts
it through the `import_id` input instead of creating a new one; afterwards it is managed like
any other (`pulumi destroy` deletes it). Pulumi's `import_` option cannot work for a dynamic
resource; `import_id` is read only when the resource is created, so leaving it in the program
changes nothing later.
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
        import_id=config.require("collectionId"),
    ),
)

pulumi.export("status", adopted.status)
pulumi.export("arrays", adopted.array_names)
