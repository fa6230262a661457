"""A bucket Sentinel Hub can read, and a collection from it: the bucket in the deployment's
region, the bucket policy from ``bucket_policy(...)``, the Zarr group's objects uploaded from a
local folder, and a ZarrCollection created only once the policy and the objects are there.

Config: ``zarr_dir`` (a local Zarr group folder; required), ``bucket_prefix``, ``path``
(the group's prefix in the bucket), ``name``, ``crs``. The deployment is the provider's
(``sentinelhub:deployment``, else the base URL's); its region places the bucket.
"""

from pathlib import Path

import pulumi
import pulumi_aws as aws

from pulumi_zarr import ZarrCollection, ZarrCollectionArgs, bucket_policy, stack_deployment

config = pulumi.Config()
deployment = stack_deployment()
zarr_dir = Path(config.require("zarr_dir"))
path = config.get("path") or f"{zarr_dir.name.rstrip('/')}/"

# the bucket must be in the deployment's region: a provider for that region places it there
region = aws.Provider("deployment-region", region=deployment.regions[0])
in_region = pulumi.ResourceOptions(provider=region)

bucket = aws.s3.Bucket(
    "zarr", bucket_prefix=config.get("bucket_prefix") or "zarr-", force_destroy=True, opts=in_region
)
policy = aws.s3.BucketPolicy(
    "sentinel-hub-read",
    bucket=bucket.id,
    policy=bucket_policy(bucket.id, deployment=deployment.name),
    opts=in_region,
)
objects = [
    aws.s3.BucketObjectv2(
        f"zarr-{file.relative_to(zarr_dir).as_posix()}",
        bucket=bucket.id,
        key=f"{path}{file.relative_to(zarr_dir).as_posix()}",
        source=pulumi.FileAsset(str(file)),
        opts=in_region,
    )
    for file in sorted(zarr_dir.rglob("*"))
    if file.is_file()
]

cube = ZarrCollection(
    "cube",
    ZarrCollectionArgs(
        name=config.get("name") or "Zarr from my bucket",
        s3_bucket=bucket.bucket,
        path=path,
        crs=config.get("crs") or "http://www.opengis.net/def/crs/EPSG/0/4326",
    ),
    # Sentinel Hub reads the bucket while ingesting: only once it may, and the data is there
    opts=pulumi.ResourceOptions(depends_on=[policy, *objects]),
)

pulumi.export("bucket", bucket.bucket)
pulumi.export("region", deployment.regions[0])
pulumi.export("collection_id", cube.id)
pulumi.export("status", cube.status)
