#!/usr/bin/env bash
# Builds the Linux one-folder bundle from nothing: dist/nianbao/nianbao (runs with no Python on
# the machine) and dist/nianbao-<version>-linux-x86_64.tar.gz.
#
#   bash packaging/build-linux.sh            (PYTHON=python3.11 to choose the interpreter)
#
# Needs Python 3.11+ with its shared library (Debian: python3-venv libpython3-dev), binutils, and
# icu-devtools to shrink Qt's ICU data (as root on Debian this script installs them). Uses its own
# venv, build/bundle-venv.
# The bundle needs glibc at least as new as the build machine's: build on the oldest system the
# desks run (see README).
set -euo pipefail
cd "$(dirname "$0")/.."

TOOLS="python3-venv libpython3-dev binutils icu-devtools"
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = "0" ] && ! dpkg -s $TOOLS >/dev/null 2>&1; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $TOOLS >/dev/null
fi

PY=${PYTHON:-python3}
VENV=build/bundle-venv
[ -x "$VENV/bin/python" ] || "$PY" -m venv "$VENV"
"$VENV/bin/python" -m pip install -q --upgrade pip
"$VENV/bin/python" -m pip install -q -e ".[bundle]" 2>build/pip-bundle.log || { cat build/pip-bundle.log; exit 1; }

rm -rf dist/nianbao
"$VENV/bin/pyinstaller" --noconfirm --clean --log-level WARN \
  --distpath dist --workpath build/pyinstaller packaging/nianbao.spec
"$VENV/bin/python" packaging/trim_icu.py dist/nianbao
"$VENV/bin/python" packaging/trim_icu.py --verify dist/nianbao

VERSION=$(env -i PATH=/usr/bin:/bin dist/nianbao/nianbao --version | awk '{print $NF}')
TARBALL="dist/nianbao-$VERSION-linux-x86_64.tar.gz"
tar -C dist -czf "$TARBALL" nianbao
echo "built dist/nianbao ($(du -sm dist/nianbao | cut -f1) MB), $TARBALL ($(du -m "$TARBALL" | cut -f1) MB)"
