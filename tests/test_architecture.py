"""The core stays free of Qt: ``models/``, ``exporters/`` and ``importers/`` never import PySide6
(or any Qt binding) or the ``ui`` package — checked on the source (AST) and at run time."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORE = ("models", "exporters", "importers", "batch")
FORBIDDEN = ("PySide6", "PySide2", "PyQt5", "PyQt6", "shiboken6", "shiboken2", "qtpy", "ui")


def _core_files() -> list[Path]:
    files = [p for pkg in CORE for p in sorted((ROOT / pkg).rglob("*.py"))]
    assert any(p.parent.name == "models" for p in files)
    return files


def _module_of(path: Path, root: Path = ROOT) -> list[str]:
    return list(path.relative_to(root).with_suffix("").parts)


def imported_names(path: Path, root: Path = ROOT) -> list[tuple[int, str]]:
    """Every module a file imports (absolute names; relative imports resolved; dynamic imports
    by a literal name included)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = _module_of(path, root)[:-1]  # the package a relative import starts from
    out: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)] if node.level > 1 else package
                module = ".".join(base + ([node.module] if node.module else []))
                if not node.module:  # from .. import ui
                    out += [(node.lineno, f"{module}.{a.name}".lstrip(".")) for a in node.names]
                    continue
            else:
                module = node.module or ""
            out.append((node.lineno, module))
        elif isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in ("import_module", "__import__") and node.args and isinstance(node.args[0], ast.Constant) \
                    and isinstance(node.args[0].value, str):
                out.append((node.lineno, node.args[0].value))
    return out


def _forbidden(module: str) -> bool:
    top = module.split(".")[0]
    return top in FORBIDDEN


@pytest.mark.parametrize("path", _core_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_core_module_imports_no_qt_and_no_ui(path: Path) -> None:
    bad = [f"{path.relative_to(ROOT)}:{line} imports {name}" for line, name in imported_names(path) if _forbidden(name)]
    assert not bad, "\n".join(bad)


def test_the_checker_itself_catches_a_qt_import(tmp_path: Path) -> None:
    """The AST walk must be able to fail: feed it every form of a forbidden import."""
    pkg = tmp_path / "models"
    pkg.mkdir()
    sample = pkg / "bad.py"
    sample.write_text(
        "import PySide6.QtCore\nfrom PySide6 import QtWidgets\nfrom ui.main_window import MainWindow\n"
        "from .. import ui\nimport importlib\nimportlib.import_module('PySide6.QtGui')\nimport json\n",
        encoding="utf-8",
    )
    names = [n for _, n in imported_names(sample, tmp_path)]
    assert [n for n in names if _forbidden(n)] == ["PySide6.QtCore", "PySide6", "ui.main_window", "ui", "PySide6.QtGui"]
    assert "json" in names


def test_importing_the_core_loads_no_qt() -> None:
    """At run time too: importing every core module pulls in no Qt binding (nor ``ui``)."""
    modules = []
    for path in _core_files():
        parts = _module_of(path)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        modules.append(".".join(parts))
    code = (
        "import importlib, sys\n"
        f"for m in {modules!r}:\n"
        "    importlib.import_module(m)\n"
        f"bad = sorted(m for m in sys.modules if m.split('.')[0] in {FORBIDDEN!r})\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                         check=False)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "", f"Qt/ui loaded by the core: {out.stdout.strip()}"


def test_the_layers_contract_holds() -> None:
    """pyproject.toml's import-linter contract: ui → batch → importers | exporters → models."""
    lint = Path(sys.executable).with_name("lint-imports")
    if not lint.exists():  # pragma: no cover - installed by the [test] extra
        pytest.skip("import-linter is not installed")
    out = subprocess.run([str(lint), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300,
                         env={**os.environ, "PYTHONPATH": str(ROOT)}, check=False)
    assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-2000:]
    assert "1 kept, 0 broken" in out.stdout
