"""Chinese input on fcitx desks: Qt for Python has no fcitx plugin, so we ask for ibus (fcitx5 serves it)."""

from __future__ import annotations

import os
from pathlib import Path

from ui.input_method import apply_input_method_fallback, input_context_plugin_files, input_method_fallback

WHEEL_PLUGINS = ["libcomposeplatforminputcontextplugin.so", "libibusplatforminputcontextplugin.so"]


def test_fcitx_desk_without_fcitx_plugin_is_given_ibus_over_the_session_bus() -> None:
    for name in ("fcitx", "fcitx5", "FCITX "):
        assert input_method_fallback({"QT_IM_MODULE": name}, WHEEL_PLUGINS) == {
            "QT_IM_MODULE": "ibus",
            "IBUS_USE_PORTAL": "1",
        }


def test_a_desk_choice_that_qt_can_load_is_kept() -> None:
    with_fcitx = [*WHEEL_PLUGINS, "libfcitx5platforminputcontextplugin.so"]
    assert input_method_fallback({"QT_IM_MODULE": "fcitx"}, with_fcitx) == {}
    assert input_method_fallback({"QT_IM_MODULE": "ibus"}, WHEEL_PLUGINS) == {}
    assert input_method_fallback({}, WHEEL_PLUGINS) == {}
    # Qt ≥ 6.7's list of fallbacks, set by the desk: theirs to decide.
    assert input_method_fallback({"QT_IM_MODULE": "fcitx", "QT_IM_MODULES": "fcitx;ibus"}, WHEEL_PLUGINS) == {}
    # No ibus plugin either: switching would not help.
    assert input_method_fallback({"QT_IM_MODULE": "fcitx"}, ["libcomposeplatforminputcontextplugin.so"]) == {}
    # The desk's own portal setting stays.
    assert input_method_fallback({"QT_IM_MODULE": "fcitx", "IBUS_USE_PORTAL": "0"}, WHEEL_PLUGINS) == {
        "QT_IM_MODULE": "ibus"
    }


def test_plugins_are_looked_for_in_qt_and_on_qt_plugin_path(tmp_path: Path) -> None:
    qt = tmp_path / "qt"
    (qt / "platforminputcontexts").mkdir(parents=True)
    (qt / "platforminputcontexts" / "libibusplatforminputcontextplugin.so").write_bytes(b"")
    own = tmp_path / "own"
    (own / "platforminputcontexts").mkdir(parents=True)
    (own / "platforminputcontexts" / "libfcitx5platforminputcontextplugin.so").write_bytes(b"")
    env = {"QT_PLUGIN_PATH": os.pathsep.join([str(tmp_path / "missing"), str(own)])}
    found = input_context_plugin_files(str(qt), env)
    assert sorted(found) == ["libfcitx5platforminputcontextplugin.so", "libibusplatforminputcontextplugin.so"]
    # The desk's own fcitx plugin on QT_PLUGIN_PATH is used, not replaced.
    assert input_method_fallback({"QT_IM_MODULE": "fcitx", **env}, found) == {}


def test_the_installed_qt_really_lacks_fcitx_and_the_environment_is_changed() -> None:
    env = {"QT_IM_MODULE": "fcitx"}
    changes = apply_input_method_fallback(env)
    from PySide6.QtCore import QLibraryInfo

    installed = input_context_plugin_files(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath), {})
    if any("fcitx" in name for name in installed):
        assert changes == {} and env == {"QT_IM_MODULE": "fcitx"}
    else:
        assert any("ibus" in name for name in installed)
        assert env == {"QT_IM_MODULE": "ibus", "IBUS_USE_PORTAL": "1"} and changes == {
            "QT_IM_MODULE": "ibus",
            "IBUS_USE_PORTAL": "1",
        }


def test_nothing_set_costs_nothing() -> None:
    env: dict[str, str] = {}
    assert apply_input_method_fallback(env) == {} and env == {}
