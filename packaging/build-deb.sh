#!/usr/bin/env bash
# Wraps the Linux bundle (dist/nianbao, from packaging/build-linux.sh) into
# dist/nianbao-editor_<version>_amd64.deb for Debian-family desks (UOS, Kylin, deepin, Ubuntu):
#   /opt/nianbao/…              the bundle
#   /usr/bin/nianbao            a link to it
#   /usr/share/applications/    nianbao.desktop (办公, opens a report by double-click: %f)
#   /usr/share/mime/packages/   the report file type (JSON known by its "format" key)
#   /usr/share/icons/hicolor/   the icon
# Depends: the system libraries the bundle's ELF files need (packaging/system_libs.py).
# The desktop, MIME and icon caches are refreshed by dpkg triggers: no maintainer scripts.
#
#   bash packaging/build-deb.sh [BUNDLE_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
BUNDLE=${1:-dist/nianbao}
if [ ! -x "$BUNDLE/nianbao" ]; then
  echo "no bundle at $BUNDLE: run bash packaging/build-linux.sh first" >&2
  exit 2
fi
VERSION=$(env -i PATH=/usr/bin:/bin "$BUNDLE/nianbao" --version | awk '{print $NF}')
DEPENDS=$(python3 packaging/system_libs.py "$BUNDLE" --depends)
DEB="dist/nianbao-editor_${VERSION}_amd64.deb"

STAGE=build/deb/nianbao-editor
rm -rf "$STAGE"
mkdir -p "$STAGE/DEBIAN" "$STAGE/opt" "$STAGE/usr/bin" "$STAGE/usr/share/applications" \
  "$STAGE/usr/share/mime/packages" "$STAGE/usr/share/doc/nianbao-editor"
cp -a "$BUNDLE" "$STAGE/opt/nianbao"
chmod -R u+rwX,go+rX,go-w "$STAGE/opt/nianbao"
ln -s ../../opt/nianbao/nianbao "$STAGE/usr/bin/nianbao"
install -m 644 packaging/linux/nianbao.desktop "$STAGE/usr/share/applications/nianbao.desktop"
install -m 644 packaging/linux/nianbao-mime.xml "$STAGE/usr/share/mime/packages/nianbao.xml"
for size in 16 24 32 48 64 128 256; do
  install -D -m 644 "resources/icons/nianbao-$size.png" "$STAGE/usr/share/icons/hicolor/${size}x${size}/apps/nianbao.png"
done
install -D -m 644 resources/icons/nianbao.svg "$STAGE/usr/share/icons/hicolor/scalable/apps/nianbao.svg"
cat > "$STAGE/usr/share/doc/nianbao-editor/copyright" <<COPYRIGHT
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: nianbao-editor

Files: *
License: Apache-2.0

Files: opt/nianbao/_internal/resources/fonts/*
Copyright: WenQuanYi Project
License: Apache-2.0 or GPL-3 with font embedding exception (see LICENSE-wqy-microhei.txt there)

Files: opt/nianbao/_internal/PySide6/* opt/nianbao/_internal/shiboken6/*
License: LGPL-3 (Qt for Python)
COPYRIGHT

cat > "$STAGE/DEBIAN/control" <<CONTROL
Package: nianbao-editor
Version: $VERSION
Architecture: amd64
Maintainer: 年报编辑器 <nianbao-editor@localhost>
Installed-Size: $(du -sk "$STAGE" | cut -f1)
Depends: $DEPENDS
Recommends: fonts-wqy-microhei | fonts-noto-cjk | fonts-wqy-zenhei
Section: editors
Priority: optional
Description: 年报编辑器 — 政府信息公开工作年度报告编辑器
 An offline editor for China's annual government information disclosure
 reports (国办公开办函〔2021〕30号): fills the six sections, checks every
 cross-total as the user types, exports PDF and Excel. Self-contained: the
 program and its libraries live in /opt/nianbao.
CONTROL

mkdir -p dist
dpkg-deb --root-owner-group -Zxz -z2 --build "$STAGE" "$DEB" >/dev/null
echo "built $DEB ($(du -m "$DEB" | cut -f1) MB)"
