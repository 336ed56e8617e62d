#!/usr/bin/env bash
# Copy the dashboard's third-party files from the npm packages pinned in package.json into
# conflictwire/serve/static/vendor, so the installed package serves them itself (offline, no CDN).
# Run by `make vendor` when a version changes; the copies are committed.
set -euo pipefail
cd "$(dirname "$0")"
npm ci --no-audit --no-fund --ignore-scripts >/dev/null
out=../conflictwire/serve/static/vendor
m=node_modules
rm -rf "$out" && mkdir -p "$out/images"
cp $m/leaflet/dist/leaflet.js $m/leaflet/dist/leaflet.css "$out/"
cp $m/leaflet/dist/images/*.png "$out/images/"
cp $m/leaflet/LICENSE "$out/LICENSE-leaflet.txt"
cp $m/leaflet.markercluster/dist/leaflet.markercluster.js $m/leaflet.markercluster/dist/MarkerCluster.css \
   $m/leaflet.markercluster/dist/MarkerCluster.Default.css "$out/"
cp $m/leaflet.markercluster/MIT-LICENCE.txt "$out/LICENSE-leaflet.markercluster.txt"
cp $m/topojson-client/dist/topojson-client.min.js "$out/"
cp $m/topojson-client/LICENSE "$out/LICENSE-topojson-client.txt"
cp $m/chart.js/dist/chart.umd.min.js "$out/"
cp $m/chart.js/LICENSE.md "$out/LICENSE-chart.js.txt"
# the API's documentation page (/docs), offline too
cp $m/swagger-ui-dist/swagger-ui-bundle.js $m/swagger-ui-dist/swagger-ui.css "$out/"
cp $m/swagger-ui-dist/LICENSE "$out/LICENSE-swagger-ui.txt"
# Natural Earth 1:50m country outlines (public domain), as TopoJSON
cp $m/world-atlas/countries-50m.json "$out/"
cp $m/world-atlas/LICENSE "$out/LICENSE-world-atlas.txt"
# strip source-map references: the maps are not shipped
sed -i '/^\/\/# sourceMappingURL=/d' "$out"/*.js
node -e 'const p=require("./package.json");for(const [n,v] of Object.entries(p.dependencies))console.log(n+" "+v)' > "$out/VERSIONS"
echo "vendored into $out:" && ls "$out"
