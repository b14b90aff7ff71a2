#!/usr/bin/env bash
# Copy the front-end packages installed from npm (package-lock.json) into the git-ignored
# static vendor dir. Nothing is fetched when the app runs.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v npm >/dev/null; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq npm >/dev/null
fi
if [ ! -d node_modules/@scottish-government/design-system ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
VENDOR=src/scrutiny/web/static/vendor
rm -rf "$VENDOR"
mkdir -p "$VENDOR/design-system" "$VENDOR/fonts/files" "$VENDOR/htmx"
DS=node_modules/@scottish-government/design-system/dist
cp -r "$DS/css" "$DS/images" "$DS/scripts" "$VENDOR/design-system/"
# Roboto, latin subset, the weights the design system uses.
FS=node_modules/@fontsource/roboto
cat "$FS/latin-400.css" "$FS/latin-400-italic.css" "$FS/latin-700.css" > "$VENDOR/fonts/roboto.css"
cp "$FS"/files/roboto-latin-{400,700}-normal.woff* "$FS"/files/roboto-latin-400-italic.woff* "$VENDOR/fonts/files/"
cp node_modules/htmx.org/dist/htmx.min.js "$VENDOR/htmx/"
echo "assets copied to $VENDOR"
