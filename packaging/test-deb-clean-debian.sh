#!/usr/bin/env bash
# Installs the .deb with `apt install ./….deb` on a clean Debian and runs it there: a minimal
# Debian (debootstrap --variant=minbase, no Python, no X, no fonts) in a folder, entered with chroot.
# Needs root, debootstrap and Debian's mirror; takes ~2 minutes (so CI runs check-deb.sh instead).
#
#   sudo bash packaging/test-deb-clean-debian.sh dist/nianbao-editor_<version>_amd64.deb [SUITE]
#   (SUITE: bookworm by default; KEEP=1 leaves the system in build/clean-debian-SUITE)
# With DISPLAY set and /tmp/.X11-unix there, the window is also opened on that X server.
set -euo pipefail
cd "$(dirname "$0")/.."
DEB=$(realpath "${1:?usage: test-deb-clean-debian.sh DEB [SUITE]}")
SUITE=${2:-bookworm}
MIRROR=${MIRROR:-http://deb.debian.org/debian}
ROOTFS=$(realpath -m "build/clean-debian-$SUITE")
command -v debootstrap >/dev/null || apt-get install -y -qq debootstrap >/dev/null

cleanup() {
  for m in tmp/.X11-unix proc; do mountpoint -q "$ROOTFS/$m" && umount "$ROOTFS/$m"; done
  [ -n "${KEEP:-}" ] || rm -rf "$ROOTFS"
}
trap cleanup EXIT
rm -rf "$ROOTFS"
echo "debootstrap $SUITE → $ROOTFS"
debootstrap --variant=minbase "$SUITE" "$ROOTFS" "$MIRROR" >"$ROOTFS.log" 2>&1 || { tail "$ROOTFS.log"; exit 1; }
mount -t proc proc "$ROOTFS/proc"
cp "$DEB" resources/samples/wulong-hrss-2021.json "$ROOTFS/tmp/"
in_root() { chroot "$ROOTFS" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/tmp DEBIAN_FRONTEND=noninteractive "$@"; }

in_root sh -c 'command -v python3 && exit 1 || true'  # the point: no Python on this desk
in_root apt-get update -qq
in_root apt-get install -y -qq "/tmp/$(basename "$DEB")" >"$ROOTFS.apt.log" 2>&1 || { tail -20 "$ROOTFS.apt.log"; exit 1; }
echo "apt install ./$(basename "$DEB"): $(grep -c '^Setting up' "$ROOTFS.apt.log") packages set up"
in_root sh -c 'cd /tmp && nianbao --version && nianbao check wulong-hrss-2021.json && nianbao convert wulong-hrss-2021.json out.pdf'
python3 packaging/system_libs.py "$ROOTFS/opt/nianbao" --check --root "$ROOTFS"
# timeout (coreutils, in minbase): a window that never quits fails the check instead of hanging CI.
in_root sh -c 'cd /tmp && NIANBAO_QUIT_WHEN_SHOWN=1 QT_QPA_PLATFORM=offscreen timeout 120 nianbao wulong-hrss-2021.json 2>/dev/null'
if [ -n "${DISPLAY:-}" ] && [ -d /tmp/.X11-unix ]; then
  mkdir -p "$ROOTFS/tmp/.X11-unix" && mount --bind /tmp/.X11-unix "$ROOTFS/tmp/.X11-unix"
  in_root DISPLAY="$DISPLAY" NIANBAO_QUIT_WHEN_SHOWN=1 QT_QPA_PLATFORM=xcb timeout 120 nianbao /tmp/wulong-hrss-2021.json 2>/dev/null
fi
echo "clean $SUITE: installed with apt, ran --version, check, convert, the window: ok"
