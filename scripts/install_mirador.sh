#!/usr/bin/env bash
# Installs the Mirador 4 IIIF viewer (Apache-2.0, from the npm registry) for the reading page.
#
# The reading page (/objects/<id>/view) works without it; where web/static/vendor/mirador/mirador.min.js
# exists, the page opens the copy's manifest in Mirador.  Only the built, self-contained UMD bundle and
# Mirador's LICENSE are kept (no CDN at run time, no node_modules); the folder is git-ignored, so nothing
# third-party is committed.  The version is pinned: change MIRADOR_VERSION to upgrade, then run the
# browser test (tests/objects/test_viewer_browser.py).
#
# Usage: scripts/install_mirador.sh [--force]       (needs npm; takes a few seconds)
set -euo pipefail
MIRADOR_VERSION="4.0.0"
cd "$(dirname "$0")/.."
target="web/static/vendor/mirador"
if [[ "${1:-}" != "--force" && -f "$target/mirador.min.js" && "$(cat "$target/VERSION" 2>/dev/null)" == "$MIRADOR_VERSION" ]]; then
  echo "Mirador $MIRADOR_VERSION is installed in $target"
  exit 0
fi
command -v npm >/dev/null || { echo "npm is needed (apt-get install npm)" >&2; exit 1; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# npm pack fetches the published tarball alone (checked against the registry's integrity hash): the
# bundle in dist/ needs none of the package's 200 dependencies, which npm install would also fetch.
(cd "$work" && npm pack --silent "mirador@$MIRADOR_VERSION" >/dev/null)
tar -xzf "$work"/mirador-"$MIRADOR_VERSION".tgz -C "$work" package/dist/mirador.min.js package/LICENSE package/package.json
grep -q '"license": "Apache-2.0"' "$work/package/package.json" || { echo "mirador's licence is not Apache-2.0" >&2; exit 1; }
mkdir -p "$target.new"
cp "$work/package/dist/mirador.min.js" "$work/package/LICENSE" "$target.new/"
echo "$MIRADOR_VERSION" > "$target.new/VERSION"
rm -rf "$target" && mv "$target.new" "$target"
echo "Mirador $MIRADOR_VERSION installed in $target ($(du -h "$target/mirador.min.js" | cut -f1))"
