#!/usr/bin/env bash
# The release archive on a bare system: a minimal Debian root file system (debootstrap
# --variant=minbase: no Swift, no -dev package, no Python), the archive unpacked and installed
# there with its own install.sh, then in a chroot: `ldd` lists only the base system's libraries and
# the archive's lib/; validate and export on the bundled example; the desk served, a login and an
# upload over HTTP from outside the chroot, and stopped.
# Usage: scripts/bare-system-test.sh ARCHIVE.tar.gz   (root; reaches the Debian mirror)
set -euo pipefail
cd "$(dirname "$0")/.."
archive=$(readlink -f "${1:?the archive}")
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
command -v debootstrap >/dev/null || DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq debootstrap >/dev/null
root=$(mktemp -d /tmp/renju-bare-XXXXXX)
chmod 755 "$root"   # the chroot's / (mktemp makes it private: the renju user could not enter it)
server=""
cleanup() {
  [ -n "$server" ] && { $SUDO pkill -f "renju serve --db /var/lib/renju/renju.sqlite" 2>/dev/null; $SUDO kill "$server" 2>/dev/null; } || true
  $SUDO umount "$root/proc" 2>/dev/null || true
  $SUDO rm -rf "$root"
}
trap cleanup EXIT
passed=0; failed=0
check() { if eval "$2"; then passed=$((passed + 1)); echo "ok    $1"; else failed=$((failed + 1)); echo "FAIL  $1"; fi; }
start=$(date +%s)
mirror=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
$SUDO debootstrap --variant=minbase bookworm "$root" "${mirror:-http://deb.debian.org/debian}" >/dev/null
echo "   a bare Debian in $(( $(date +%s) - start )) s: $(du -sh "$root" 2>/dev/null | cut -f1), swift $( [ -e "$root/usr/bin/swift" ] && echo present || echo absent ), python3 $( [ -e "$root/usr/bin/python3" ] && echo present || echo absent )"
$SUDO mount -t proc proc "$root/proc"
$SUDO mkdir -p "$root/tmp/archive"
$SUDO tar -C "$root/tmp/archive" -xzf "$archive"
dir=$(ls "$root/tmp/archive")
in_root() { $SUDO chroot "$root" /bin/sh -c "$1"; }
check "the archive installs offline with its install.sh (a renju user, the store, the first admin)" \
  "echo 'bare-admin-pw-1' | in_root 'cd /tmp/archive/$dir && ./install.sh --admin-unit 640422000000' >/tmp/renju-bare-install.log 2>&1"
libs=$(in_root "ldd /opt/renju/bin/renju" || true)
echo "$libs" | sed 's/^/      /'
bad=$(echo "$libs" | awk '/=>/ {print $3}' | grep -Ev '^/opt/renju/(bin/\.\./)?lib/' | grep -Ev '/(libc|libm|libdl|librt|libpthread|libgcc_s|libstdc\+\+|libz)\.so' || true)
check "ldd lists only the base system's libraries and the archive's lib/" "! echo \"\$libs\" | grep -q 'not found' && [ -z \"\$bad\" ]"
check "renju --version names the version and the commit" "in_root '/opt/renju/bin/renju --version' | grep -q 'commit [0-9a-f]'"
check "validate on the bundled example (exit 1: its planted errors)" \
  "in_root 'cd /tmp && /opt/renju/bin/renju validate --as-of 2025-10-31 /opt/renju/share/renju/examples/xiji >/tmp/v.txt; test \$? -eq 1' && grep -q '共审核' $root/tmp/v.txt"
check "export writes the prefecture's return" \
  "in_root 'cd /tmp && /opt/renju/bin/renju export --as-of 2025-10-31 --out /tmp/return.xlsx /opt/renju/share/renju/examples/xiji/2025Q3 >/dev/null 2>&1; test -s /tmp/return.xlsx'"
port=$(python3 -c "import socket; s=socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1]); s.close()")
echo 'clerk-bare-pw-1' | in_root "su -s /bin/sh renju -c '/opt/renju/bin/renju user add --db /var/lib/renju/renju.sqlite --login hongyao --name 王芳 --role clerk --unit 640422201000 --signs 填表人'" >/dev/null 2>&1
$SUDO chroot "$root" /bin/su -s /bin/sh renju -c "/opt/renju/bin/renju serve --db /var/lib/renju/renju.sqlite --port $port --as-of 2025-10-31 --log-dir /var/log/renju" >/tmp/renju-bare-serve.log 2>&1 &
server=$!
check "the desk serves: a login and an upload over HTTP from outside the chroot" "python3 - $port '$root/opt/renju/share/renju/examples/xiji/2025Q3/640422201000-红耀乡.xlsx' <<'PY'
import json, sys, time, urllib.request, urllib.parse
base = f'http://127.0.0.1:{sys.argv[1]}'
for _ in range(100):
    try:
        urllib.request.urlopen(base + '/login', timeout=1); break
    except Exception:
        time.sleep(0.1)
r = urllib.request.urlopen(urllib.request.Request(base + '/api/login', data=json.dumps({'login': 'hongyao', 'password': 'clerk-bare-pw-1'}).encode(), method='POST'))
cookie, csrf = r.headers['Set-Cookie'].split(';')[0], json.loads(r.read())['csrf']
body = open(sys.argv[2], 'rb').read()
r = urllib.request.urlopen(urllib.request.Request(base + '/api/submissions', data=body, method='POST',
    headers={'Cookie': cookie, 'X-CSRF-Token': csrf, 'X-Filename': urllib.parse.quote('640422201000-红耀乡.xlsx')}))
answer = json.loads(r.read())
assert r.status == 201 and answer['version'] == 1, answer
PY"
# The desk runs as the renju user under su in the chroot: stopped as systemd would, by a signal to it.
$SUDO pkill -TERM -f "renju serve --db /var/lib/renju/renju.sqlite --port $port" || true
for _ in $(seq 1 50); do pgrep -f "renju serve --db /var/lib/renju/renju.sqlite --port $port" >/dev/null || break; sleep 0.1; done
wait "$server" 2>/dev/null || true; server=""
check "its access log names the clerk's upload, never a password" "grep -q ' hongyao POST /api/submissions 201 ' $root/var/log/renju/access-*.log && ! grep -q 'clerk-bare-pw-1' $root/var/log/renju/access-*.log"
check "and stops on SIGTERM" "! pgrep -f 'renju serve --db /var/lib/renju/renju.sqlite --port $port' >/dev/null"
echo "   the archive $(du -h "$archive" | cut -f1) ($(basename "$archive")); the bare-system test took $(( $(date +%s) - start )) s"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
