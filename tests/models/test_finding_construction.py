"""The checker's rules build their findings with ``new_finding`` (a fifth of a frozen dataclass's
``__init__``): what it gives is a :class:`Finding` in every respect — equal, same hash, repr and JSON,
frozen, picklable, ``replace``-able — to the one ``Finding(...)`` builds from the same fields."""

from __future__ import annotations

import copy
import dataclasses
import pickle

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from report_strategies import hostile_reports, realistic_reports

from models.checker import checker_for
from models.findings import Finding, _Draft, new_finding
from models.values import CellRef

_text = st.text(max_size=12)
_refs = st.builds(CellRef, _text, _text, _text)
_values = st.one_of(st.none(), st.integers(-(10**40), 10**40), _text, st.decimals(allow_nan=False, places=3))
_fields = st.tuples(
    _text, st.sampled_from(["error", "warning", "info"]), st.one_of(st.none(), _text),
    st.lists(_refs, max_size=4).map(tuple), st.one_of(st.none(), _refs), _values, _values, _text,
    st.tuples(_text, st.one_of(st.none(), _text, _refs)), st.integers(-5, 10**6),
)


def test_a_draft_has_the_findings_slots_in_order() -> None:
    assert _Draft.__slots__ == tuple(f.name for f in dataclasses.fields(Finding)) == Finding.__slots__


@settings(max_examples=200, deadline=None)
@given(args=_fields)
def test_new_finding_is_the_finding_the_constructor_builds(args: tuple[object, ...]) -> None:
    made, built = new_finding(*args), Finding(*args)  # type: ignore[arg-type]
    assert type(made) is Finding
    assert made == built
    _same_hash(made, built)
    assert repr(made) == repr(built)
    assert all(getattr(made, f.name) == getattr(built, f.name) for f in dataclasses.fields(Finding))
    assert made.to_json() == built.to_json()
    assert made.to_dict() == built.to_dict()
    assert pickle.loads(pickle.dumps(made)) == built
    assert copy.copy(made) == built and copy.deepcopy(made) == built
    assert dataclasses.replace(made, message="x") == dataclasses.replace(built, message="x")
    assert made.with_acceptance("说明") == built.with_acceptance("说明")
    assert dataclasses.astuple(made) == dataclasses.astuple(built)


def test_a_new_finding_is_frozen() -> None:
    made = new_finding("r", "error", None, (), None, 1, 2, "m", ("r", None), 0)
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.message = "other"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        del made.rule  # type: ignore[misc]
    assert made.message == "m" and made.accepted is False and made.explanation is None and made.span is None


@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_the_checkers_findings_equal_the_constructors(data: st.DataObject) -> None:
    """Every finding a check makes, rebuilt field by field with ``Finding(...)``, is the same."""
    reports = st.one_of(realistic_reports(), hostile_reports())
    report, previous = data.draw(reports), data.draw(st.one_of(st.none(), reports))
    for f in checker_for(report.template).check(report, previous):
        rebuilt = Finding(**{field.name: getattr(f, field.name) for field in dataclasses.fields(Finding)})
        assert type(f) is Finding and f == rebuilt and repr(f) == repr(rebuilt)
        _same_hash(f, rebuilt)


def _same_hash(a: Finding, b: Finding) -> None:
    """Equal hashes, or both unhashable (a hostile file's signalling NaN cannot be hashed)."""
    try:
        expected = hash(a)
    except TypeError:
        with pytest.raises(TypeError):
            hash(b)
        return
    assert hash(b) == expected
