// Command langhost-front stands in front of a real Pulumi language host (pulumi-language-nodejs
// or pulumi-language-go, built by scripts/pulumi-languages.sh from the last sdk/v3 release that
// still carried it). Those hosts predate two calls the newer engine makes:
//
//   - GeneratePackage (`pulumi package gen-sdk`, `pulumi package add`, `packages:` in
//     Pulumi.yaml): served here with Pulumi's own generators (github.com/pulumi/pulumi/pkg/v3/
//     codegen) of the same pkg/v3 release as the CLI;
//   - Link (`pulumi package add`, `pulumi install`): served here by adding the generated SDK to
//     the program's package.json (Node.js) or go.mod (a require plus a replace, Go);
//   - and, for Go, GetRequiredPlugins is the real host's answer less the modules it wrongly takes
//     for providers (notProviders).
//
// Every other call (Run, InstallDependencies, GetRequiredPlugins, About, ...) is forwarded
// byte for byte to the real host, which this process starts with the same arguments from
// <own folder>/hosts/<own name> and stops when it ends.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"

	gogen "github.com/pulumi/pulumi/pkg/v3/codegen/go"
	"github.com/pulumi/pulumi/pkg/v3/codegen/nodejs"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/protobuf/proto"
)

// version is the pkg/v3 release the generators come from (-ldflags "-X main.version=...").
var version = ""

// language is "nodejs" or "go": the suffix of this executable's name.
var language = strings.TrimPrefix(filepath.Base(os.Args[0]), "pulumi-language-")

// frame is one message, passed through undecoded.
type frame struct{ data []byte }

// codec passes frames through as they are and (un)marshals the calls served here as protobuf.
type codec struct{}

func (codec) Name() string { return "proto" }

func (codec) Marshal(v any) ([]byte, error) {
	if f, ok := v.(*frame); ok {
		return f.data, nil
	}
	return proto.Marshal(v.(proto.Message))
}

func (codec) Unmarshal(data []byte, v any) error {
	if f, ok := v.(*frame); ok {
		f.data = append([]byte(nil), data...)
		return nil
	}
	return proto.Unmarshal(data, v.(proto.Message))
}

// forward relays one call of any kind (unary or streaming) to the real host.
func forward(conn *grpc.ClientConn) grpc.StreamHandler {
	return func(_ any, in grpc.ServerStream) error {
		method, ok := grpc.MethodFromServerStream(in)
		if !ok {
			return errors.New("langhost-front: a call without a method name")
		}
		ctx, cancel := context.WithCancel(in.Context())
		defer cancel()
		if md, ok := metadata.FromIncomingContext(in.Context()); ok {
			ctx = metadata.NewOutgoingContext(ctx, md.Copy())
		}
		out, err := conn.NewStream(ctx, &grpc.StreamDesc{ServerStreams: true, ClientStreams: true},
			method, grpc.ForceCodec(codec{}))
		if err != nil {
			return err
		}
		sent := make(chan error, 1)
		go func() {
			for {
				f := &frame{}
				if err := in.RecvMsg(f); err != nil {
					if errors.Is(err, io.EOF) {
						sent <- out.CloseSend()
					} else {
						sent <- err
					}
					return
				}
				if err := out.SendMsg(f); err != nil {
					sent <- nil // the real host's answer (below) says why
					return
				}
			}
		}()
		if md, err := out.Header(); err == nil {
			_ = in.SendHeader(md)
		}
		for {
			f := &frame{}
			if err := out.RecvMsg(f); err != nil {
				in.SetTrailer(out.Trailer())
				if errors.Is(err, io.EOF) {
					return nil
				}
				return err
			}
			if err := in.SendMsg(f); err != nil {
				return err
			}
		}
	}
}

type front struct {
	pulumirpc.UnimplementedLanguageRuntimeServer
	real pulumirpc.LanguageRuntimeClient
}

