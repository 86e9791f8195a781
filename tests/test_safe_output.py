"""Text taken from a file never steers the terminal or the file system (issue 7, item 7):
``check`` escapes control characters, and file names suggested from a report are safe."""

from __future__ import annotations

from pathlib import Path

import pytest

from main import main
from models import storage
from models.file_names import safe_file_name
from models.report import Report
from models.template import load_template


def test_check_escapes_control_characters_from_the_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    report = Report.blank(load_template("2021"), agency="某局\x1b[2J\x1b]0;hacked\x07\u202e", year=2024)
    report.texts["other"] = "末尾\x1b[31m红字"
    path = tmp_path / "坏\x1b[1m.json"
    storage.save(report, path)
    main(["check", str(path)])
    out = capsys.readouterr()
    printed = out.out + out.err
    assert "\x1b" not in printed and "\x07" not in printed and "\u202e" not in printed
    assert "\\x1b[2J" in printed and "\\u202e" in printed  # shown, harmlessly
    assert "某局" in printed


@pytest.mark.parametrize("name, expected", [
    ("某某局2024年政府信息公开工作年度报告", "某某局2024年政府信息公开工作年度报告"),
    ("../../etc/passwd", "etc_passwd"),
    ("..\\..\\Windows\\System32\\x", "Windows_System32_x"),
    ("a/b\\c:d*e?f\"g<h>i|j", "a_b_c_d_e_f_g_h_i_j"),
    ("CON", "CON_"),
    ("  . 局 .  ", "局"),
    ("\x1b[2J局\x00", "[2J局"),
    ("", "政府信息公开工作年度报告"),
    ("..", "政府信息公开工作年度报告"),
])
def test_file_names_from_a_file_are_safe(name: str, expected: str) -> None:
    assert safe_file_name(name, "政府信息公开工作年度报告") == expected


def test_a_long_name_is_cut() -> None:
    assert len(safe_file_name("局" * 400, "x")) <= 100


def test_printable_text_passes_unchanged_and_every_escaped_character_is_unprintable() -> None:
    """``printable`` returns text that ``str.isprintable`` accepts as it is (the batch output's
    fast path): sound only because no character it escapes is one that isprintable accepts."""
    from batch.output import _UNPRINTABLE, printable

    escaped = [chr(i) for i in range(0x2070) if _UNPRINTABLE.match(chr(i))] + ["\ufeff"]
    assert len(escaped) == 84 and not any(ch.isprintable() for ch in escaped)
    for ch in escaped:
        assert printable(f"某局{ch}报告") != f"某局{ch}报告"
    assert printable('{"agency": "某某县第00001局", "message": "应为 20+0+0"}') == \
        '{"agency": "某某县第00001局", "message": "应为 20+0+0"}'
    assert printable("第一行\n\t第二行") == "第一行\n\t第二行"
