#!/bin/sh
# Fetches the ECharts runtime that zoomqos inlines into its reports from the
# npm registry again, and checks it against the checksums it was committed
# with. Run from anywhere: ./report/html/assets/echarts/fetch.sh
# It needs curl (or npm), tar and sha256sum.
set -eu
VERSION=5.4.3
TARBALL_SHA256=89f6b509a83b3694645a8ec0dc8808999bb96610eac9e718fbda4726bb694eaf
RUNTIME_SHA256=1156429a16a38cb8604dcc6518c19406d4226142d908f8edd2e3531443c54d19
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
if command -v curl >/dev/null; then
	curl -fsSL -o echarts.tgz "https://registry.npmjs.org/echarts/-/echarts-$VERSION.tgz"
else
	npm pack "echarts@$VERSION" >/dev/null
	mv "echarts-$VERSION.tgz" echarts.tgz
fi
echo "$TARBALL_SHA256  echarts.tgz" | sha256sum -c -
tar xzf echarts.tgz package/dist/echarts.min.js package/LICENSE package/NOTICE package/licenses/LICENSE-d3
echo "$RUNTIME_SHA256  package/dist/echarts.min.js" | sha256sum -c -
cp package/dist/echarts.min.js package/LICENSE package/NOTICE package/licenses/LICENSE-d3 "$here/"
echo "echarts $VERSION runtime and its licence files are in $here"
