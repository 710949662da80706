"""The event log is a hash chain: a changed, removed or cut-off entry is found."""

from __future__ import annotations

import json
from pathlib import Path

from objects import events


def three_events(root: Path) -> None:
    root.mkdir(exist_ok=True)
    events.append(root, "deposit", object="a", version=1)
    events.append(root, "set-access", object="a", access="read-only")
    events.append(root, "withdraw", object="a", reason="court order")


def lines(root: Path) -> list[str]:
    return events.log_path(root).read_text(encoding="utf-8").splitlines()


def test_an_intact_log_verifies_and_its_head_is_the_last_entry(tmp_path) -> None:  # type: ignore[no-untyped-def]
    three_events(tmp_path)
    head = events.head(tmp_path)
    assert head.seq == 3 and head.hash == json.loads(lines(tmp_path)[-1])["hash"]
    assert events.verify(tmp_path, head) == []
    assert [e["kind"] for e in events.read(tmp_path)] == ["deposit", "set-access", "withdraw"]


def test_a_changed_entry_is_found(tmp_path) -> None:  # type: ignore[no-untyped-def]
    three_events(tmp_path)
    text = lines(tmp_path)
    text[1] = text[1].replace("read-only", "open")
    events.log_path(tmp_path).write_text("\n".join(text) + "\n", encoding="utf-8")
    assert events.verify(tmp_path) == ["line 2: entry 2 was changed after it was written"]


def test_a_removed_entry_is_found(tmp_path) -> None:  # type: ignore[no-untyped-def]
    three_events(tmp_path)
    text = lines(tmp_path)
    del text[1]
    events.log_path(tmp_path).write_text("\n".join(text) + "\n", encoding="utf-8")
    problems = events.verify(tmp_path)
    assert any("entries were removed" in p for p in problems)
    assert any("does not chain" in p for p in problems)


def test_entries_cut_off_the_end_are_found_against_the_remembered_head(tmp_path) -> None:  # type: ignore[no-untyped-def]
    three_events(tmp_path)
    anchor = events.head(tmp_path)
    events.log_path(tmp_path).write_text("\n".join(lines(tmp_path)[:2]) + "\n", encoding="utf-8")
    assert events.verify(tmp_path) == []
    assert events.verify(tmp_path, anchor) == [
        "the log ends at entry 2, but entry 3 was written: entries were removed from its end"]


def test_a_rewritten_log_with_a_valid_chain_is_found_against_the_remembered_head(tmp_path) -> None:  # type: ignore[no-untyped-def]
    three_events(tmp_path)
    anchor = events.head(tmp_path)
    events.log_path(tmp_path).unlink()
    events.append(tmp_path, "deposit", object="a", version=1)
    events.append(tmp_path, "set-access", object="a", access="open")  # a forged history
    events.append(tmp_path, "reinstate", object="a")
    assert events.verify(tmp_path) == []
    assert events.verify(tmp_path, anchor) == ["entry 3 is not the one the database remembers"]
