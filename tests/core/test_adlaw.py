"""The ad-law lint: shipped terms, allow-list, English word boundaries, configuration."""

from __future__ import annotations

from pathlib import Path

import pytest

from muse.core.adlaw import AdLawLinter, default_linter, parse_terms, warning
from muse.core.config import Settings


@pytest.fixture(scope="module")
def linter() -> AdLawLinter:
    return AdLawLinter.load()


def test_chinese_hits_in_order_and_once(linter: AdLawLinter) -> None:
    text = "国家级工艺，最佳选择！销量冠军，最佳口碑，根治脱发"
    assert linter.find(text) == ["国家级", "最佳", "销量冠军", "根治"]


def test_longest_term_wins(linter: AdLawLinter) -> None:
    assert linter.find("全网最低价") == ["全网最低"]
    assert linter.find("最香的咖啡") == ["最"]


@pytest.mark.parametrize(
    "text",
    ["最近上新", "最后一天", "第一次见面", "第一口就爱上", "最佳赏味期 30 天", "历史上的今天"],
)
def test_allow_list_is_not_flagged(linter: AdLawLinter, text: str) -> None:
    assert linter.find(text) == []


def test_allow_list_masks_only_its_own_span(linter: AdLawLinter) -> None:
    assert linter.find("最近最火的第一品牌") == ["最", "第一品牌"]
    assert linter.find("第一次就选第一") == ["第一"]


def test_english_is_case_insensitive_on_word_boundaries(linter: AdLawLinter) -> None:
    assert linter.find("The BEST coffee in town") == ["BEST"]
    assert linter.find("We bestow gifts; a bestseller list") == []
    assert linter.find("#1 choice, No.1 brand, unbeatable, risk-free") == [
        "#1",
        "No.1",
        "unbeatable",
        "risk-free",
    ]
    assert linter.find("#10 on the list, TOP10") == []


def test_english_separators_are_flexible(linter: AdLawLinter) -> None:
    assert linter.find("Risk free, world class service") == ["Risk free", "world class"]


def test_english_allow_list(linter: AdLawLinter) -> None:
    assert linter.find("Best regards, and do your best. Best before 2025.") == []


def test_mixed_text(linter: AdLawLinter) -> None:
    assert linter.find("100%纯棉，best咖啡") == ["100%", "best"]


def test_clean_copy_has_no_hits(linter: AdLawLinter) -> None:
    assert linter.find("秋风起，轻装出发。轻薄防风，通勤周末都合适。") == []


def test_extra_terms_extend_the_list() -> None:
    extended = AdLawLinter.load(extra_terms=["秒杀", "killer deal"])
    assert extended.find("限时秒杀！A killer deal.") == ["秒杀", "killer deal"]


def test_terms_file_extends_terms_and_allow_list(tmp_path: Path) -> None:
    path = tmp_path / "terms.txt"
    path.write_text("# team list\n爆款\n\n[allow]\n最香\n", encoding="utf-8")
    extended = AdLawLinter.load(terms_file=path)
    assert extended.find("爆款，最香的咖啡") == ["爆款"]


def test_a_configured_term_beats_the_shipped_allow_list() -> None:
    assert AdLawLinter.load(extra_terms=["第一次"]).find("第一次见面") == ["第一次"]


def test_from_settings(tmp_path: Path) -> None:
    path = tmp_path / "terms.txt"
    path.write_text("爆款\n", encoding="utf-8")
    settings = Settings(MUSE_ADLAW_EXTRA_TERMS="秒杀，神器, 闭眼入", MUSE_ADLAW_TERMS_FILE=path)
    linter = AdLawLinter.from_settings(settings)
    assert linter.find("爆款神器，闭眼入，限时秒杀") == ["爆款", "神器", "闭眼入", "秒杀"]


def test_parse_terms_sections_and_comments() -> None:
    terms, allowed = parse_terms("# comment\n#\n#1\n最\n[allow]\n最近\n[terms]\n唯一\n")
    assert terms == ["#1", "最", "唯一"]
    assert allowed == ["最近"]


def test_shipped_list_cites_its_sources() -> None:
    assert "第九条第三项" in Path(__file__).resolve().parents[2].joinpath(
        "muse", "core", "data", "adlaw_terms.txt"
    ).read_text(encoding="utf-8")
    assert {"最", "第一", "国家级", "best", "guaranteed"} <= set(default_linter().terms)


def test_empty_linter() -> None:
    assert AdLawLinter([]).find("最好") == []


def test_warning_in_both_languages() -> None:
    assert warning(["最", "第一"], "zh") == "⚠️ 含广告法风险用语：最、第一（发布前请修改）"
    assert warning(["best"], "en") == "⚠️ Possible ad-law issue: best (edit before publishing)"
