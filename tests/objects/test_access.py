"""The one decision, every level and route: the table of the partner agreement, deny by default."""

from __future__ import annotations

import pytest

from objects.access import DOWNLOAD, EXCERPT, IMAGE, MANIFEST, PROBE, THUMBNAIL, VIEW, decide

LEVELS = ("open", "read-only", "preview-24")
EXPECTED = {  # route: (open, read-only, preview-24)
    VIEW: (True, True, True),
    MANIFEST: (True, True, True),
    IMAGE: (True, True, True),
    THUMBNAIL: (True, True, True),
    DOWNLOAD: (True, False, False),
    EXCERPT: (True, False, True),
    PROBE: (True, True, True),
}


@pytest.mark.parametrize("route", sorted(EXPECTED))
@pytest.mark.parametrize("level", LEVELS)
def test_each_level_and_route(level: str, route: str) -> None:
    decision = decide(level, False, route, cap=2000)
    assert decision.allowed is EXPECTED[route][LEVELS.index(level)]
    if decision.allowed and route in (IMAGE, THUMBNAIL):
        assert decision.max_side == (None if level == "open" else 2000)
    elif decision.allowed:
        assert decision.max_side is None


@pytest.mark.parametrize("route", sorted(EXPECTED))
@pytest.mark.parametrize("level", LEVELS)
def test_a_withdrawn_copy_is_served_nowhere_but_the_probe_says_so(level: str, route: str) -> None:
    decision = decide(level, True, route, cap=2000)
    assert decision.allowed is (route == PROBE)
    assert decision.reason == "withdrawn"


@pytest.mark.parametrize("role", ["consent", "metadata", "agreement", ""])
def test_only_the_copys_own_files_are_ever_served(role: str) -> None:
    assert not decide("open", False, DOWNLOAD, role=role).allowed
    assert not decide("open", False, IMAGE, role=role).allowed


@pytest.mark.parametrize("level, route", [("open", "delete"), ("secret", VIEW), ("", DOWNLOAD), ("OPEN", DOWNLOAD)])
def test_what_the_table_does_not_name_is_refused(level: str, route: str) -> None:
    assert decide(level, False, route).allowed is False
