"""Shared, Qt-free fixtures: real, consistent reports and the checker.

The reports are built by ``tests/models/sample_reports.py`` from the transcribed fixtures in
``tests/fixtures/`` (copies of the shared ones): 淮安 2024, 平潭 2023 and 武隆 2021, each with
its published narratives and no finding at all.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest

# Not ``from conftest import …`` in tests: several conftest.py share that module name.
sys.path.insert(0, str(Path(__file__).resolve().parent / "models"))

from sample_reports import make_huaian, make_pingtan, make_previous, make_wulong  # noqa: E402

from models.checker import Checker, checker_for  # noqa: E402
from models.report import Report  # noqa: E402
from models.template import ReportTemplate, load_template  # noqa: E402


@pytest.fixture(scope="session")
def template() -> ReportTemplate:
    return load_template("2021")


@pytest.fixture(scope="session")
def checker(template: ReportTemplate) -> Checker:
    return checker_for(template)


@pytest.fixture
def huaian() -> Report:
    """A correct, complete report: the 淮安市人民政府 2024 report with its narratives."""
    return make_huaian()


@pytest.fixture
def previous(huaian: Report) -> Report:
    """Its consistent predecessor for the carry-over rules."""
    return make_previous(huaian)


@pytest.fixture
def pingtan() -> Report:
    """平潭综合实验区 2023: no application dropped for unpaid fees, a six-place 行政事业性收费."""
    return make_pingtan()


@pytest.fixture
def wulong() -> Report:
    """武隆区人力社保局 2021: 表三/表四 all zero, 未收到依申请公开."""
    return make_wulong()


@pytest.fixture
def report_factory() -> Callable[[], Report]:
    return make_huaian