// notProviders are modules of Pulumi's own that newer sdk/v3 releases require and that the Go
// host of sdk/v3@v3.66.0 takes for providers by their path (github.com/pulumi/pulumi-<name>/...)
// although they carry no pulumi-plugin.json: the engine would try to download a plugin for each.
var notProviders = map[string]bool{"cloud-sdk": true}

// GetRequiredPlugins (Go only) is the real host's answer without notProviders.
func (f front) GetRequiredPlugins(
	ctx context.Context, req *pulumirpc.GetRequiredPluginsRequest,
) (*pulumirpc.GetRequiredPluginsResponse, error) {
	resp, err := f.real.GetRequiredPlugins(ctx, req)
	if err != nil {
		return nil, err
	}
	kept := resp.Plugins[:0]
	for _, p := range resp.Plugins {
		if !notProviders[p.Name] {
			kept = append(kept, p)
		}
	}
	resp.Plugins = kept
	return resp, nil
}

func (front) GeneratePackage(
	_ context.Context, req *pulumirpc.GeneratePackageRequest,
) (*pulumirpc.GeneratePackageResponse, error) {
	loader, err := schema.NewLoaderClient(req.LoaderTarget)
	if err != nil {
		return nil, err
	}
	defer loader.Close()
	var spec schema.PackageSpec
	if err := json.Unmarshal([]byte(req.Schema), &spec); err != nil {
		return nil, err
	}
	pkg, diags, err := schema.BindSpec(spec, loader, schema.ValidationOptions{})
	if err != nil {
		return nil, err
	}
	if diags.HasErrors() {
		return &pulumirpc.GeneratePackageResponse{
			Diagnostics: plugin.HclDiagnosticsToRPCDiagnostics(diags)}, nil
	}
	var files map[string][]byte
	switch language {
	case "nodejs":
		files, err = nodejs.GeneratePackage(
			"pulumi-language-nodejs", pkg, req.ExtraFiles, req.LocalDependencies, req.Local, loader)
	case "go":
		files, err = gogen.GeneratePackage("pulumi-language-go", pkg, req.LocalDependencies)
	default:
		err = fmt.Errorf("langhost-front: no generator for language %q", language)
	}
	if err != nil {
		return nil, err
	}
	for name, data := range files {
		path := filepath.Join(req.Directory, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return nil, err
		}
		if err := os.WriteFile(path, data, 0o644); err != nil {
			return nil, err
		}
	}
	return &pulumirpc.GeneratePackageResponse{
		Diagnostics: plugin.HclDiagnosticsToRPCDiagnostics(diags)}, nil
}

func (front) Link(_ context.Context, req *pulumirpc.LinkRequest) (*pulumirpc.LinkResponse, error) {
	root := req.GetInfo().GetProgramDirectory()
	if root == "" {
		root = req.GetInfo().GetRootDirectory()
	}
	var text strings.Builder
	for _, dep := range req.Packages {
		var err error
		var line string
		switch language {
		case "nodejs":
			line, err = linkNodejs(root, dep.Path)
		case "go":
			line, err = linkGo(root, dep.Path)
		default:
			err = fmt.Errorf("langhost-front: cannot link packages for language %q", language)
		}
		if err != nil {
			return nil, err
		}
		text.WriteString(line + "\n")
	}
	return &pulumirpc.LinkResponse{ImportInstructions: text.String()}, nil
}

// linkNodejs adds the SDK in dir (relative to root) to root's package.json as a file: dependency.
func linkNodejs(root, dir string) (string, error) {
	var sdk struct {
		Name string `json:"name"`
	}
	data, err := os.ReadFile(filepath.Join(root, dir, "package.json"))
	if err == nil {
		err = json.Unmarshal(data, &sdk)
	}
	if err != nil || sdk.Name == "" {
		return "", fmt.Errorf("langhost-front: %s has no package.json with a name: %v", dir, err)
	}
	manifest := filepath.Join(root, "package.json")
	project := map[string]any{}
	if data, err := os.ReadFile(manifest); err == nil {
		if err := json.Unmarshal(data, &project); err != nil {
			return "", fmt.Errorf("langhost-front: %s: %w", manifest, err)
		}
	}
	deps, _ := project["dependencies"].(map[string]any)
	if deps == nil {
		deps = map[string]any{}
	}
	deps[sdk.Name] = "file:" + filepath.ToSlash(dir)
	project["dependencies"] = deps
	out, err := json.MarshalIndent(project, "", "    ")
	if err != nil {
		return "", err
	}
	if err := os.WriteFile(manifest, append(out, '\n'), 0o644); err != nil {
		return "", err
	}
	return fmt.Sprintf("import * as sentinelhub from \"%s\";", sdk.Name), nil
}

