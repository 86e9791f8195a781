"""Neutralise a reference-count bug of PySide6 6.12.0 on Python 3.11.

In that release every Python call of a ``void`` Qt method returns ``None`` without a new
reference, and ``SignalInstance.emit()``/``disconnect()`` return ``True`` the same way. Each
call takes one reference from the singleton; after enough calls (a long editing session, or
just interpreter shutdown) Python aborts with "none_dealloc: deallocating None" or
"bool_dealloc". PySide6 6.11 and older are fine, and so is Python 3.12+, where ``None``,
``True`` and ``False`` are immortal.

The leak is measured at import with a few harmless calls. Only when it is present, the three
singletons get the large reference count that Python 3.12 gives them anyway, so the stray
decrements can never reach zero. The entry point (:func:`ui.app.run_gui`) imports it once,
before the first QApplication; importing it again is harmless.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal

IMMORTAL_BOOST = 1 << 40  # ~10^12 stray calls before anything could go wrong


class _Probe(QObject):
    fired = Signal()


def _leaks() -> bool:
    probe = _Probe()
    none_before, true_before = sys.getrefcount(None), sys.getrefcount(True)
    for _ in range(8):
        probe.setObjectName("probe")  # a void method
        probe.fired.emit()
    # Allow for the interpreter's own noise: a real leak loses one reference per call.
    return sys.getrefcount(None) <= none_before - 8 or sys.getrefcount(True) <= true_before - 8


def _make_immortal(obj: object) -> None:
    import ctypes  # only where the leak is present: 3 ms of every start-up otherwise

    ctypes.c_ssize_t.from_address(id(obj)).value += IMMORTAL_BOOST  # ob_refcnt is the first field


APPLIED = False
if (sys.implementation.name == "cpython" and sys.version_info < (3, 12)
        and not getattr(sys, "_nianbao_qtfix", False) and _leaks()):
    for _singleton in (None, True, False):
        _make_immortal(_singleton)
    sys._nianbao_qtfix = True  # type: ignore[attr-defined]
    APPLIED = True
