"""What an agency's name says about its level (机关层级), when it says it clearly.

Only people's governments (人民政府) are judged, by the kind of area they govern: a 省 or
自治区 and the four 直辖市 are provincial, a 市 or 自治州/地区/盟 a 设区的市, a 县/区/旗 a county,
a 乡/镇 (or a 街道办事处) a township. Departments (某某局) are left alone: their name seldom says
whose department they are. A 县级市 cannot be told from a 设区的市 by its name; it is taken as a
设区的市, which can make 规章, so no rule ever flags it wrongly — the user corrects the level.
"""

from __future__ import annotations

import re

from models.normalise import squash

#: The four municipalities directly under the central government (provincial level).
MUNICIPALITIES = ("北京市", "天津市", "上海市", "重庆市")

_GOVERNMENT = re.compile(r"^(?P<area>.+?)(?:人民政府|街道办事处)$")  # not its 办公室: a department
# The last administrative suffix of the area, longest first (自治县 before 县).
_SUFFIXES: tuple[tuple[str, str], ...] = (
    ("特别行政区", ""),
    ("自治区", "provincial"),
    ("省", "provincial"),
    ("自治州", "municipal"),
    ("地区", "municipal"),
    ("盟", "municipal"),
    ("市", "municipal"),
    ("自治县", "county"),
    ("自治旗", "county"),
    ("县", "county"),
    ("区", "county"),
    ("旗", "county"),
    ("民族乡", "township"),
    ("乡", "township"),
    ("镇", "township"),
    ("街道", "township"),
)


def level_from_name(agency: str) -> str | None:
    """The level (a key of :data:`models.report.LEVELS`) the name makes clear, else None."""
    name = squash(agency)
    m = _GOVERNMENT.match(name)
    if m is None:
        return None
    area = m.group("area")
    if name.endswith("街道办事处"):
        return "township"
    if area in MUNICIPALITIES:
        return "provincial"
    for suffix, level in _SUFFIXES:
        if area.endswith(suffix):
            return level or None
    return None
