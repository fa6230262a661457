// One Sentinel Hub Zarr collection from a Go program, through the native provider and the SDK
// that `pulumi install` generates into sdks/sentinelhub (see README.md, "Go").
package main

import (
	"github.com/pulumi-zarr/sentinelhub/sdk/go/sentinelhub"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"
)

// setting is the project's config value key, or fallback when it is not set.
func setting(cfg *config.Config, key, fallback string) string {
	if value := cfg.Get(key); value != "" {
		return value
	}
	return fallback
}

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		cfg := config.New(ctx, "")
		cube, err := sentinelhub.NewZarrCollection(ctx, "cube", &sentinelhub.ZarrCollectionArgs{
			Name:     pulumi.String(setting(cfg, "name", "My Collection")),
			S3Bucket: pulumi.String(setting(cfg, "bucket", "my-bucket")),
			Path:     pulumi.String(setting(cfg, "path", "path-to-zarr.zarr/")),
			Crs:      pulumi.String(setting(cfg, "crs", "http://www.opengis.net/def/crs/EPSG/0/4326")),
		})
		if err != nil {
			return err
		}
		ctx.Export("collectionId", cube.ID())
		ctx.Export("status", cube.Status)
		ctx.Export("arrayNames", cube.ArrayNames)
		ctx.Export("dataType", cube.DataType)
		return nil
	})
}
