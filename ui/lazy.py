"""Modules imported at their first use, so that starting the editor does not pay for them.

``dialogs = lazy_module("ui.dialogs")`` gives a module object at once; its code runs (and the Qt
classes it names are set up) when an attribute is first read — for most sessions never before the
first dialog. Built on :class:`importlib.util.LazyLoader`; a module already imported is returned
as it is, and monkeypatching the lazy module works like patching the real one.
"""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType


def lazy_module(name: str) -> ModuleType:
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:
        raise ImportError(f"no module named {name!r}", name=name)
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    loader.exec_module(module)
    parent, _, child = name.rpartition(".")
    if parent:
        setattr(sys.modules[parent], child, module)
    return module
