// Added by scripts/pulumi-cli.sh to the package main of the Python language host of
// sdk/v3@v3.79.0 (the last release the Go module proxy serves it from). Engines since then name
// the plugin to run (a Python policy pack's folder) in RunPluginRequest.info, a ProgramInfo
// (field 5), and leave the deprecated `program` (field 2) empty; this host's protos predate
// `info`, so it arrives as an unknown field. Without this, the host runs `python "" ARGS`, i.e.
// the __main__.py of the Pulumi program's folder instead of the policy pack.

package main

import (
	"path/filepath"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/protobuf/encoding/protowire"
)

const (
	runPluginInfoField    = 5 // RunPluginRequest.info
	programDirectoryField = 2 // ProgramInfo.program_directory
	entryPointField       = 3 // ProgramInfo.entry_point
)

// pluginProgram is the path of the plugin program a RunPlugin request names.
func pluginProgram(req *pulumirpc.RunPluginRequest) string {
	if req.Program != "" {
		return req.Program
	}
	info := field(req.ProtoReflect().GetUnknown(), runPluginInfoField)
	if info == nil {
		return ""
	}
	dir := string(field(info, programDirectoryField))
	if entry := string(field(info, entryPointField)); entry != "" && entry != "." {
		return filepath.Join(dir, entry)
	}
	return dir
}

// field is the value of the last length-delimited field `num` in the encoded message `raw`.
func field(raw []byte, num protowire.Number) []byte {
	var found []byte
	for len(raw) > 0 {
		n, typ, size := protowire.ConsumeTag(raw)
		if size < 0 {
			return found
		}
		raw = raw[size:]
		if n == num && typ == protowire.BytesType {
			value, size := protowire.ConsumeBytes(raw)
			if size < 0 {
				return found
			}
			found, raw = value, raw[size:]
			continue
		}
		size = protowire.ConsumeFieldValue(n, typ, raw)
		if size < 0 {
			return found
		}
		raw = raw[size:]
	}
	return found
}
