#!/usr/bin/env bash
# The release archive a county installs offline: renju-VERSION-linux-ARCH.tar.gz (in out/) with
#   bin/renju          the Swift runtime and Foundation linked in (--static-swift-stdlib);
#   lib/               the shared libraries a bare Debian lacks (libxlsxwriter, GLPK, SQLite, …),
#                      found by the binary through its $ORIGIN/../lib run path;
#   share/renju/       reference-data, templates, the examples, the Chinese manual, BUILD (version, commit);
#   systemd/           the desk's service, the nightly backup service and its timer;
#   install.sh         the offline installer (creates the renju user, the store, the first admin).
# Usage: scripts/package.sh   (prints the archive's path; RENJU_PACKAGE_BUILD: the build folder)
set -euo pipefail
cd "$(dirname "$0")/.."
arch=$(uname -m)
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
command -v patchelf >/dev/null || DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq patchelf >/dev/null \
  || { $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq patchelf >/dev/null; }
scratch=${RENJU_PACKAGE_BUILD:-.build/package}
swift build -c release --product renju --static-swift-stdlib --scratch-path "$scratch" \
  -Xlinker -rpath -Xlinker '$ORIGIN/../lib' >&2
bin="$scratch/release/renju"
version=$("$bin" --version | cut -d' ' -f1)
commit=$(git rev-parse HEAD 2>/dev/null || echo unknown)
name="renju-$version-linux-$arch"
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
stage="$work/$name"
mkdir -p "$stage/bin" "$stage/lib" "$stage/share/renju/doc" "$stage/systemd"
cp "$bin" "$stage/bin/renju"
strip "$stage/bin/renju"
# Libraries: what the binary needs beyond a bare Debian's C and C++ runtime and zlib goes in lib/,
# with what those need in turn.
base='^(linux-vdso|libc\.so|libm\.so|libdl\.so|librt\.so|libpthread\.so|libgcc_s\.so|libstdc\+\+\.so|libz\.so|ld-linux)'
copy_deps() {
  ldd "$1" | awk '/=> \// {print $1, $3}' | while read -r soname path; do
    if ! echo "$soname" | grep -Eq "$base" && [ ! -e "$stage/lib/$soname" ]; then
      cp -L "$path" "$stage/lib/$soname"
      copy_deps "$path"
    fi
  done
}
copy_deps "$stage/bin/renju"
# Each bundled library finds the others beside it.
for l in "$stage"/lib/*; do patchelf --set-rpath '$ORIGIN' "$l"; done
cp -R reference-data templates examples "$stage/share/renju/"
rm -rf "$stage/share/renju/examples/generate.py"
cp docs/用户手册.md "$stage/share/renju/doc/"
cp -R docs/manual "$stage/share/renju/doc/manual"
printf 'version=%s\ncommit=%s\nbuilt=%s\narch=%s\n' "$version" "$commit" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$arch" > "$stage/share/renju/BUILD"
cp packaging/renju.service packaging/renju-backup.service packaging/renju-backup.timer "$stage/systemd/"
cp packaging/install.sh "$stage/install.sh"
cat > "$stage/README.txt" <<TXT
Renju $version ($commit), $arch. Offline installation (root):
  echo 'a-long-password' | ./install.sh --admin-unit COUNTY_CODE
  ./install.sh --upgrade            (a newer archive over an installed one; the store is backed up first)
The manual: share/renju/doc/用户手册.md. HTTPS on the LAN: /etc/renju/renju.env, e.g.
  RENJU_SERVE_ARGS=--host 0.0.0.0 --port 8443 --tls-cert /etc/renju/desk.crt --tls-key /etc/renju/desk.key
TXT
mkdir -p out
tar -C "$work" -czf "out/$name.tar.gz" "$name"
echo "out/$name.tar.gz"
