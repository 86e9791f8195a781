"""What the one-folder bundle relies on, checked from source (the bundle itself is built and
smoke-tested by packaging/build-linux.sh and packaging/smoke_test.py in .ci/run)."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "packaging"))

import smoke_test  # noqa: E402

from models.resources import resource_path  # noqa: E402
from models.version import VERSION  # noqa: E402

SAMPLE = ROOT / "resources" / "samples" / "wulong-hrss-2021.json"


def run_main(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], capture_output=True, text=True,
                          encoding="utf-8", cwd=ROOT, timeout=60, env={**os.environ, **env})


def test_version_is_written_once_and_printed() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert "version" not in project and "version" in project["dynamic"]
    proc = run_main("--version")
    assert proc.returncode == 0
    assert proc.stdout.strip() == f"年报编辑器 {VERSION}"


def test_every_subcommand_is_run_by_the_bundle_smoke_test() -> None:
    """A subcommand imports its modules lazily: only running it in the bundle proves they are in it."""
    names = smoke_test.main_subcommands()
    assert {"check", "convert"} <= set(names)
    missing = [n for n in names if n not in smoke_test.SUBCOMMANDS]
    assert not missing, f"add {missing} to SUBCOMMANDS in packaging/smoke_test.py"


def test_icons_the_bundle_and_the_deb_use_are_shipped() -> None:
    icons = resource_path("icons")
    for size in (16, 32, 48, 64, 128, 256):
        assert (icons / f"nianbao-{size}.png").stat().st_size > 0
    assert (icons / "nianbao.svg").read_text(encoding="utf-8").startswith("<?xml")
    assert (icons / "nianbao.ico").read_bytes()[:4] == b"\0\0\1\0"  # the ICO header


@pytest.mark.gui
def test_window_reports_its_first_paint_and_quits(tmp_path: Path) -> None:
    """NIANBAO_QUIT_WHEN_SHOWN: how the smoke test and the start-up bench see the bundle's window."""
    proc = run_main(str(SAMPLE), NIANBAO_QUIT_WHEN_SHOWN="1", QT_QPA_PLATFORM="offscreen", HOME=str(tmp_path),
                    XDG_CONFIG_HOME=str(tmp_path / "config"), XDG_DATA_HOME=str(tmp_path / "data"))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("SHOWN 重庆市武隆区人力资源和社会保障局2021年")


@pytest.mark.gui
def test_window_icon_is_the_editors_own(qapp: object) -> None:
    from ui import theme

    sizes = {size.width() for size in theme.app_icon().availableSizes()}
    assert {16, 32, 256} <= sizes


@pytest.mark.gui
def test_window_quits_when_its_reader_has_left_after_the_first_line(tmp_path: Path) -> None:
    """`nianbao FILE | grep -q '^SHOWN '` (packaging/check-deb.sh): the reader leaves after the first
    line; the window must still quit, not stop at an error dialog about the broken pipe."""
    env = {**os.environ, "NIANBAO_QUIT_WHEN_SHOWN": "1", "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path),
           "XDG_CONFIG_HOME": str(tmp_path / "config"), "XDG_DATA_HOME": str(tmp_path / "data")}
    proc = subprocess.Popen([sys.executable, str(ROOT / "main.py"), str(SAMPLE)], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, cwd=ROOT, env=env)
    assert proc.stdout is not None
    first = proc.stdout.readline()
    proc.stdout.close()  # as grep -q does once it has its match
    try:
        code = proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        pytest.fail("the window did not quit once its reader had gone")
    assert first.decode("utf-8").startswith("SHOWN ") and code == 0
