#!/usr/bin/env bash
# Checks a built .deb without touching the system (CI runs this):
#  - its metadata and files (dpkg-deb), the .desktop entry (desktop-file-validate, if installed);
#  - apt can resolve its Depends on this Debian (apt-get install --simulate, as root);
#  - installed with `dpkg -i` into a scratch root, /usr/bin/nianbao there runs `--version`,
#    `check` on the sample (exit 0) and opens the window (offscreen), with an empty environment.
# The full install on a clean Debian is packaging/test-deb-clean-debian.sh (root, network).
#
#   bash packaging/check-deb.sh dist/nianbao-editor_<version>_amd64.deb
set -euo pipefail
cd "$(dirname "$0")/.."
DEB=$(realpath "${1:?usage: check-deb.sh DEB}")
fail() { echo "check-deb: $*" >&2; exit 1; }

field() { dpkg-deb --field "$DEB" "$1"; }
[ "$(field Package)" = nianbao-editor ] || fail "Package is $(field Package)"
[ "$(field Architecture)" = amd64 ] || fail "Architecture is $(field Architecture)"
VERSION=$(field Version)
case "$DEB" in *"nianbao-editor_${VERSION}_amd64.deb") ;; *) fail "file name does not carry version $VERSION";; esac
for lib in libc6 libxcb-cursor0 libxkbcommon0 libfontconfig1 libgl1; do
  field Depends | grep -q "$lib" || fail "Depends lacks $lib: $(field Depends)"
done
CONTENTS=$(dpkg-deb --contents "$DEB")
for path in ./opt/nianbao/nianbao ./usr/share/applications/nianbao.desktop ./usr/share/mime/packages/nianbao.xml \
    ./usr/share/icons/hicolor/256x256/apps/nianbao.png ./usr/share/icons/hicolor/scalable/apps/nianbao.svg \
    ./opt/nianbao/_internal/resources/samples/wulong-hrss-2021.json ./opt/nianbao/_internal/PySide6/Qt/translations/qtbase_zh_CN.qm; do
  grep -q " $path\$" <<<"$CONTENTS" || fail "missing $path"
done
grep -q " ./usr/bin/nianbao -> ../../opt/nianbao/nianbao\$" <<<"$CONTENTS" || fail "no /usr/bin/nianbao link"

SCRATCH=$(mktemp -d)
trap 'rm -rf "$SCRATCH"' EXIT
dpkg-deb --fsys-tarfile "$DEB" | tar -xO ./usr/share/applications/nianbao.desktop > "$SCRATCH/nianbao.desktop"
grep -q '^Exec=/usr/bin/nianbao %f$' "$SCRATCH/nianbao.desktop" || fail ".desktop Exec lacks %f"
grep -q '^Categories=Office;$' "$SCRATCH/nianbao.desktop" || fail ".desktop is not in Office (办公)"
if command -v desktop-file-validate >/dev/null 2>&1; then
  desktop-file-validate "$SCRATCH/nianbao.desktop"
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  apt-get install --simulate -qq "$DEB" >/dev/null || fail "apt cannot resolve the Depends"
  echo "check-deb: apt resolves the Depends on this system"
fi

# dpkg -i into a scratch root (its own, empty dpkg database: the Depends are forced).
ROOTFS="$SCRATCH/root"
mkdir -p "$ROOTFS/var/lib/dpkg/info" "$ROOTFS/var/lib/dpkg/updates"
touch "$ROOTFS/var/lib/dpkg/status"
dpkg --root="$ROOTFS" --force-depends --force-not-root --log=/dev/null -i "$DEB" >"$SCRATCH/dpkg.log" 2>&1 \
  || { cat "$SCRATCH/dpkg.log"; fail "dpkg -i failed"; }
dpkg --root="$ROOTFS" -s nianbao-editor | grep -q "^Status: install ok installed" || fail "dpkg did not install it"
cp resources/samples/wulong-hrss-2021.json "$SCRATCH/"
cd "$SCRATCH"
run() { env -i PATH=/usr/bin:/bin HOME="$SCRATCH" "$@"; }
[ "$(run "$ROOTFS/usr/bin/nianbao" --version)" = "年报编辑器 $VERSION" ] || fail "--version"
run "$ROOTFS/usr/bin/nianbao" check wulong-hrss-2021.json >/dev/null || fail "check of the sample exited $?"
# timeout: a window that never quits is a failure here, not a hung CI.
run NIANBAO_QUIT_WHEN_SHOWN=1 QT_QPA_PLATFORM=offscreen timeout 120 "$ROOTFS/usr/bin/nianbao" wulong-hrss-2021.json 2>/dev/null \
  | grep -q '^SHOWN ' || fail "the window did not open"
echo "check-deb: $(basename "$DEB") ok ($(du -m "$DEB" | cut -f1) MB; dpkg -i in a scratch root; --version, check, window)"
