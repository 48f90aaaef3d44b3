"""/ad: three ad-copy variants for a brief, one per completion: a headline and 1–3 sentences."""

from __future__ import annotations

from typing import ClassVar

from muse.core.command_spec import CommandSpec
from muse.core.formats import normalize, shape_problem
from muse.core.llm.client import SamplingParams
from muse.core.messages import Lang
from muse.core.sentences import split_sentences
from muse.core.skills.base import COPY_PRIOR
from muse.core.skills.platform import PlatformSkill
from muse.core.skills.templated import ANSWER_IN, NO_ABSOLUTES, STOP
from muse.core.skills.text import content_lines, is_chatter, join_sentences

MAX_BODY_SENTENCES = 3


# The system prompt for ad copy written for a platform: its shape comes from the format table.
FORMAT_SYSTEM: dict[Lang, str] = {
    "zh": (
        "你是缪斯，一名资深广告文案。根据用户提供的产品或品牌简介写一条{label}文案：{shape}"
        f"行与行之间不空行，不要编号，不要解释。{NO_ABSOLUTES['zh']}{ANSWER_IN['zh']}"
    ),
    "en": (
        "You are Muse, a senior copywriter. Write one {label} ad for the user's product or "
        "brand brief: {shape} No blank lines, no numbering, no explanations. "
        f"{NO_ABSOLUTES['en']} {ANSWER_IN['en']}"
    ),
}


class AdSkill(PlatformSkill):
    """Ad copy: each of the `n` completions is one variant, headline line + body line, or the
    lines of a platform format (formats.py) when the request names one."""

    name = "ad"
    n = 3
    lint = True
    grounded = True
    best_of = True
    command = CommandSpec(
        placeholder={"zh": "<产品或品牌简介>", "en": "<product or brand brief>"},
        example={
            "zh": "新款秋季风衣，主打轻薄防风",
            "en": "New autumn trench coat, light and windproof",
        },
        summary={
            "zh": f"写 {n} 版广告文案（标题 + 正文）",
            "en": f"write {n} ad options (headline + body)",
        },
        menu={"zh": f"写 {n} 版广告文案", "en": f"Write {n} ad copy options"},
    )
    system: ClassVar[dict[Lang, str]] = {
        "zh": (
            "你是缪斯，一名资深广告文案。根据用户提供的产品或品牌简介写一条广告文案："
            "第一行是标题，第二行是一到三句正文。不要编号，不要加“标题”“正文”等标签，不要解释。"
            f"{NO_ABSOLUTES['zh']}{ANSWER_IN['zh']}"
        ),
        "en": (
            "You are Muse, a senior copywriter. Write one ad for the user's product or brand "
            "brief: a headline on the first line, then one to three sentences of body copy on "
            'the second line. No numbering, no labels such as "Headline:", no explanations. '
            f"{NO_ABSOLUTES['en']} {ANSWER_IN['en']}"
        ),
    }
    user: ClassVar[dict[Lang, str]] = {
        "zh": "产品简介：{argument}\n请写一条广告文案。",
        "en": "Brief: {argument}\nWrite one ad.",
    }
    # On-brief first: the repetition penalty also weighs on the brief's own tokens (as in vLLM),
    # so it pushes the copy off the product's name; a short variant has little room to loop
    # without it (measurements: muse/training/data/README.md, "Decoding settings"). 192 tokens
    # hold a headline and three sentences in either language.
    sampling = SamplingParams(
        temperature=0.6,
        top_p=0.95,
        max_tokens=192,
        repetition_penalty=1.0,
        extra_args=COPY_PRIOR,
        stop=STOP,
    )

    def system_prompt(self, lang: Lang) -> str:
        """The ad prompt, or the platform's shape when the skill has a format."""
        if self.format is None:
            return super().system_prompt(lang)
        return FORMAT_SYSTEM[lang].format(
            label=self.format.label[lang], shape=self.format.shape[lang]
        )

    def variant_header(self, index: int, lang: Lang) -> str:
        """The header before each completion: "方案 1\n" / "Option 1\n", with the platform
        when there is one ("方案 1 · 小红书\n"), so the reply says which format it used."""
        header = f"方案 {index + 1}" if lang == "zh" else f"Option {index + 1}"
        if self.format is not None:
            header += f" · {self.format.label[lang]}"
        return header + "\n"

    def split(self, completion: str, lang: Lang) -> list[str]:
        """One variant: the headline line, then at most three body sentences on one line.

        A completion on a single line gives its first sentence as the headline. With a format,
        the variant is its lines with labels and bullets written the platform's way.
        """
        if self.format is not None:
            lines = [line for line in completion.split("\n") if not is_chatter(line.strip())]
            text = normalize(self.format, "\n".join(lines), lang)
            return [text] if text else []
        lines = content_lines(completion)
        if not lines:
            return []
        headline, rest = lines[0], lines[1:]
        if rest:
            body = [s for line in rest for s in split_sentences(line)]
        else:
            headline, *body = split_sentences(headline) or [headline]
        text = headline
        if body:
            text += "\n" + join_sentences(body[:MAX_BODY_SENTENCES])
        return [text]

    def structure_problem(self, completion: str, lang: Lang) -> str | None:
        """A headline line and one body line of 1 to 3 sentences, kept whole by `split`; with
        a format, the format's lines, parts and hashtags within its limits."""
        if self.format is not None:
            if self.split(completion, lang) != [completion]:
                return "the ad skill's split changes it"
            broken = self.broken(completion, lang)
            if broken:
                limit, length = broken[0]
                return f"{self.format.name}: {limit.role} is {length}, over {limit.most}"
            return shape_problem(self.format, completion, lang)
        lines = completion.split("\n")
        if len(lines) != 2 or not all(line.strip() for line in lines):
            return "a headline line and one body line"
        if not 1 <= len(split_sentences(lines[1])) <= MAX_BODY_SENTENCES:
            return f"the body has 1 to {MAX_BODY_SENTENCES} sentences"
        if self.split(completion, lang) != [completion]:
            return "the ad skill's split changes it"
        return None
