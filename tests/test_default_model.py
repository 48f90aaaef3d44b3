"""The model shipped in models/default: within its size budget, documented, and what `muse ask`
uses when nothing else is configured."""

from __future__ import annotations

import json
import re
from pathlib import Path

from muse.core.config import REPO_ROOT
from muse.core.language import detect_language
from tests.muse_process import environment, muse

DEFAULT = REPO_ROOT / "models" / "default"
MIB = 1024 * 1024


def _shipped() -> list[Path]:
    return [p for p in DEFAULT.iterdir() if p.is_file()]


def test_the_default_model_fits_its_budget_and_carries_its_card() -> None:
    files = {p.name: p.stat().st_size for p in _shipped()}
    assert sum(files.values()) <= 64 * MIB
    shards = {name: size for name, size in files.items() if name.endswith(".safetensors")}
    assert shards and all(size <= 15_000_000 for size in shards.values())
    for needed in ("config.json", "tokenizer.json", "tokenizer_config.json", "README.md"):
        assert needed in files
    assert "chat_template" in json.loads((DEFAULT / "tokenizer_config.json").read_text("utf-8"))
    card = (DEFAULT / "README.md").read_text("utf-8")
    assert "muse train" in card and "held-out" in card
    metrics = json.loads((DEFAULT / "metrics.json").read_text("utf-8"))
    assert {"ad", "tagline"} <= set(metrics["copy"])


async def test_ask_uses_the_default_model_and_writes_three_distinct_chinese_ads(
    tmp_path: Path,
) -> None:
    env = environment(tmp_path)
    del env["MUSE_MODEL_PATH"]  # the settings' default: models/default
    code, out, err = await muse(env, "ask", "--json", "/ad 新款服装", cwd=tmp_path)
    assert code == 0, err
    result = json.loads(out)
    variants = [v["text"] for v in result["variants"]]
    assert result["skill"] == "ad" and len(variants) == 3
    assert len(set(variants)) == 3
    assert all(detect_language(v) == "zh" and re.search(r"[\u4e00-\u9fff]{4}", v) for v in variants)
    assert result["timings"]["first_token_s"] <= result["timings"]["total_s"]
