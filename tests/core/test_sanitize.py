"""Text from outside, cleaned at the edge (core/sanitize.py)."""

from __future__ import annotations

from muse.core.sanitize import clean_text


def test_lone_surrogates_become_the_replacement_character() -> None:
    # "\udcff": a byte read with surrogateescape; "\ud800": a JSON escape with no pair.
    assert clean_text("caf\udce9 \ud800!") == "caf\ufffd \ufffd!"
    assert clean_text("caf\udce9").encode("utf-8")  # now storable and printable


def test_control_characters_go_except_newline_and_tab() -> None:
    assert clean_text("a\x00b\x07c\x1b[31md\x7fe\x85f") == "abc[31mdef"
    assert clean_text("一\r\n二\r三\t四\n") == "一\n二\n三\t四\n"


def test_ordinary_text_is_unchanged() -> None:
    text = "「松间」沐浴露 👩‍👩‍👧 café\u200b #防晒霜#"
    assert clean_text(text) == text
