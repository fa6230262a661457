#!/usr/bin/env bash
# Builds the real Pulumi CLI from Go modules (pulumi, pulumi-language-python with its -exec shim,
# pulumi-resource-pulumi-python, pulumi-language-yaml) for the `pulumi` SDK pinned in
# constraints.txt, caches it outside the repo and prints the bin directory as its LAST line:
#
#   PATH="$(bash scripts/pulumi-cli.sh | tail -n 1):$PATH"
#
# Reuses the cache when it is complete. If the exact pkg/v3 tag is not served by the Go module
# proxy, it builds the nearest newer release, says so, and records what it built in
# <cache>/BUILT_FROM. Environment: PULUMI_CLI_VERSION (default: the SDK pin),
# PULUMI_YAML_VERSION, PULUMI_CLI_CACHE (default ~/.cache/pulumi-zarr).
set -euo pipefail
cd "$(dirname "$0")/.."

say() { echo "pulumi-cli: $*" >&2; }
die() { echo "pulumi-cli: $*" >&2; exit 1; }

sdk_version="v$(sed -n 's/^pulumi==\([0-9.]*\)$/\1/p' constraints.txt)"
[ "$sdk_version" != v ] || die "constraints.txt pins no pulumi==X.Y.Z"
want="v${PULUMI_CLI_VERSION:-$sdk_version}"
want="v${want#v}" && want="${want/#vv/v}"
yaml_version="${PULUMI_YAML_VERSION:-v1.38.1}"
cache="${PULUMI_CLI_CACHE:-$HOME/.cache/pulumi-zarr}/pulumi-${want#v}"
bin="$cache/bin"
tools=(pulumi pulumi-language-python pulumi-language-python-exec pulumi-resource-pulumi-python
       pulumi-language-yaml)

complete() {
  local t
  for t in "${tools[@]}"; do [ -x "$bin/$t" ] || return 1; done
  [ -n "$("$bin/pulumi" version 2>/dev/null)" ]
}

need_go() {
  command -v go >/dev/null 2>&1 \
    || die "needs Go >= 1.25 on PATH and the Go module proxy to build the Pulumi CLI; no go found"
  export GOTOOLCHAIN="${GOTOOLCHAIN:-local}" CGO_ENABLED=0 GOFLAGS=-mod=mod
}

# go build -v names each package it compiles: count them as progress, pass anything else through.
progress() {
  awk -v what="$1" '/^go: downloading/ {next} /^#|: / {print > "/dev/stderr"; next}
    {n++} n % 100 == 0 {printf "pulumi-cli:   %s: %d packages compiled\n", what, n > "/dev/stderr"}'
}

# Where the proxy does not serve the Python language host's own module (the one of this
# project's machines refuses it), it is built from the last sdk/v3 release that still held it as
# a package. The newer engine drives it over the same gRPC protocol, but that host ignores the
# `virtualenv` runtime option: set PULUMI_PYTHON_CMD to the venv's python (tests/e2e and
# scripts/demo.sh do). And it reads the plugin to run from a field newer engines leave empty:
# scripts/langhost-patch/ adds the reading of the field they use (a Python policy pack's folder).
legacy_sdk=v3.79.0
legacy_host="github.com/pulumi/pulumi/sdk/v3/python/cmd/pulumi-language-python@$legacy_sdk"
patch_dir="$PWD/scripts/langhost-patch"
patch_stamp="$(cat "$patch_dir"/*.go | cksum | cut -d' ' -f1)"

