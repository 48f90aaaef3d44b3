from muse.core.generation import OrderedText
from muse.core.llm.client import Chunk


def header(i: int) -> str:
    return f"方案 {i + 1}\n"


def test_interleaved_completions_come_out_whole_and_in_order() -> None:
    text = OrderedText(3, header)
    out = [
        text.feed(Chunk(1, "B1")),
        text.feed(Chunk(0, "A1")),
        text.feed(Chunk(2, "C1", "stop")),
        text.feed(Chunk(1, "B2", "stop")),
        text.feed(Chunk(0, "A2", "stop")),
    ]
    assert out == ["", "方案 1\nA1", "", "", "A2\n\n方案 2\nB1B2\n\n方案 3\nC1"]
    assert text.texts() == ["A1A2", "B1B2", "C1"]
    assert text.flush() == ""


def test_flush_releases_completions_without_finish_reason() -> None:
    text = OrderedText(2, header)
    assert text.feed(Chunk(1, "B")) == ""
    assert text.feed(Chunk(0, "A")) == "方案 1\nA"
    assert text.flush() == "\n\n方案 2\nB"


def test_single_completion_streams_live_without_header() -> None:
    text = OrderedText(1, lambda i: "")
    assert text.feed(Chunk(0, "你")) == "你"
    assert text.feed(Chunk(0, "好", "stop")) == "好"
    assert text.flush() == ""


def test_only_the_shown_completions_stream_and_all_are_gathered_with_fluency() -> None:
    text = OrderedText(4, header, shown=2)
    out = [
        text.feed(Chunk(3, "D", "stop", (-1.0, -3.0))),
        text.feed(Chunk(0, "A", "stop", (-0.5,))),
        text.feed(Chunk(2, "C", "stop")),
        text.feed(Chunk(1, "B", "stop", (-2.0,))),
    ]
    assert "".join(out) + text.flush() == "方案 1\nA\n\n方案 2\nB"
    assert text.texts() == ["A", "B", "C", "D"]
    assert text.fluency() == [-0.5, -2.0, None, -2.0]
