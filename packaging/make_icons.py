"""Render resources/icons/nianbao.svg to the PNG sizes and the Windows .ico the bundle uses.

    python packaging/make_icons.py      (needs PySide6 and Pillow; the outputs are committed)
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ICONS = Path(__file__).resolve().parent.parent / "resources" / "icons"
SIZES = (16, 24, 32, 48, 64, 128, 256)


def main() -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PIL import Image
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    app = QGuiApplication(sys.argv[:1])  # noqa: F841  (QSvgRenderer needs one)
    renderer = QSvgRenderer(str(ICONS / "nianbao.svg"))
    for size in SIZES:
        image = QImage(size, size, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter)
        painter.end()
        image.save(str(ICONS / f"nianbao-{size}.png"))
    big = Image.open(ICONS / "nianbao-256.png")
    big.save(ICONS / "nianbao.ico", sizes=[(s, s) for s in SIZES])
    print(f"wrote {len(SIZES)} PNGs and nianbao.ico to {ICONS}")


if __name__ == "__main__":
    main()
