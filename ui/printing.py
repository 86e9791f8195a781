"""打印…: the PDF export rendered page by page into Qt's print preview, then the printer.

What prints is exactly the exported PDF (one layout for paper and file). Rasterising needs a
PDF renderer: Qt's own QtPdf when the PySide6 add-ons are installed, else pypdfium2. Without
either, :class:`PrintUnavailable` says in Chinese what to do instead. :func:`render_pages`
runs in the background task (QImage is safe off the GUI thread), so neither the export nor
the rasterising freezes the window; the preview then only draws ready images.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPageLayout, QPageSize, QPainter
from PySide6.QtWidgets import QDialog, QWidget

PRINT_DPI = 200  # sharp text on paper, ~12 MB per A4 page while it is drawn


class PrintUnavailable(Exception):
    """Printing cannot work on this installation; ``str(exc)`` tells the user why and what to do."""


PageRenderer = Callable[[int, int], QImage]  # (page index, dpi) -> image


def page_renderer(pdf: bytes) -> tuple[int, PageRenderer]:
    """(page count, render function) for ``pdf``, using whichever renderer is installed."""
    try:
        return _qtpdf(pdf)
    except ImportError:
        pass
    try:
        return _pdfium(pdf)
    except ImportError:
        pass
    raise PrintUnavailable(
        "打印预览需要 PDF 页面渲染组件，本机尚未安装。\n"
        "请在命令行运行：pip install pypdfium2，然后重新打开年报编辑器；\n"
        "也可以先用“文件 → 导出 PDF…”保存，再用 PDF 阅读器打印（效果相同）。"
    )


def _qtpdf(pdf: bytes) -> tuple[int, PageRenderer]:
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice
    from PySide6.QtPdf import QPdfDocument

    doc = QPdfDocument()
    buffer = QBuffer()
    buffer.setData(QByteArray(pdf))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    doc.load(buffer)
    if doc.status() != QPdfDocument.Status.Ready:
        raise PrintUnavailable("导出的 PDF 无法读取，无法打印")

    def render(page: int, dpi: int) -> QImage:
        size = doc.pagePointSize(page)
        return doc.render(page, QSize(round(size.width() * dpi / 72), round(size.height() * dpi / 72)))

    render.keep = (doc, buffer)  # type: ignore[attr-defined]  # the document reads the buffer lazily
    return doc.pageCount(), render


def _pdfium(pdf: bytes) -> tuple[int, PageRenderer]:
    import pypdfium2  # type: ignore[import-not-found]

    from importers.pdf_objects import PDFIUM_LOCK  # PDFium is not thread-safe: the PDF importer uses it too

    with PDFIUM_LOCK:
        doc = pypdfium2.PdfDocument(pdf)
        count = len(doc)

    def render(page: int, dpi: int) -> QImage:
        with PDFIUM_LOCK:
            bitmap = doc[page].render(scale=dpi / 72, rev_byteorder=True)
            fmt = QImage.Format.Format_RGBA8888 if bitmap.n_channels == 4 else QImage.Format.Format_RGB888
            image = QImage(bytes(bitmap.buffer), bitmap.width, bitmap.height, bitmap.stride, fmt)
            return image.copy()  # detach from pdfium's buffer

    return count, render


def render_pages(pdf: bytes, dpi: int = PRINT_DPI) -> list[QImage]:
    """Every page of ``pdf`` as an image (raises :class:`PrintUnavailable`)."""
    count, render = page_renderer(pdf)
    return list(_images(count, render, dpi))


def paint_pages(printer: object, count: int, render: PageRenderer, dpi: int = PRINT_DPI) -> None:
    """Draw every page, scaled to the paper (the PDF carries its own margins)."""
    paint_images(printer, _images(count, render, dpi))


def paint_images(printer: object, images: Iterable[QImage]) -> None:
    painter = QPainter(printer)  # type: ignore[call-overload]
    try:
        for i, image in enumerate(images):
            if i:
                printer.newPage()  # type: ignore[attr-defined]
            target = QRectF(painter.viewport())
            scaled = QSize(image.width(), image.height()).scaled(target.size().toSize(), Qt.AspectRatioMode.KeepAspectRatio)
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
            painter.drawImage(QRectF(target.x(), target.y(), scaled.width(), scaled.height()), image)
    finally:
        painter.end()


def _images(count: int, render: PageRenderer, dpi: int) -> Iterator[QImage]:
    for i in range(count):
        yield render(i, dpi)


PREVIEW_SIZE = QSize(900, 1000)  # an A4 page and the toolbar, where the screen has room
PREVIEW_FRAME_PX = 48  # title bar and borders a desktop adds around the dialog


def preview_size(available: QSize) -> QSize:
    """The preview's size: A4-shaped, never taller or wider than the screen's free area."""
    return QSize(min(PREVIEW_SIZE.width(), available.width() - 16),
                 min(PREVIEW_SIZE.height(), available.height() - PREVIEW_FRAME_PX))


def make_preview_dialog(parent: QWidget | None, pages: list[QImage]) -> QDialog:
    """Qt's print preview of the rendered pages; its print button opens the system's print dialog."""
    from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog, QPrintPreviewWidget

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    printer.setPageOrientation(QPageLayout.Orientation.Portrait)
    printer.setFullPage(True)
    printer.setDocName("政府信息公开工作年度报告")
    dialog = QPrintPreviewDialog(printer, parent)
    dialog.setWindowTitle("打印预览")
    screen = (parent.screen() if parent is not None else None) or QGuiApplication.primaryScreen()
    room = screen.availableGeometry().size() if screen is not None else QSize(1366, 728)
    dialog.resize(preview_size(room))
    dialog.paintRequested.connect(lambda p: paint_images(p, pages))
    preview = dialog.findChild(QPrintPreviewWidget)
    if preview is not None:  # a whole page in view, however small the screen (1366×768 laptops)
        preview.setViewMode(QPrintPreviewWidget.ViewMode.SinglePageView)
        preview.setZoomMode(QPrintPreviewWidget.ZoomMode.FitInView)
    dialog.printer = printer  # type: ignore[attr-defined]  # keep it alive with the dialog
    return dialog


def show_print_preview(parent: QWidget | None, pages: list[QImage]) -> None:
    make_preview_dialog(parent, pages).exec()
