#!/bin/sh
# Installs Renju from this archive, offline: /opt/renju (the program, its reference data and
# templates), a `renju` system user, the store in /var/lib/renju, backups in /var/backups/renju,
# the desk's service and the nightly backup timer (where systemd runs), and the first
# administrator's account, its password read from standard input (one line).
#
#   echo 'a-long-password' | sudo ./install.sh --admin-unit 640422000000 [--admin-login admin] [--admin-name 管理员]
#   sudo ./install.sh --upgrade        # a newer archive over an installed one: the store is backed up and migrated
set -eu
here=$(cd "$(dirname "$0")" && pwd)
prefix=/opt/renju; data=/var/lib/renju
login=admin; name=管理员; unit=""; upgrade=0
while [ $# -gt 0 ]; do
  case "$1" in
    --admin-unit) unit=$2; shift 2 ;;
    --admin-login) login=$2; shift 2 ;;
    --admin-name) name=$2; shift 2 ;;
    --prefix) prefix=$2; shift 2 ;;
    --data) data=$2; shift 2 ;;
    --upgrade) upgrade=1; shift ;;
    *) echo "install.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
[ "$(id -u)" -eq 0 ] || { echo "install.sh: run it as root (sudo)" >&2; exit 2; }
if [ "$upgrade" -eq 0 ] && [ -z "$unit" ]; then echo "install.sh: --admin-unit CODE (the county's division code) is needed" >&2; exit 2; fi
getent group renju >/dev/null || groupadd --system renju
getent passwd renju >/dev/null || useradd --system --gid renju --home-dir "$data" --shell /usr/sbin/nologin renju
mkdir -p "$prefix" "$data" /var/backups/renju /var/log/renju /etc/renju
rm -rf "$prefix/bin" "$prefix/lib" "$prefix/share"
cp -R "$here/bin" "$here/lib" "$here/share" "$prefix/"
chown -R renju:renju "$data" /var/backups/renju /var/log/renju
chmod 750 "$data" /var/backups/renju /var/log/renju
ln -sf "$prefix/bin/renju" /usr/local/bin/renju
store="$data/renju.sqlite"
if [ "$upgrade" -eq 1 ]; then
  [ -f "$store" ] && su -s /bin/sh renju -c "'$prefix/bin/renju' db migrate --db '$store'"
else
  # The first administrator; its password from standard input.
  su -s /bin/sh renju -c "'$prefix/bin/renju' user add --db '$store' --login '$login' --name '$name' --role admin --unit '$unit'"
fi
if [ -d /run/systemd/system ]; then
  sed "s#/opt/renju#$prefix#g; s#/var/lib/renju#$data#g" "$here/systemd/renju.service" > /etc/systemd/system/renju.service
  sed "s#/opt/renju#$prefix#g; s#/var/lib/renju#$data#g" "$here/systemd/renju-backup.service" > /etc/systemd/system/renju-backup.service
  cp "$here/systemd/renju-backup.timer" /etc/systemd/system/
  systemctl daemon-reload
  systemctl enable --now renju-backup.timer
  if [ "$upgrade" -eq 1 ]; then systemctl restart renju; else systemctl enable --now renju; fi
  echo "installed: the desk runs (systemctl status renju); its options in /etc/renju/renju.env"
else
  echo "installed (no systemd here): start the desk with  su -s /bin/sh renju -c '$prefix/bin/renju serve --db $store'"
fi
"$prefix/bin/renju" --version
