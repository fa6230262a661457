#!/usr/bin/env bash
# Builds the language plugins `pulumi package gen-sdk --language nodejs|go` needs
# (pulumi-language-nodejs, pulumi-language-go) from scripts/codegen-host, which serves only the
# SDK generation call with Pulumi's own generators (github.com/pulumi/pulumi/pkg/v3/codegen) of
# the same pkg/v3 release as the CLI scripts/pulumi-cli.sh built. Caches them outside the repo, in
# a folder of their own beside that CLI's, and prints that folder as its LAST line:
#
#   PATH="$(bash scripts/pulumi-codegen.sh | tail -n 1):$PATH"
#
# The upstream language hosts are modules without version tags, which the Go module proxy does
# not serve here. Environment: PULUMI_CLI_CACHE (default ~/.cache/pulumi-zarr).
set -euo pipefail
cd "$(dirname "$0")/.."

say() { echo "pulumi-codegen: $*" >&2; }
die() { echo "pulumi-codegen: $*" >&2; exit 1; }

cli_bin="$(bash scripts/pulumi-cli.sh | tail -n 1)"
[ -x "$cli_bin/pulumi" ] || die "no Pulumi CLI (scripts/pulumi-cli.sh)"
version="$(sed -n 's/^pulumi \(v[0-9.]*\) .*/\1/p' "$cli_bin/../BUILT_FROM")"
[ -n "$version" ] || die "cannot tell which pkg/v3 release built $cli_bin/pulumi (BUILT_FROM)"
bin="$(dirname "$cli_bin")/codegen-$version"
source_hash="$(sha256sum scripts/codegen-host/main.go | cut -c1-16)"
languages=(nodejs go)

complete() {
  local l
  for l in "${languages[@]}"; do [ -x "$bin/pulumi-language-$l" ] || return 1; done
  [ "$(cat "$bin/SOURCE" 2>/dev/null)" = "$source_hash" ]
}
if complete; then
  say "cached: pulumi-language-{nodejs,go} (codegen only, pkg/v3 $version) in $bin"
  echo "$bin"
  exit 0
fi

command -v go >/dev/null 2>&1 || die "needs Go on PATH and the Go module proxy"
export GOTOOLCHAIN="${GOTOOLCHAIN:-local}" CGO_ENABLED=0 GOFLAGS=-mod=mod
work="$(mktemp -d)"
trap 'rm -rf "$work" "$bin.partial"' EXIT
mkdir -p "$bin.partial"
cp scripts/codegen-host/main.go "$work/"
cd "$work"
cat > go.mod <<GOMOD
module pulumizarr.local/codegenhost

go 1.25.11

require github.com/pulumi/pulumi/pkg/v3 $version

// as in pkg/go.mod (its sdk/v3 => ../sdk replace is the require go resolves from pkg/v3's own)
replace github.com/atotto/clipboard => github.com/tgummerer/clipboard v0.0.0-20241001131231-d02d263e614e
GOMOD
say "resolving pkg/v3 $version"
go get "github.com/pulumi/pulumi/pkg/v3@$version" "github.com/pulumi/pulumi/sdk/v3@$version" 2>&1 \
  | grep -v '^go: downloading' >&2 || true
go mod tidy 2>&1 | grep -v '^go: downloading' >&2 || true
for l in "${languages[@]}"; do
  say "compiling pulumi-language-$l (codegen only)"
  go build -trimpath -ldflags "-s -w -X main.language=$l -X main.version=${version#v}" \
    -o "$bin.partial/pulumi-language-$l" . || die "building pulumi-language-$l failed"
done
echo "$source_hash" > "$bin.partial/SOURCE"
rm -rf "$bin"
mv "$bin.partial" "$bin"
say "built pulumi-language-{nodejs,go} (codegen only) in $bin"
echo "$bin"
