"""The authored creative data: volume, coverage, language mix, ad-law lint and skill structure."""

from __future__ import annotations

from collections import Counter

import pytest

from muse.core.adlaw import default_linter
from muse.core.formats import FORMATS
from muse.core.language import detect_language
from muse.core.messages import Variant
from muse.core.skills.registry import get_skill
from muse.core.skills.tagline import fits
from muse.training.authored import (
    LEXICON_TASKS,
    TASKS,
    AuthoredDataError,
    Example,
    load_examples,
    parse_file,
    parse_record,
)
from muse.training.categories import load_index
from muse.training.datacheck import duplicate_problems, stock_problems
from muse.training.lexicons import load_lexicons

EXAMPLES = load_examples()
_AD = """\
- task: ad
  category: 服装
  brief: 新款风衣
  outputs:
    - "轻一点出门\\n风衣很轻。"
    - "秋天见\\n挡住秋风。"
    - "风来了\\n你不用躲。"
"""


def test_volume_and_coverage() -> None:
    # Floors just under what is written, so that data cannot be lost without a test failing.
    assert len(EXAMPLES) >= 17_500  # outputs; follow-ups add about 2,850 more training examples
    assert len({e.category for e in EXAMPLES}) >= 537
    assert {e.task for e in EXAMPLES} == set(TASKS)
    per_task_lang = Counter((e.task, e.lang) for e in EXAMPLES)
    assert all(per_task_lang[(task, lang)] > 0 for task in TASKS for lang in ("zh", "en"))


def test_every_category_in_the_index_has_examples() -> None:
    used = {e.category for e in EXAMPLES}
    empty = [c for sector in load_index() for c in sector.categories if c not in used]
    assert not empty, f"categories.yaml lists categories without examples: {' '.join(empty)}"


def test_every_platform_format_has_ad_copy_in_both_languages() -> None:
    # Issue 14's target: at least 80 examples (ad variants and tagline sets) a format.
    per_format = Counter((e.format, e.lang) for e in EXAMPLES if e.format)
    assert all(per_format[(f.name, lang)] >= 3 for f in FORMATS for lang in ("zh", "en"))
    assert all(per_format[(f.name, "zh")] + per_format[(f.name, "en")] >= 80 for f in FORMATS)
    assert sum(per_format.values()) >= 900
    tagline_formats = {e.format for e in EXAMPLES if e.format and e.task == "tagline"}
    assert tagline_formats == {f.name for f in FORMATS}


def test_the_long_form_skills_have_examples_in_both_languages() -> None:
    long_form = ("press", "lyrics", "story", "design")
    per_task = Counter((e.task, e.lang) for e in EXAMPLES)
    floors = {"press": 220, "lyrics": 240, "story": 200, "design": 200}  # issue 14: ≥ 200 each
    assert all(per_task[(t, "zh")] + per_task[(t, "en")] >= floors[t] for t in long_form)
    assert all(per_task[(t, lang)] >= 1 for t in long_form for lang in ("zh", "en"))
    mine = [e for e in EXAMPLES if e.task in long_form]
    assert sum(e.lang == "en" for e in mine) / len(mine) >= 0.25


def test_about_three_in_ten_english() -> None:
    share = sum(e.lang == "en" for e in EXAMPLES) / len(EXAMPLES)
    assert 0.28 <= share <= 0.40


def test_follow_ups_are_there() -> None:
    with_follow_ups = [e for e in EXAMPLES if e.follow_ups]
    assert len(with_follow_ups) >= 150
    assert {e.task for e in with_follow_ups} == set(TASKS)


def test_no_ad_law_terms_anywhere() -> None:
    linter = default_linter()
    flagged = [
        (e.category, text)
        for e in EXAMPLES
        for text in (
            e.brief,
            e.output,
            *(t for f in e.follow_ups for t in (f.instruction, f.output)),
        )
        if linter.find(text)
    ]
    assert not flagged


def test_the_core_detects_the_language_of_every_brief() -> None:
    assert [e.brief for e in EXAMPLES if detect_language(e.brief) != e.lang] == []


@pytest.mark.parametrize("task", TASKS)
def test_outputs_keep_their_shape_through_the_skills_split(task: str) -> None:
    for e in (e for e in EXAMPLES if e.task == task):
        skill = e.skill
        variants = skill.split(e.output, e.lang)  # type: ignore[arg-type]
        assert skill.structure_problem(e.output, e.lang) is None, e.output  # type: ignore[arg-type]
        if task == "ad":
            assert variants == [e.output], e.output
            assert e.format or len(e.output.split("\n")) == 2, e.output
        elif task == "tagline":
            assert len(variants) == 5 and all(fits(v, e.lang) for v in variants), e.output  # type: ignore[arg-type]
        elif task == "brainstorm":
            assert len(variants) == 8, e.output
        elif task == "script":
            assert 3 <= len(variants) <= 5, e.output
        elif task in ("press", "lyrics", "story", "design"):
            assert skill.render([Variant(v) for v in variants], e.lang) == e.output  # type: ignore[arg-type]
        else:
            assert variants == [e.output]


