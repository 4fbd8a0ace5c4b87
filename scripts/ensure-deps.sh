#!/usr/bin/env bash
# Installs what Renju needs that a fresh machine may lack: libxlsxwriter (Debian libxlsxwriter-dev)
# for the workbooks, GLPK (libglpk-dev) for the rule-set analysis and error localisation, and
# OpenSSL 3's headers (libssl-dev) for SM2/SM3 signatures.
set -euo pipefail
if ! pkg-config --exists xlsxwriter 2>/dev/null || [ ! -f /usr/include/glpk.h ] || [ ! -f /usr/include/openssl/evp.h ]; then
  echo "== installing libxlsxwriter-dev, libglpk-dev and libssl-dev (apt-get)"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq libxlsxwriter-dev libglpk-dev libssl-dev pkg-config >/dev/null
fi
pkg-config --exists xlsxwriter || { echo "libxlsxwriter was not found after installing libxlsxwriter-dev" >&2; exit 2; }
[ -f /usr/include/glpk.h ] || { echo "glpk.h was not found after installing libglpk-dev" >&2; exit 2; }
[ -f /usr/include/openssl/evp.h ] || { echo "openssl/evp.h was not found after installing libssl-dev" >&2; exit 2; }
