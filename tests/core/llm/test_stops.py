"""StopScanner: what a growing completion may release while stop strings are pending."""

from __future__ import annotations

from muse.core.llm.stops import StopScanner


def feed_all(scanner: StopScanner, text: str) -> list[str]:
    """Feed `text` one character at a time, as a detokenizer would grow it."""
    return [scanner.feed(text[:end]) for end in range(1, len(text) + 1)]


def test_without_stops_everything_is_released_at_once() -> None:
    scanner = StopScanner(())
    assert feed_all(scanner, "秋季新品") == ["秋", "季", "新", "品"]
    assert scanner.flush("秋季新品") == "" and not scanner.stopped


def test_a_possible_stop_prefix_waits_then_is_released() -> None:
    scanner = StopScanner(["###"])
    assert feed_all(scanner, "ab##c") == ["a", "b", "", "", "##c"]
    assert scanner.feed("ab##c#") == ""
    assert scanner.flush("ab##c#") == "#"


def test_the_earliest_stop_cuts_and_nothing_after_it_is_released() -> None:
    scanner = StopScanner(["END", "\n\n"])
    released = "".join(feed_all(scanner, "标语一\n\n标语二END"))
    assert released == "标语一" and scanner.stopped
    assert scanner.feed("标语一\n\n标语二END更多") == ""
    assert scanner.flush("标语一\n\n标语二END更多") == ""


def test_a_stop_split_across_feeds_is_still_found() -> None:
    scanner = StopScanner(["<END>"])
    assert scanner.feed("Hi <E") == "Hi "
    assert scanner.feed("Hi <EN") == ""
    assert scanner.feed("Hi <END> more") == "" and scanner.stopped


def test_an_incomplete_utf8_sequence_waits_for_the_next_token() -> None:
    scanner = StopScanner([])
    assert scanner.feed("新\ufffd") == "新"
    assert scanner.feed("新品") == "品"
    assert scanner.flush("新品\ufffd") == "\ufffd"


def test_empty_stop_strings_are_ignored() -> None:
    scanner = StopScanner(["", "x"])
    assert scanner.feed("abc") == "abc" and not scanner.stopped
