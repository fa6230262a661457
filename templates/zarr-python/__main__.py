"""A Sentinel Hub Zarr collection, ingested from a Zarr group in your S3 bucket.

`pulumi new` asked for the configuration; change it with `pulumi config set` (bucket, path, name,
crs, sentinelhub:clientId, sentinelhub:clientSecret --secret, sentinelhub:baseUrl).
"""

import pulumi

from pulumi_zarr import ZarrCollection, ZarrCollectionArgs

config = pulumi.Config()

collection = ZarrCollection(
    "collection",
    ZarrCollectionArgs(
        name=config.require("name"),
        s3_bucket=config.require("bucket"),
        path=config.require("path"),
        crs=config.require("crs"),
    ),
)

pulumi.export("collection_id", collection.id)
pulumi.export("status", collection.status)
pulumi.export("arrays", collection.array_names)
pulumi.export("ingestion_errors", collection.ingestion_errors)
pulumi.export("data_type", collection.data_type)
