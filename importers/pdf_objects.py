"""What a PDF page holds, read with PDFium (pypdfium2, C speed): its characters with their
boxes, the ruling lines of its tables, and how many images it shows.

pdfminer (under pdfplumber) interprets content streams in Python: some 0.15 s a page for a PDF
made by WPS, which positions every character on its own. PDFium reads the same page in about
a tenth of that. The characters and edges come out as the dictionaries pdfplumber's own
objects are (``x0``, ``x1``, ``top``, ``bottom`` measured from the top of the page), so that
pdfplumber's table finder and text-line grouping work on them unchanged (:mod:`importers.pdf`).

PDFium is not thread-safe: every call into it, here and in the print preview, holds
:data:`PDFIUM_LOCK`.
"""

from __future__ import annotations

import ctypes
import threading
from dataclasses import dataclass, field
from typing import Any

PDFIUM_LOCK = threading.RLock()
MAX_FORM_DEPTH = 8  # form XObjects nested deeper than this are not looked into
_GENERATED = frozenset({0xFFFE, 0xFFFF, 0x0000})


class PdfUnreadable(Exception):
    """PDFium could not open the document; ``password`` says whether a password is the reason."""

    def __init__(self, reason: str, *, password: bool = False) -> None:
        super().__init__(reason)
        self.password = password


class TooManyObjects(Exception):
    """A page draws more objects than any report page: reading it would cost too much."""

    def __init__(self, count: int) -> None:
        super().__init__(count)
        self.count = count


@dataclass(slots=True)
class PageObjects:
    """One page: characters and ruling edges as pdfplumber's dictionaries, measured from the
    top-left corner of the page box."""

    number: int
    width: float
    height: float
    chars: list[dict[str, Any]] = field(default_factory=list)
    edges: list[dict[str, Any]] = field(default_factory=list)  # straight lines of rules (h/v only)
    images: int = 0

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        return (0.0, 0.0, self.width, self.height)


def open_document(data: bytes) -> Any:
    """The PDFium document (call with :data:`PDFIUM_LOCK` held); raises :class:`PdfUnreadable`."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        return_code = raw.FPDF_GetLastError()
        raise PdfUnreadable(str(exc), password=return_code == raw.FPDF_ERR_PASSWORD) from None


def document_title(doc: Any) -> str | None:
    try:
        title = doc.get_metadata_dict().get("Title")
    except Exception:  # a damaged information dictionary: no title hint
        return None
    return title if isinstance(title, str) and title.strip() else None


def read_page(doc: Any, index: int, *, max_objects: int, is_ruling: Any) -> PageObjects:
    """Page ``index`` of ``doc`` (call with :data:`PDFIUM_LOCK` held). ``is_ruling(fill,
    stroke, width, height, color)`` says which painted paths are rules of a table. Raises
    :class:`TooManyObjects` before reading a page with more than ``max_objects``."""
    import pypdfium2.raw as raw

    page = doc[index]
    try:
        left, bottom, right, top = page.get_mediabox()
        out = PageObjects(index + 1, float(right - left), float(top - bottom))
        objects = raw.FPDFPage_CountObjects(page.raw)
        textpage = page.get_textpage()
        try:
            count = textpage.count_chars()
            if count + objects > max_objects:
                raise TooManyObjects(count + objects)
            out.chars = _chars(textpage.raw, count, left, top)
        finally:
            textpage.close()
        walker = _Walker(left, top, is_ruling)
        walker.walk(lambda k: raw.FPDFPage_GetObject(page.raw, k), objects, _IDENTITY, depth=0)
        out.edges = walker.edges
        out.images = walker.images
        return out
    finally:
        page.close()


def _chars(textpage: Any, count: int, left: float, top: float) -> list[dict[str, Any]]:
    """The page's characters in content order (PDFium's generated spaces and line ends left
    out), each with the box pdfminer gives it: the advance width across, one em up from the
    bottom of the font's descent (``size``: the font size as drawn, the text matrix applied)."""
    import pypdfium2.raw as raw

    rect = raw.FS_RECTF()
    matrix = raw.FS_MATRIX()
    out: list[dict[str, Any]] = []
    for i in range(count):
        code = raw.FPDFText_GetUnicode(textpage, i)
        if code in _GENERATED or raw.FPDFText_IsGenerated(textpage, i) == 1:
            continue
        try:
            text = chr(code)
        except ValueError:
            continue
        if text in "\r\n" or not raw.FPDFText_GetLooseCharBox(textpage, i, rect):
            continue
        size = float(raw.FPDFText_GetFontSize(textpage, i))
        if raw.FPDFText_GetMatrix(textpage, i, matrix):
            size *= abs(matrix.a * matrix.d - matrix.b * matrix.c) ** 0.5
        x0, x1 = float(rect.left) - left, float(rect.right) - left
        b = top - float(rect.bottom)
        t = b - size if size > 0 else top - float(rect.top)
        out.append({"object_type": "char", "text": text, "x0": x0, "x1": x1, "top": t, "bottom": b,
                    "doctop": t, "width": x1 - x0, "height": b - t, "size": b - t, "upright": True})
    return out


_IDENTITY = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
Matrix = tuple[float, float, float, float, float, float]


