"""The one text normaliser: how printed wording, typed numbers and narratives are compared.

Published reports write full-width digits and brackets, spaces inside words (``商业 企业``),
markdown emphasis from copy tools. Everything that compares text against the template, reads
a number or reads a narrative goes through :func:`squash`.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_WS = re.compile(r"\s+")
_WS_IN_LINE = re.compile(r"[^\S\n]+")  # whitespace other than line breaks
_MARKDOWN = re.compile(r"^(?:#{1,6}\s*|>\s*)|\*\*|__")


def nfkc(text: str) -> str:
    """Full-width digits, letters and punctuation as ASCII (１２ → 12, （ → ()."""
    return unicodedata.normalize("NFKC", text)


def without_markdown(text: str) -> str:
    """NFKC, and the emphasis marks and heading/quote marker that copy tools leave (``**表三**``)."""
    return _MARKDOWN.sub("", nfkc(text))


_SHORT = 256  # labels and cells are cached; narratives are not (they are long and change)


def squash(text: str, *, keep_lines: bool = False, markdown: bool = False) -> str:
    """NFKC without whitespace: the form labels, cell texts and narratives are compared in.

    ``keep_lines`` keeps line breaks (a narrative's paragraphs stay apart); ``markdown`` also
    drops emphasis marks and a heading/quote marker at the start (``**表三**``, ``## 一、``).
    """
    if len(text) <= _SHORT:
        return _squash_cached(text, keep_lines, markdown)
    return _squash(text, keep_lines, markdown)


@lru_cache(maxsize=8192)  # bounded: the GUI may import many documents in one session
def _squash_cached(text: str, keep_lines: bool, markdown: bool) -> str:
    return _squash(text, keep_lines, markdown)


def _squash(text: str, keep_lines: bool, markdown: bool) -> str:
    s = nfkc(text)
    if markdown:
        s = _MARKDOWN.sub("", s)
    return (_WS_IN_LINE if keep_lines else _WS).sub("", s)
