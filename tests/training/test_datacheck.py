"""The data checker names every problem of the files it is given."""

from __future__ import annotations

from pathlib import Path

import pytest

from muse.training.datacheck import main

_GOOD = """\
- task: tagline
  category: 服装
  brief: 新款秋季风衣，主打轻薄防风
  output: |-
    风衣一披，秋天不冷
    轻得像没穿
    防风，也防心情降温
    通勤路上的底气
    秋风来了，风衣也来了
"""


def test_a_clean_file_is_ok(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "clean.yaml"
    path.write_text(_GOOD, encoding="utf-8")
    assert main([str(path)]) == 0
    assert capsys.readouterr().out.strip().endswith("ok")


def test_every_bad_record_is_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = _GOOD.replace("轻得像没穿", "最轻的风衣") + _GOOD.replace("新款秋季风衣", "不存在类目")
    bad = bad.replace("服装\n  brief: 不存在类目", "不存在\n  brief: 不存在类目")
    path = tmp_path / "bad.yaml"
    path.write_text(bad, encoding="utf-8")
    assert main([str(path)]) == 1
    out = capsys.readouterr().out
    assert "bad.yaml line 1: ad-law lint flags 最" in out
    assert "bad.yaml line 10: category '不存在'" in out
    assert "2 problems" in out


def test_a_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    assert main([str(tmp_path / "nope.yaml")]) == 2
