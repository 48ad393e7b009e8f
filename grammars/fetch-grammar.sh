#!/usr/bin/env bash
# Fetches the pinned tree-sitter-python grammar into grammars/.fetched/ and
# verifies it. Safe to re-run: a verified copy is kept and reused.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
pin="$here/tree-sitter-python.pin"
field() { sed -n "s/^$1=//p" "$pin"; }
name="$(field name)"; version="$(field version)"; sha256="$(field sha256)"
dest="$here/.fetched/$name-$version"
if [[ -f "$dest/.verified" && "$(cat "$dest/.verified")" == "$sha256" ]]; then
  echo "$dest"; exit 0
fi
command -v npm >/dev/null || { echo "fetch-grammar: npm is needed to fetch $name@$version (apt-get install npm)" >&2; exit 2; }
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
( cd "$tmp" && npm pack --silent "$name@$version" >/dev/null ) || { echo "fetch-grammar: npm pack $name@$version failed" >&2; exit 2; }
tgz="$tmp/$name-$version.tgz"
actual="$(sha256sum "$tgz" | cut -d' ' -f1)"
if [[ "$actual" != "$sha256" ]]; then
  echo "fetch-grammar: $name-$version.tgz has sha256 $actual, the pin says $sha256" >&2; exit 2
fi
tar -xzf "$tgz" -C "$tmp" package/src package/LICENSE
rm -rf "$dest.tmp" && mkdir -p "$dest.tmp"
cp -r "$tmp/package/src" "$tmp/package/LICENSE" "$dest.tmp/"
echo "$sha256" > "$dest.tmp/.verified"
rm -rf "$dest" && mv "$dest.tmp" "$dest"
echo "$dest"