def test_ad_records_give_three_variants_per_brief() -> None:
    per_brief = Counter((e.format, e.lang, e.category, e.brief) for e in EXAMPLES if e.task == "ad")
    assert all(n % get_skill("ad").n == 0 for n in per_brief.values())


def test_no_output_is_written_twice() -> None:
    outputs = [o for e in EXAMPLES for o in (e.output, *(f.output for f in e.follow_ups))]
    assert len(outputs) == len(set(outputs))


def test_no_phrase_is_stock_across_more_than_five_briefs() -> None:
    # The worst offenders first (stock.py sorts them); fix with `python -m muse.training.datacheck`.
    problems = stock_problems(EXAMPLES, EXAMPLES)
    assert problems == [], "\n".join(problems[:20])


def test_no_two_outputs_are_near_duplicates() -> None:
    problems = duplicate_problems(EXAMPLES, EXAMPLES)
    assert problems == [], "\n".join(problems[:20])


def test_every_category_has_a_lexicon_in_its_languages() -> None:
    lexicons = load_lexicons()
    used = {(e.category, e.lang) for e in EXAMPLES if e.task in LEXICON_TASKS}
    assert sorted(used - set(lexicons.details)) == []


def test_every_category_names_its_product_nouns_in_both_languages() -> None:
    # Grounding and the composer read `nouns`: a category without them cannot be checked for
    # naming its product, nor told apart from another category's product.
    nouns = load_lexicons().nouns
    used = {e.category for e in EXAMPLES if e.task in LEXICON_TASKS}
    missing = [(c, lang) for c in sorted(used) for lang in ("zh", "en") if not nouns.get((c, lang))]
    assert missing == []


def test_lexicons_pass_the_lint_and_keep_the_language() -> None:
    lexicons = load_lexicons()
    linter = default_linter()
    entries = [
        (lang, d.phrase) for (_, lang), details in lexicons.details.items() for d in details
    ] + [(lang, d.phrase) for (_, lang), contexts in lexicons.contexts.items() for d in contexts]
    assert [p for _, p in entries if linter.find(p)] == []
    assert [p for lang, p in entries if detect_language(p) != lang] == []


def test_a_valid_record_parses_into_three_ad_examples() -> None:
    examples = parse_file("t.yaml", _AD)
    assert [e.output for e in examples] == [
        "轻一点出门\n风衣很轻。",
        "秋天见\n挡住秋风。",
        "风来了\n你不用躲。",
    ]
    assert examples[0] == Example("ad", "zh", "服装", "新款风衣", "轻一点出门\n风衣很轻。")


@pytest.mark.parametrize(
    ("record", "reason"),
    [
        ({"task": "poem", "category": "服装", "brief": "新款", "output": "x"}, "task"),
        ({"task": "chat", "category": "服装", "brief": "hello there", "output": "x"}, "detects"),
        ({"task": "chat", "category": "服装", "brief": "新款", "output": "全网最低价"}, "lint"),
        ({"task": "ad", "category": "服装", "brief": "新款", "outputs": ["a\nb。"]}, "3 variants"),
        (
            {"task": "tagline", "category": "服装", "brief": "新款", "output": "一\n二\n三"},
            "5 lines",
        ),
        ({"task": "ad", "category": "服装", "brief": "新款", "output": "a"}, "outputs"),
        (
            {
                "task": "chat",
                "category": "服装",
                "brief": "新款",
                "output": "好",
                "follow_ups": [{"x": 1}],
            },
            "follow-up",
        ),
        (
            {
                "task": "tagline",
                "category": "服装",
                "brief": "新款",
                "output": "一\n二\n三\n四\n五",
                "follow_ups": [{"button": "shorter", "output": "一"}],
            },
            "structure",
        ),
    ],
)
def test_invalid_records_say_why(record: dict[str, object], reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        parse_record(record)


def test_errors_name_the_file_and_line() -> None:
    text = _AD + "- task: chat\n  category: 服装\n  brief: 你好\n  output: 最好的选择\n"
    with pytest.raises(AuthoredDataError, match=r"bad\.yaml line 8: .*最"):
        parse_file("bad.yaml", text)


def test_a_repeated_output_is_an_error() -> None:
    with pytest.raises(AuthoredDataError, match=r"repeats t\.yaml line 1"):
        parse_file("t.yaml", _AD + _AD.replace("新款风衣", "新款大衣"))


def test_a_category_outside_the_index_is_refused() -> None:
    record = {"task": "chat", "category": "不存在的类目", "brief": "你好", "output": "你好！"}
    with pytest.raises(ValueError, match=r"categories\.yaml"):
        parse_record(record)


def test_problems_are_collected_when_asked_for() -> None:
    bad = "- task: chat\n  category: 服装\n  brief: 你好\n  output: 最好的选择\n"
    problems: list[str] = []
    examples = parse_file("t.yaml", bad + _AD, problems=problems)
    assert len(examples) == 3
    assert len(problems) == 1 and problems[0].startswith("t.yaml line 1: ")
