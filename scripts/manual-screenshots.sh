#!/usr/bin/env bash
# The manual's pictures (docs/manual/*.png): the browser test of the web desk, run with
# RENJU_MANUAL_DIR set, writes a screenshot at every step a user's chapter shows. Run it after a
# change of the pages and commit the pictures with the change. Usage: scripts/manual-screenshots.sh [RENJU_BINARY]
set -euo pipefail
cd "$(dirname "$0")/.."
RENJU_MANUAL_DIR="$(pwd)/docs/manual" scripts/web-e2e.sh "$@"