# build_legacy_host OUT: the language host of $legacy_sdk, with the patch, as OUT.
build_legacy_host() {
  local out="$1" dir src
  dir="$(mktemp -d)"
  src="$(go mod download -json "github.com/pulumi/pulumi/sdk/v3@$legacy_sdk" \
         | python3 -c 'import json,sys; print(json.load(sys.stdin).get("Dir", ""))')"
  [ -f "$src/python/cmd/pulumi-language-python/main.go" ] \
    || { rm -rf "$dir"; die "github.com/pulumi/pulumi/sdk/v3@$legacy_sdk is not served"; }
  printf '%s\n' "module pulumizarr.local/langhost" "" "go 1.21" "" \
    "require github.com/pulumi/pulumi/sdk/v3 $legacy_sdk" "" \
    "// as in sdk/go.mod at that release" \
    "replace golang.org/x/text => golang.org/x/text v0.3.6" > "$dir/go.mod"
  sed 's/args := \[\]string{req.Program}/args := []string{pluginProgram(req)}/' \
    "$src/python/cmd/pulumi-language-python/main.go" > "$dir/main.go"
  grep -q 'pluginProgram(req)' "$dir/main.go" \
    || { rm -rf "$dir"; die "the RunPlugin patch no longer applies to $legacy_host"; }
  cp "$patch_dir"/*.go "$dir/"
  (cd "$dir" && go build -v -trimpath -ldflags "-s -w" -o "$out.new" . 2>&1 \
     | progress language-python)
  rm -rf "$dir"
  [ -x "$out.new" ] || die "building pulumi-language-python failed (errors above)"
  mv "$out.new" "$out"
}

# One build at a time per cache: a second run (another checkout, a second terminal) waits for
# the first, then finds the cache complete.
mkdir -p "$cache"
exec 9>"$cache/.lock"
if ! flock -n 9; then
  say "another pulumi-cli.sh is building into $cache: waiting for it"
  flock 9
fi

if complete; then
  # a cached legacy host built without the patch (or with an older one): rebuild it alone
  if grep -q "language-python $legacy_host" "$cache/BUILT_FROM" 2>/dev/null \
      && [ "$(cat "$cache/LANGHOST_PATCH" 2>/dev/null)" != "$patch_stamp" ]; then
    need_go
    say "rebuilding pulumi-language-python with scripts/langhost-patch (RunPlugin reads info)"
    build_legacy_host "$bin/pulumi-language-python"
    echo "$patch_stamp" > "$cache/LANGHOST_PATCH"
  fi
  say "cached: pulumi $("$bin/pulumi" version) in $bin"
  say "built from: $(cat "$cache/BUILT_FROM" 2>/dev/null || echo unknown)"
  echo "$bin"
  exit 0
fi

need_go
go_ver="$(go env GOVERSION)"
pkg=github.com/pulumi/pulumi/pkg/v3
served() { go mod download -json "$pkg@$1" 2>/dev/null | grep -q '"Dir"'; }

# The pkg/v3 tag to build: the wanted one, else the nearest newer release the proxy serves.
version="$want"
if ! served "$version"; then
  versions="$(go list -m -versions "$pkg" 2>/dev/null)" \
    || die "needs the Go module proxy ($(go env GOPROXY)) to build the Pulumi CLI; it did not answer"
  version=""
  for v in $(echo "$versions" | tr ' ' '\n' | grep -E '^v[0-9]+\.[0-9]+\.[0-9]+$' | sort -V); do
    newer="$(printf '%s\n%s\n' "$want" "$v" | sort -V | tail -n 1)"
    if [ "$v" != "$want" ] && [ "$newer" = "$v" ] && served "$v"; then version="$v"; break; fi
  done
  [ -n "$version" ] || die "$pkg@$want is not served by the Go module proxy, nor any newer release"
  say "$pkg@$want is not served by the Go module proxy: building the nearest newer release $version"
fi

start=$SECONDS
work="$(mktemp -d)"
partial="$bin.partial.$$"
trap 'rm -rf "$work" "$partial"' EXIT
say "building Pulumi CLI $version with $go_ver into $bin (the first build takes minutes)"
mkdir -p "$work/cli" "$partial"
cd "$work/cli"
cat > go.mod <<EOF
module pulumizarr.local/clibuild

go 1.25.11

require (
	$pkg $version
	github.com/pulumi/pulumi/sdk/v3 $version
)

// as in pkg/go.mod (its other replace, sdk/v3 => ../sdk, is the require above)
replace github.com/atotto/clipboard => github.com/tgummerer/clipboard v0.0.0-20241001131231-d02d263e614e
EOF

say "[1/5] resolving the CLI's modules"
go get -tool "$pkg/cmd/pulumi@$version" 2>&1 | grep -v '^go: downloading' >&2 || true
grep -q "$pkg $version" go.mod || die "could not resolve $pkg/cmd/pulumi@$version"

# The Python language host is a module of its own without tags: pin it to the pkg tag's commit
# (else the legacy host above).
langhost_mod=github.com/pulumi/pulumi/sdk/python/cmd/pulumi-language-python/v3
commit="$(go mod download -json "$pkg@$version" \
          | python3 -c 'import json,sys; print(json.load(sys.stdin).get("Origin", {}).get("Hash", ""))')"
if [ -n "$commit" ] && go get -tool "$langhost_mod@$commit" >/dev/null 2>&1; then
  langhost="$langhost_mod@$commit"
  grep -q "$pkg $version" go.mod || die "resolving the language host moved $pkg off $version"
else
  langhost="$legacy_host"
fi
say "[2/5] language host: $langhost"

flags=(-trimpath -tags osusergo,grpcnotrace
       -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$version")
say "[3/5] compiling pulumi (the longest step)"
go build -v "${flags[@]}" -o "$partial/pulumi" "$pkg/cmd/pulumi" 2>&1 | progress pulumi
[ -x "$partial/pulumi" ] || die "building pulumi failed (errors above)"

say "[4/5] compiling pulumi-language-python"
if [ "${langhost%@*}" = "$langhost_mod" ]; then
  go build -v "${flags[@]}" -o "$partial/pulumi-language-python" "$langhost_mod" 2>&1 \
    | progress language-python
else
  build_legacy_host "$partial/pulumi-language-python"
  echo "$patch_stamp" > "$cache/LANGHOST_PATCH"
fi
[ -x "$partial/pulumi-language-python" ] || die "building pulumi-language-python failed"
# The exec shim and the dynamic-provider launcher: scripts of the SDK release we pin.
sdkdir="$(go mod download -json "github.com/pulumi/pulumi/sdk/v3@$want" \
          | python3 -c 'import json,sys; print(json.load(sys.stdin).get("Dir", ""))')"
[ -d "$sdkdir" ] || die "github.com/pulumi/pulumi/sdk/v3@$want is not served (needed for its scripts)"
install -m 0755 "$sdkdir/python/dist/pulumi-resource-pulumi-python" "$partial/"
install -m 0755 "$sdkdir/python/cmd/pulumi-language-python-exec" "$partial/"

say "[5/5] compiling pulumi-language-yaml $yaml_version"
GOFLAGS= GOBIN="$partial" go install -v -trimpath \
  -ldflags "-s -w -X github.com/pulumi/pulumi-yaml/pkg/version.Version=$yaml_version" \
  "github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml@$yaml_version" 2>&1 | progress language-yaml
[ -x "$partial/pulumi-language-yaml" ] || die "building pulumi-language-yaml failed"

built="$("$partial/pulumi" version)"
[ -n "$built" ] || die "the built pulumi prints an empty version"
rm -rf "$bin"
mv "$partial" "$bin"
echo "pulumi $version (wanted $want); language-python $langhost; scripts of sdk/v3@$want;" \
  "language-yaml $yaml_version; $go_ver" > "$cache/BUILT_FROM"
say "built pulumi $built in $((SECONDS - start)) s: $(cat "$cache/BUILT_FROM")"
echo "$bin"
