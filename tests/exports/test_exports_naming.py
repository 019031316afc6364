"""File names carry operation, as-at date and data version, and nothing a file could smuggle."""

from __future__ import annotations

import re
from datetime import date

import pytest

from exports.naming import file_name, slug

SAFE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


def test_name_carries_operation_as_at_and_version() -> None:
    """The example from SECURITY.md trap 2 comes out exactly."""
    name = file_name("Arrests by force", operation="OA2025", as_at=date(2026, 3, 2), version=154,
                     ext="svg")
    assert name == "OA2025_arrests-by-force_as-at-2026-03-02_v154.svg"


def test_new_data_version_gives_new_name() -> None:
    """A corrected upload changes the name, so a browser cannot be served the old bytes."""
    a = file_name("t", operation="OA2025", as_at=date(2026, 3, 2), version=154, ext="csv")
    b = file_name("t", operation="OA2025", as_at=date(2026, 3, 2), version=155, ext="csv")
    assert a != b and b.endswith("_v155.csv")


@pytest.mark.parametrize("hostile", ["../../x", "CON", "a\u202egnp.exe", "x" * 300, "", "..",
                                     "naïve / café: <b>"])
def test_hostile_text_is_sanitised(hostile: str) -> None:
    """Path parts, reserved names, bidi overrides and long text never reach the file name."""
    name = file_name(hostile, operation="../OA2025", as_at=date(2026, 3, 2), version=1, ext="x/y")
    assert SAFE.match(name) and ".." not in name and "/" not in name
    assert len(name) < 120
    assert "\u202e" not in slug(hostile)
