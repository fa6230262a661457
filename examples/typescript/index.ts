// One Sentinel Hub Zarr collection from a TypeScript program, through the native provider and
// the SDK that `pulumi install` generates into sdks/sentinelhub (see README.md, "TypeScript").
import * as pulumi from "@pulumi/pulumi";
import * as sentinelhub from "@pulumi-zarr/sentinelhub";

const config = new pulumi.Config();

const cube = new sentinelhub.ZarrCollection("cube", {
    name: config.get("name") ?? "My Collection",
    s3Bucket: config.get("bucket") ?? "my-bucket",
    path: config.get("path") ?? "path-to-zarr.zarr/",
    crs: config.get("crs") ?? "http://www.opengis.net/def/crs/EPSG/0/4326",
});

export const collectionId = cube.id;
export const status = cube.status;
export const arrayNames = cube.arrayNames;
export const dataType = cube.dataType;
