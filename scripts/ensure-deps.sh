#!/usr/bin/env bash
# Installs what Renju needs that a fresh machine may lack: libxlsxwriter (Debian libxlsxwriter-dev).
set -euo pipefail
if ! pkg-config --exists xlsxwriter 2>/dev/null; then
  echo "== installing libxlsxwriter-dev (apt-get)"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq libxlsxwriter-dev pkg-config >/dev/null
fi
pkg-config --exists xlsxwriter || { echo "libxlsxwriter was not found after installing libxlsxwriter-dev" >&2; exit 2; }
