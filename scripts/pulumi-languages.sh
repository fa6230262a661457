#!/usr/bin/env bash
# Builds the Node.js and Go language hosts for the real Pulumi CLI of scripts/pulumi-cli.sh, caches
# them beside that CLI (<cli cache>/languages-<pkg/v3 release>/) and prints their folder as its
# LAST line:
#
#   PATH="$(bash scripts/pulumi-languages.sh | tail -n 1):$PATH"
#
# The hosts' own modules have no version tags, which the Go module proxy does not serve; the last
# sdk/v3 releases that still carried them as packages are served, and the hosts come from there:
#   pulumi-language-nodejs: github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs@v3.68.0
#   pulumi-language-go:     github.com/pulumi/pulumi/sdk/v3/go/pulumi-language-go@v3.66.0
# (v3.69.0 has neither, v3.67.0 no longer the Go one.) They run programs (Run, InstallDependencies,
# GetRequiredPlugins, ...) but predate GeneratePackage and Link, which `pulumi package gen-sdk`,
# `pulumi package add` and `packages:` need: scripts/langhost-front stands in front of each (same
# name on PATH, the real host in hosts/), serves those two calls with Pulumi's generators of the
# CLI's pkg/v3 release and forwards every other call to the real host.
# Environment: PULUMI_CLI_CACHE (default ~/.cache/pulumi-zarr), as scripts/pulumi-cli.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { echo "pulumi-languages: $*" >&2; }
die() { echo "pulumi-languages: $*" >&2; exit 1; }

nodejs_release=v3.68.0
go_release=v3.66.0
hosts=("nodejs github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs $nodejs_release"
       "go github.com/pulumi/pulumi/sdk/v3/go/pulumi-language-go $go_release")

cli_bin="$(bash scripts/pulumi-cli.sh | tail -n 1)"
[ -x "$cli_bin/pulumi" ] || die "no Pulumi CLI (scripts/pulumi-cli.sh)"
version="$(sed -n 's/^pulumi \(v[0-9.]*\) .*/\1/p' "$cli_bin/../BUILT_FROM")"
[ -n "$version" ] || die "cannot tell which pkg/v3 release built $cli_bin/pulumi (BUILT_FROM)"
bin="$(dirname "$cli_bin")/languages-$version"
stamp="$(cat scripts/pulumi-languages.sh scripts/langhost-front/main.go | sha256sum | cut -c1-16)"

complete() {
  local l
  for l in nodejs go; do
    [ -x "$bin/pulumi-language-$l" ] && [ -x "$bin/hosts/pulumi-language-$l" ] || return 1
  done
  [ "$(cat "$bin/SOURCE" 2>/dev/null)" = "$stamp" ]
}
# one build at a time (as in pulumi-cli.sh): a second run waits, then finds the cache complete
exec 9>"$bin.lock"
if ! flock -n 9; then
  say "another pulumi-languages.sh is building into $bin: waiting for it"
  flock 9
fi
if complete; then
  say "cached in $bin: $(cat "$bin/BUILT_FROM")"
  echo "$bin"
  exit 0
fi

command -v go >/dev/null 2>&1 || die "needs Go on PATH and the Go module proxy to build the hosts"
export GOTOOLCHAIN="${GOTOOLCHAIN:-local}" CGO_ENABLED=0 GOFLAGS=-mod=mod
work="$(mktemp -d)"
partial="$bin.partial.$$"
trap 'rm -rf "$work" "$partial"' EXIT
mkdir -p "$partial/hosts"
built=()

for entry in "${hosts[@]}"; do
  read -r lang package release <<<"$entry"
  start=$SECONDS
  mkdir -p "$work/$lang"
  # sdk/go.mod of those releases pins golang.org/x/text with this replace
  printf '%s\n' "module pulumizarr.local/$lang-host" "" "go 1.21" "" \
    "require github.com/pulumi/pulumi/sdk/v3 $release" "" \
    "replace golang.org/x/text => golang.org/x/text v0.3.6" > "$work/$lang/go.mod"
  say "building pulumi-language-$lang from $package@$release"
  (cd "$work/$lang" \
     && { go get "$package@$release" 2>&1 | grep -v '^go: downloading' >&2 || true; } \
     && go build -trimpath \
          -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$release" \
          -o "$partial/hosts/pulumi-language-$lang" "$package") \
    || die "building pulumi-language-$lang from $package@$release failed (errors above)"
  built+=("pulumi-language-$lang $package@$release ($((SECONDS - start)) s)")
done

start=$SECONDS
say "building langhost-front (GeneratePackage, Link) with pkg/v3 $version"
mkdir -p "$work/front"
cp scripts/langhost-front/main.go "$work/front/"
cat > "$work/front/go.mod" <<GOMOD
module pulumizarr.local/langhost-front

go 1.25.11

require github.com/pulumi/pulumi/pkg/v3 $version

// as in pkg/go.mod (its sdk/v3 => ../sdk replace is the require go resolves from pkg/v3's own)
replace github.com/atotto/clipboard => github.com/tgummerer/clipboard v0.0.0-20241001131231-d02d263e614e
GOMOD
(cd "$work/front" \
   && { go get "github.com/pulumi/pulumi/pkg/v3@$version" "github.com/pulumi/pulumi/sdk/v3@$version" 2>&1 \
          | grep -v '^go: downloading' >&2 || true; } \
   && { go mod tidy 2>&1 | grep -v '^go: downloading' >&2 || true; } \
   && go build -trimpath -ldflags "-s -w -X main.version=${version#v}" -o "$work/front/front" .) \
  || die "building scripts/langhost-front failed (errors above)"
for l in nodejs go; do install -m 0755 "$work/front/front" "$partial/pulumi-language-$l"; done
built+=("langhost-front pkg/v3@$version ($((SECONDS - start)) s)")

printf '%s; ' "${built[@]}" | sed 's/; $/\n/' > "$partial/BUILT_FROM"
echo "$stamp" > "$partial/SOURCE"
rm -rf "$bin"
mv "$partial" "$bin"
say "built in $bin: $(cat "$bin/BUILT_FROM")"
echo "$bin"
