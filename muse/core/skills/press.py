"""/press: a news release — headline, dateline lead, body, one quote, boilerplate — in one
completion; each paragraph is a part."""

from __future__ import annotations

import re
from typing import ClassVar

from muse.core.command_spec import CommandSpec
from muse.core.counting import chinese_length, english_words, within
from muse.core.language import detect_language
from muse.core.llm.client import SamplingParams
from muse.core.messages import Lang
from muse.core.skills.templated import ANSWER_IN, NO_ABSOLUTES, STOP, PartsSkill
from muse.core.skills.text import paragraphs, strip_label

MAX_HEADLINE_CHARS = 30  # Chinese characters as a poster counts them (counting.chinese_length)
MAX_HEADLINE_WORDS = 12
MIN_PARAGRAPHS, MAX_PARAGRAPHS = 4, 7  # after the headline: lead, 2–4 body, boilerplate
# A quotation is someone's sentence, not a quoted term: at least this long inside the marks.
MIN_QUOTE_CHARS, MIN_QUOTE_WORDS = 10, 5
_QUOTES = re.compile(r"“([^”]*)”|\"([^\"]*)\"")
# The boilerplate paragraph: "关于青禾：…" / "About Harbor Lane Bakery: …".
_BOILERPLATE = re.compile(r"^(?:关于[^，。：:]{1,30}：|About [^.:]{1,80}:)")


def quotations(text: str) -> list[str]:
    """The quoted sentences of `text`: spans in “…” or "…" long enough to be someone's words."""
    found = []
    for match in _QUOTES.finditer(text):
        inner = match.group(1) if match.group(1) is not None else match.group(2)
        if detect_language(inner, "zh") == "zh":
            if chinese_length(inner) >= MIN_QUOTE_CHARS:
                found.append(inner)
        elif english_words(inner) >= MIN_QUOTE_WORDS:
            found.append(inner)
    return found


class PressSkill(PartsSkill):
    """News releases: the headline, then one paragraph per line; each is a part."""

    name = "press"
    command = CommandSpec(
        placeholder={"zh": "<新闻内容>", "en": "<the news>"},
        example={
            "zh": "「青禾」社区食堂下周一在拱墅区开第二家店，老人办卡八折",
            "en": "Harbor Lane Bakery opens a second shop in the Pearl District on June 8",
        },
        summary={
            "zh": "写一篇新闻稿（标题、导语、正文、引语、公司简介）",
            "en": "write a news release (headline, lead, body, quote, boilerplate)",
        },
        menu={"zh": "写一篇新闻稿", "en": "Write a news release"},
    )
    aliases = ("news",)
    system: ClassVar[dict[Lang, str]] = {
        "zh": (
            "你是缪斯，一名资深公关撰稿人。根据用户提供的新闻写一篇新闻稿：第一行是不超过 "
            f"{MAX_HEADLINE_CHARS} 个字的标题，然后每段一行、段与段之间空一行：导语（城市，日期——"
            "谁在何时何地做了什么），两到四段正文，其中一段引用一位负责人的一句原话（用“”），"
            f"末段以“关于某某：”开头介绍机构。不要加“标题”“导语”等标签，不要解释。"
            f"{NO_ABSOLUTES['zh']}{ANSWER_IN['zh']}"
        ),
        "en": (
            "You are Muse, a senior PR writer. Write a news release for the user's news: a "
            f"headline of {MAX_HEADLINE_WORDS} words or fewer on the first line, then one "
            "paragraph per line with a blank line between paragraphs: a lead (CITY, date — who "
            "did what, when and where), two to four body paragraphs, one of them quoting a "
            'spokesperson in "double quotes", and a last paragraph that starts "About <name>:". '
            f"No labels, no explanations. {NO_ABSOLUTES['en']} {ANSWER_IN['en']}"
        ),
    }
    user: ClassVar[dict[Lang, str]] = {
        "zh": "新闻内容：{argument}\n请写一篇新闻稿。",
        "en": "The news: {argument}\nWrite a news release.",
    }
    # Six paragraphs of newswire run to about 700 tokens; cool, since facts beat flourish.
    sampling = SamplingParams(
        temperature=0.7, top_p=0.95, max_tokens=1024, repetition_penalty=1.05, stop=STOP
    )

    def split(self, completion: str, lang: Lang) -> list[str]:
        """The headline (label stripped), then each paragraph; chatter and markdown dropped."""
        parts = paragraphs(completion)
        if parts:
            parts[0] = strip_label(parts[0])
        return [part for part in parts if part]

    def structure_problem(self, completion: str, lang: Lang) -> str | None:
        """A headline within its length, 4–7 paragraphs, one quotation, boilerplate last."""
        parts = self.kept_parts(completion, lang)
        if not parts:
            return "a headline and one-line paragraphs separated by blank lines"
        headline, body = parts[0], parts[1:]
        if not within(headline, lang, MAX_HEADLINE_CHARS, MAX_HEADLINE_WORDS):
            return (
                f"the headline is over {MAX_HEADLINE_CHARS} characters / "
                f"{MAX_HEADLINE_WORDS} words: {headline!r}"
            )
        if not MIN_PARAGRAPHS <= len(body) <= MAX_PARAGRAPHS:
            return f"{MIN_PARAGRAPHS} to {MAX_PARAGRAPHS} paragraphs after the headline"
        quotes = quotations("\n".join(body))
        if len(quotes) != 1:
            return f"exactly one quoted sentence, found {len(quotes)}"
        if not _BOILERPLATE.match(body[-1]):
            return 'the last paragraph is the boilerplate: "关于X：…" / "About X: …"'
        if any(_BOILERPLATE.match(p) for p in body[:-1]):
            return "only the last paragraph is the boilerplate"
        return None