// linkGo requires the SDK module in dir from root's go.mod and replaces it with that folder.
func linkGo(root, dir string) (string, error) {
	data, err := os.ReadFile(filepath.Join(root, dir, "go.mod"))
	if err != nil {
		return "", fmt.Errorf("langhost-front: %s has no go.mod: %w", dir, err)
	}
	module := ""
	for _, line := range strings.Split(string(data), "\n") {
		if f := strings.Fields(line); len(f) == 2 && f[0] == "module" {
			module = f[1]
		}
	}
	if module == "" {
		return "", fmt.Errorf("langhost-front: %s/go.mod names no module", dir)
	}
	local := "./" + filepath.ToSlash(filepath.Clean(dir))
	cmd := exec.Command("go", "mod", "edit", "-require="+module+"@v0.0.0",
		"-replace="+module+"="+local)
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("langhost-front: go mod edit in %s: %v: %s", root, err, out)
	}
	if pkg := filepath.Base(filepath.Clean(dir)); isDir(filepath.Join(root, dir, pkg)) {
		module += "/" + pkg
	}
	return fmt.Sprintf("import \"%s\"", module), nil
}

func isDir(path string) bool {
	info, err := os.Stat(path)
	return err == nil && info.IsDir()
}

func fatal(err error) {
	fmt.Fprintf(os.Stderr, "langhost-front (pulumi-language-%s): %v\n", language, err)
	os.Exit(1)
}

func main() {
	self, err := os.Executable()
	if err != nil {
		fatal(err)
	}
	real := filepath.Join(filepath.Dir(self), "hosts", filepath.Base(os.Args[0]))
	cmd := exec.Command(real, os.Args[1:]...)
	cmd.Stderr = os.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		fatal(err)
	}
	if err := cmd.Start(); err != nil {
		fatal(fmt.Errorf("starting the real host %s: %w", real, err))
	}
	defer func() { _ = cmd.Process.Kill() }()
	lines := bufio.NewReader(stdout)
	port, err := lines.ReadString('\n')
	if err != nil {
		fatal(fmt.Errorf("the real host %s printed no port: %w", real, err))
	}
	go func() { _, _ = io.Copy(os.Stdout, lines) }()
	conn, err := grpc.NewClient("127.0.0.1:"+strings.TrimSpace(port),
		grpc.WithTransportCredentials(insecure.NewCredentials()), rpcutil.GrpcChannelOptions())
	if err != nil {
		fatal(err)
	}
	defer conn.Close()

	desc := pulumirpc.LanguageRuntime_ServiceDesc
	served := []grpc.MethodDesc{}
	for _, m := range desc.Methods {
		if m.MethodName == "GeneratePackage" || m.MethodName == "Link" ||
			(m.MethodName == "GetRequiredPlugins" && language == "go") {
			served = append(served, m)
		}
	}
	desc.Methods, desc.Streams = served, nil
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Init: func(srv *grpc.Server) error {
			srv.RegisterService(&desc, front{real: pulumirpc.NewLanguageRuntimeClient(conn)})
			return nil
		},
		Options: []grpc.ServerOption{
			grpc.ForceServerCodec(codec{}), grpc.UnknownServiceHandler(forward(conn)),
			grpc.MaxRecvMsgSize(400 * 1024 * 1024),
		},
	})
	if err != nil {
		fatal(err)
	}
	fmt.Printf("%d\n", handle.Port)
	if err := <-handle.Done; err != nil {
		fatal(err)
	}
}