def _compose(inner: Matrix, outer: Matrix) -> Matrix:
    """``inner`` then ``outer`` (PDF's row-vector convention: p' = p · inner · outer)."""
    a, b, c, d, e, f = inner
    A, B, C, D, E, F = outer
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


class _Walker:
    """Page objects, into form XObjects, with the matrices that place them on the page."""

    def __init__(self, left: float, top: float, is_ruling: Any) -> None:
        self.left, self.top = left, top
        self.is_ruling = is_ruling
        self.edges: list[dict[str, Any]] = []
        self.images = 0
        import pypdfium2.raw as raw

        self._m = raw.FS_MATRIX()

    def _matrix(self, obj: Any) -> Matrix:
        import pypdfium2.raw as raw

        m = self._m
        if not raw.FPDFPageObj_GetMatrix(obj, m):
            return _IDENTITY
        return (m.a, m.b, m.c, m.d, m.e, m.f)

    def walk(self, get: Any, count: int, outer: Matrix, *, depth: int) -> None:
        import pypdfium2.raw as raw

        for k in range(count):
            obj = get(k)
            kind = raw.FPDFPageObj_GetType(obj)
            if kind == raw.FPDF_PAGEOBJ_PATH:
                self._path(obj, _compose(self._matrix(obj), outer))
            elif kind == raw.FPDF_PAGEOBJ_IMAGE:
                self.images += 1
            elif kind == raw.FPDF_PAGEOBJ_FORM and depth < MAX_FORM_DEPTH:
                inner = _compose(self._matrix(obj), outer)
                self.walk(lambda j, form=obj: raw.FPDFFormObj_GetObject(form, j),
                          raw.FPDFFormObj_CountObjects(obj), inner, depth=depth + 1)

    def _path(self, obj: Any, m: Matrix) -> None:
        import pypdfium2.raw as raw

        fill_mode, stroke = ctypes.c_int(), ctypes.c_int()
        if not raw.FPDFPath_GetDrawMode(obj, ctypes.byref(fill_mode), ctypes.byref(stroke)):
            return
        filled, stroked = fill_mode.value != 0, bool(stroke.value)
        if not filled and not stroked:
            return  # a clipping path or an invisible one
        color = None
        if filled:
            red, green, blue, alpha = (ctypes.c_uint() for _ in range(4))
            if raw.FPDFPageObj_GetFillColor(obj, ctypes.byref(red), ctypes.byref(green), ctypes.byref(blue),
                                            ctypes.byref(alpha)):
                color = (red.value / 255, green.value / 255, blue.value / 255)
        for points in self._subpaths(obj, m):
            xs = [p[0] for p in points]
            ys = [p[1] for p in points]
            width, height = max(xs) - min(xs), max(ys) - min(ys)
            if not self.is_ruling(filled, stroked, width, height, color):
                continue
            if filled and not stroked:  # a filled bar: its outline, as pdfplumber edges a rect
                x0, x1, t, b = min(xs), max(xs), min(ys), max(ys)
                points = [(x0, t), (x1, t), (x1, b), (x0, b), (x0, t)]
            for p, q in zip(points, points[1:], strict=False):
                self._edge(p, q)

    def _subpaths(self, obj: Any, m: Matrix) -> list[list[tuple[float, float]]]:
        """Each subpath's points on the page (top-down), a closed one back to its start; curves
        break a subpath (a table's rules are straight)."""
        import pypdfium2.raw as raw

        a, b, c, d, e, f = m
        out: list[list[tuple[float, float]]] = []
        current: list[tuple[float, float]] = []
        x, y = ctypes.c_float(), ctypes.c_float()
        for k in range(raw.FPDFPath_CountSegments(obj)):
            seg = raw.FPDFPath_GetPathSegment(obj, k)
            if not raw.FPDFPathSegment_GetPoint(seg, ctypes.byref(x), ctypes.byref(y)):
                continue
            px, py = x.value * a + y.value * c + e, x.value * b + y.value * d + f
            point = (px - self.left, self.top - py)
            kind = raw.FPDFPathSegment_GetType(seg)
            if kind == raw.FPDF_SEGMENT_MOVETO:
                if len(current) > 1:
                    out.append(current)
                current = [point]
            elif kind == raw.FPDF_SEGMENT_LINETO:
                current.append(point)
            else:  # a Bézier curve: no rule
                if len(current) > 1:
                    out.append(current)
                current = [point]
            if raw.FPDFPathSegment_GetClose(seg) and current:
                current.append(current[0])
        if len(current) > 1:
            out.append(current)
        return out

    def _edge(self, p: tuple[float, float], q: tuple[float, float]) -> None:
        (x0, y0), (x1, y1) = p, q
        if abs(y0 - y1) < 0.5:  # horizontal
            lo, hi = sorted((x0, x1))
            if hi - lo < 0.5:
                return
            y = (y0 + y1) / 2
            self.edges.append({"object_type": "line", "orientation": "h", "x0": lo, "x1": hi, "top": y,
                               "bottom": y, "doctop": y, "width": hi - lo, "height": 0.0})
        elif abs(x0 - x1) < 0.5:  # vertical
            lo, hi = sorted((y0, y1))
            x = (x0 + x1) / 2
            self.edges.append({"object_type": "line", "orientation": "v", "x0": x, "x1": x, "top": lo,
                               "bottom": hi, "doctop": lo, "width": 0.0, "height": hi - lo})
