#!/usr/bin/env bash
# The report renderers need Debian libraries that pip cannot install: WeasyPrint (PDF)
# needs Pango and HarfBuzz's subsetter, the report's typeface is Roboto, and the PDF
# tests and `make bench` turn pages into images with poppler's pdftoppm.
# Idempotent: installs only what is missing (CI runs as root on a clean Debian 12).
set -euo pipefail
PACKAGES=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-roboto fonts-dejavu-core fonts-noto-color-emoji poppler-utils)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then exit 0; fi
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
