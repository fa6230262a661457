// One Sentinel Hub Zarr collection from a TypeScript program, through the native provider and
// the SDK that `pulumi install` generates into sdks/sentinelhub (see README.md, "TypeScript"),
// then the package's functions looking at it. The look-ups take the collection's outputs, so
// they run once it exists (at preview, while it is not known yet, they wait).
import * as pulumi from "@pulumi/pulumi";
import * as sentinelhub from "@pulumi-zarr/sentinelhub";

const config = new pulumi.Config();

const cube = new sentinelhub.ZarrCollection("cube", {
    name: config.get("name") ?? "My Collection",
    s3Bucket: config.get("bucket") ?? "my-bucket",
    path: config.get("path") ?? "path-to-zarr.zarr/",
    crs: config.get("crs") ?? "http://www.opengis.net/def/crs/EPSG/0/4326",
});

const byId = sentinelhub.getZarrCollectionOutput({ id: cube.id });
// lookupSuffix is appended to the name looked up: anything but "" finds no collection
const byName = sentinelhub.getZarrCollectionOutput({
    name: pulumi.interpolate`${byId.name}${config.get("lookupSuffix") ?? ""}`,
});
const named = sentinelhub.getZarrCollectionsOutput({ name: byId.name });
const firstArray = sentinelhub.getZarrArrayOutput({
    collectionId: cube.id,
    name: cube.arrayNames[0],
});

export const collectionId = cube.id;
export const status = cube.status;
export const arrayNames = cube.arrayNames;
export const dataType = cube.dataType;
export const statusById = byId.status;
export const dataTypeByName = byName.dataType;
export const namedIds = named.ids;
export const firstArrayShape = firstArray.zarray.apply((zarray) => zarray["shape"]);
