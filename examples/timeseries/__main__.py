"""Several collections from one bucket, re-ingested in place when new time steps land.

Config:
  bucket          the S3 bucket holding the cubes
  cubes           JSON list of {"name": ..., "path": ...}
  reingestTrigger any string; change it (e.g. to the date of the newest time step) after
                  appending time steps to the stores, and `pulumi up` re-ingests in place
"""

import pulumi

from pulumi_zarr import ZarrCollection

config = pulumi.Config()
bucket = config.require("bucket")
cubes = config.get_object("cubes") or [
    {"name": "NDVI 2024", "path": "ndvi/2024.zarr/"},
    {"name": "NDVI 2025", "path": "ndvi/2025.zarr/"},
]
trigger = config.get("reingestTrigger")

collections = {}
for cube in cubes:
    key = cube["path"].rstrip("/").replace("/", "-").replace(".", "-")
    collections[key] = ZarrCollection(
        key,
        name=cube["name"],
        s3_bucket=bucket,
        path=cube["path"],
        crs=cube.get("crs", "http://www.opengis.net/def/crs/EPSG/0/4326"),
        reingest_trigger=trigger,
        ingestion_timeout_seconds=3600,
    )

pulumi.export("data_types", {k: c.data_type for k, c in collections.items()})
pulumi.export("statuses", {k: c.status for k, c in collections.items()})
pulumi.export("arrays", {k: c.array_names for k, c in collections.items()})
