#!/usr/bin/env bash
# The web desk end to end in a real browser: installs Chromium, its driver and selenium if
# missing, starts `renju serve` over HTTPS (a self-signed certificate) on a free loopback port over a throw-away store (the sample
# county's 2025Q2 as history, a township clerk and the county reviewer), runs
# Tests/web/browser_test.py, and stops the server. Screenshots and the downloaded return are
# left in out/web/ (not committed). Usage: scripts/web-e2e.sh [RENJU_BINARY]
set -euo pipefail
cd "$(dirname "$0")/.."
renju="${1:-$(swift build --show-bin-path)/renju}"
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
if ! command -v chromedriver >/dev/null 2>&1 || { ! command -v chromium >/dev/null 2>&1 && ! command -v chromium-browser >/dev/null 2>&1; }; then
  echo "== installing chromium and chromium-driver (apt-get)"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium chromium-driver >/dev/null 2>&1 \
    || { $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium chromium-driver >/dev/null; }
fi
# A Chinese font, so that the screenshots show the pages as a clerk sees them (Debian fonts-wqy-microhei).
if ! fc-list 2>/dev/null | grep -qi "wenquanyi\|noto sans cjk"; then
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq fonts-wqy-microhei >/dev/null 2>&1 || echo "   (no Chinese font: screenshots will show boxes)"
fi
python3 -c "import selenium, openpyxl" 2>/dev/null || python3 -m pip install -q --disable-pip-version-check selenium openpyxl

work=$(mktemp -d)
out=out/web
rm -rf "$out"; mkdir -p "$out"
server_pid=""
cleanup() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

db="$work/desk.sqlite"
"$renju" db import --db "$db" --as-of 2025-10-31 --force --reason "history for the browser test" examples/xiji/2025Q2 >/dev/null
echo "clerk-password-1" | "$renju" user add --db "$db" --login hongyao --name 王芳 --role clerk --unit 640422201000 --signs 填表人 2>/dev/null
echo "clerk-password-2" | "$renju" user add --db "$db" --login zhenhu --name 周文斌 --role clerk --unit 640422204000 --signs 填表人 2>/dev/null
echo "signer-password-2" | "$renju" user add --db "$db" --login zhenhu-tj --name 吴玉梅 --role signer --unit 640422204000 --signs 统计负责人 2>/dev/null
echo "signer-password-3" | "$renju" user add --db "$db" --login zhenhu-head --name 徐卫东 --role signer --unit 640422204000 --signs 单位负责人 2>/dev/null
echo "signer-password-4" | "$renju" user add --db "$db" --login hongyao-tj --name 马丽 --role signer --unit 640422201000 --signs 统计负责人 2>/dev/null
echo "signer-password-5" | "$renju" user add --db "$db" --login hongyao-head --name 田军 --role signer --unit 640422201000 --signs 单位负责人 2>/dev/null
echo "viewer-password-1" | "$renju" user add --db "$db" --login prefecture --name 州统计局李处长 --role viewer --unit 640422000000 2>/dev/null
echo "admin-password-1" | "$renju" user add --db "$db" --login admin --name 系统管理员 --role admin --unit 640422000000 2>/dev/null
echo "county-password-1" | "$renju" user add --db "$db" --login county --name 张科长 --role reviewer --unit 640422000000 2>/dev/null
port=$(python3 -c "import socket; s=socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1]); s.close()")
# Over HTTPS, as a county serves it on its LAN: a self-signed certificate for this machine's address.
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=127.0.0.1" -addext "subjectAltName=IP:127.0.0.1" \
  -keyout "$work/desk.key" -out "$work/desk.crt" >/dev/null 2>&1
"$renju" serve --db "$db" --host 127.0.0.1 --port "$port" --as-of 2025-10-31 --tls-cert "$work/desk.crt" --tls-key "$work/desk.key" >"$out/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do
  python3 -c "import ssl, urllib.request; urllib.request.urlopen('https://127.0.0.1:$port/login', timeout=1, context=ssl._create_unverified_context())" 2>/dev/null && break
  sleep 0.2
done
# The TLS handshake offers HTTP/2 (ALPN) and plain HTTP is not answered on the TLS port.
python3 - "$port" "$work/desk.crt" <<'PY' || { echo "FAIL  TLS: HTTP/2 by ALPN"; exit 1; }
import socket, ssl, sys
ctx = ssl.create_default_context(cafile=sys.argv[2]); ctx.set_alpn_protocols(["h2", "http/1.1"])
with socket.create_connection(("127.0.0.1", int(sys.argv[1]))) as raw, ctx.wrap_socket(raw, server_hostname="127.0.0.1") as s:
    assert s.selected_alpn_protocol() == "h2", s.selected_alpn_protocol()
    print("ok    the desk over TLS (the certificate verifies) offers HTTP/2:", s.version())
PY
python3 Tests/web/browser_test.py "https://127.0.0.1:$port" "examples/xiji/2025Q3/640422201000-红耀乡.xlsx" "$out"
