"""What this year's report file keeps of last year's report (the file's ``previous`` block).

The carry-over rules read last year only through :class:`~models.last_year.LastYear`; this
module decides what of last year's report travels with this year's file so that they run on
any desk without last year's file:

- every table cell last year's report filled in (in last year's keys): 二's 现行有效件数,
  三's 结转下年度, and every count the outlier rule compares — a few hundred numbers at most,
  bounded by last year's template;
- the narrative texts (and the 导语): ``carryover.copied_text`` and ``narrative.stale_number``
  compare this year's text with them, and the editor shows them beside this year's. Each is
  kept up to :data:`models.limits.MAX_PREVIOUS_TEXT_CHARS` characters (a real section is a
  few thousand), so the file stays small and human-readable;
- its year, format, agency, and the name and SHA-256 of the file it was read from.
"""

from __future__ import annotations

import hashlib
import os
from decimal import Decimal
from pathlib import Path

from models import limits
from models.last_year import LastYear, SourceFile
from models.report import Report
from models.values import CellRef, Value

HASH_CHUNK = 1024 * 1024


def kept_of(report: Report, source: SourceFile | None = None) -> LastYear:
    """What this year's file keeps of last year's ``report`` (read from ``source``)."""
    values: dict[CellRef, Value] = {}
    for cell in report.template.all_cells():
        value = report.values.get(cell.ref)
        if value is not None and limits.fits_file(value, cell.number):
            if type(value) is int and not cell.number.whole:
                value = Decimal(value)  # an amount as the file gives it back
            values[cell.ref] = value
    texts = {key: limits.clean_text(text)[0][: limits.MAX_PREVIOUS_TEXT_CHARS]
             for key, text in report.texts.items() if text}
    agency = report.meta.agency[: limits.MAX_AGENCY_CHARS]
    return LastYear(template=report.template.id, year=report.meta.year, values=values, texts=texts,
                    agency=agency, source=source)


def source_of(path: str | os.PathLike[str]) -> SourceFile | None:
    """The name and SHA-256 of the file at ``path`` (None when it cannot be read any more)."""
    p = Path(path)
    digest = hashlib.sha256()
    try:
        with p.open("rb") as fh:
            for chunk in iter(lambda: fh.read(HASH_CHUNK), b""):
                digest.update(chunk)
    except OSError:
        return None
    return SourceFile(p.name[: limits.MAX_META_CHARS], digest.hexdigest())


def source_of_bytes(name: str, data: bytes) -> SourceFile:
    return SourceFile(Path(name).name[: limits.MAX_META_CHARS], hashlib.sha256(data).hexdigest())
