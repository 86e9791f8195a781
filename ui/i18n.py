"""Fill the gaps of Qt's own Chinese translations.

Qt 6.11 renamed a few labels of its dialogs (``Look in:`` became ``&Look in:``, file types moved
from the ``QFileDialog`` context to ``QAbstractFileIconProvider``), but ships the older
``qtbase_zh_CN.qm``; without help the file dialog shows “Look in:”, “Files of type:” and
“Folder” in English. This translator is asked only after Qt's own (it is installed first), and
answers from Qt's own catalogue: the same text without the mnemonic, or under the old context,
with the mnemonic added back in the Chinese way (``查找范围(&L)：``).
"""

from __future__ import annotations

import re

from PySide6.QtCore import QObject, QTranslator

# Contexts whose strings Qt moved; the old context still holds their translation.
CONTEXT_ALIASES = {"QAbstractFileIconProvider": "QFileDialog"}

_MNEMONIC = re.compile(r"&(?!&)(\w)")


class FallbackTranslator(QTranslator):
    """Answers what ``base`` misses, by asking ``base`` for the older form of the text."""

    def __init__(self, base: QTranslator, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.base = base

    def isEmpty(self) -> bool:  # noqa: N802 - Qt override
        return False

    def translate(self, context: str, source: str, disambiguation: str | None = None,  # type: ignore[override]
                  n: int = -1) -> str | None:
        # None becomes a null QString, which Qt reads as “not here, ask the next one”; an empty
        # string would be taken as the translation and blank the text out.
        if not source:
            return None
        ctx = CONTEXT_ALIASES.get(context, context)
        mnemonic = _MNEMONIC.search(source)
        plain = _MNEMONIC.sub(r"\1", source) if mnemonic else source
        if ctx == context and plain == source:
            return None  # nothing older to ask for
        found = self.base.translate(ctx, plain, disambiguation, n) or self.base.translate(ctx, plain, None, n)
        if not found:
            return None
        if mnemonic and "&" not in found:
            key = f"(&{mnemonic.group(1).upper()})"
            found = found[:-1] + key + found[-1] if found[-1] in "：:" else found + key
        return found
