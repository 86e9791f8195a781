"""Compensate a reference-count bug of some PySide6 releases (seen in 6.12.0 on Python 3.11).

``SignalInstance.emit()`` and ``.disconnect()`` return ``True`` without a new reference, so
every call from Python takes one reference from ``True``; after a few hundred emits Python
aborts with "bool_dealloc: deallocating True or False". The bug is measured at import (a few
emits of a probe signal); only when it is present are the two methods wrapped to add the
missing reference. On Python 3.12+ ``True`` is immortal and nothing is patched.

Import this module before any Python code emits a signal (every ``ui`` module that emits does).
"""

from __future__ import annotations

import ctypes
import sys
from typing import Any

from PySide6.QtCore import QObject, Signal, SignalInstance

_incref = ctypes.pythonapi.Py_IncRef
_incref.argtypes = [ctypes.py_object]
_incref.restype = None


class _Probe(QObject):
    fired = Signal()


def _emit_steals_a_reference() -> bool:
    probe = _Probe()
    before = sys.getrefcount(True)
    for _ in range(4):
        probe.fired.emit()
    return sys.getrefcount(True) < before


def _wrap(name: str) -> None:
    original = getattr(SignalInstance, name)

    def fixed(self: Any, *args: Any, **kwargs: Any) -> Any:
        result = original(self, *args, **kwargs)
        if result is True or result is False:
            _incref(result)  # the reference the binding forgot to add
        return result

    fixed.__name__ = name
    fixed.__doc__ = original.__doc__
    setattr(SignalInstance, name, fixed)


PATCHED = False
if not getattr(SignalInstance, "_nianbao_fixed", False) and _emit_steals_a_reference():
    _wrap("emit")
    _wrap("disconnect")
    SignalInstance._nianbao_fixed = True  # type: ignore[attr-defined]
    PATCHED = True
