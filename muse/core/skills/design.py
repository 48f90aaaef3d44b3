"""/design: a design-proposal description for a client — concept, style and palette, materials,
layout and space, the feeling — in one completion; each labelled part is a part."""

from __future__ import annotations

from typing import ClassVar

from muse.core.command_spec import CommandSpec
from muse.core.llm.client import SamplingParams
from muse.core.messages import Lang
from muse.core.skills.templated import ANSWER_IN, NO_ABSOLUTES, STOP, PartsSkill
from muse.core.skills.text import labelled, paragraphs

MIN_PART_CHARS, MAX_PART_CHARS = 60, 400  # every character of the text after the label
# The parts of a proposal in the order a designer presents them to a client.
PARTS: dict[Lang, tuple[str, ...]] = {
    "zh": ("设计理念", "风格与配色", "材质与工艺", "布局与空间", "情感体验"),
    "en": ("Concept", "Style and palette", "Materials", "Layout and space", "Feeling"),
}
# Other names a model uses for each part, by its index in PARTS.
_SYNONYMS: dict[str, int] = {
    **{name.casefold(): i for names in PARTS.values() for i, name in enumerate(names)},
    **dict.fromkeys(("理念", "概念", "设计概念", "design concept", "idea"), 0),
    **dict.fromkeys(("风格", "配色", "色彩", "风格配色", "style", "palette", "colour"), 1),
    **dict.fromkeys(("材质", "材料", "工艺", "材料与工艺", "material", "materials and finish"), 2),
    **dict.fromkeys(("布局", "空间", "版式", "空间布局", "layout", "space"), 3),
    **dict.fromkeys(("感受", "体验", "氛围", "情绪", "feel", "experience", "mood"), 4),
}

_LABELS = {name: str(i) for name, i in _SYNONYMS.items()}  # labelled()'s table, built once


def _part(index: int, text: str, lang: Lang) -> str:
    label = PARTS[lang][index]
    return f"{label}：{text}" if lang == "zh" else f"{label}: {text}"


class DesignSkill(PartsSkill):
    """Design proposals: five labelled parts, one line each."""

    name = "design"
    command = CommandSpec(
        placeholder={"zh": "<项目简介>", "en": "<project brief>"},
        example={
            "zh": "老城区 40 平米的社区咖啡馆，想让街坊愿意坐一下午",
            "en": "Packaging for a small-batch oolong tea gift box",
        },
        summary={
            "zh": "写设计方案说明（理念、风格配色、材质、布局、感受）",
            "en": "describe a design proposal (concept, palette, materials, layout, feeling)",
        },
        menu={"zh": "写设计方案说明", "en": "Describe a design proposal"},
    )
    system: ClassVar[dict[Lang, str]] = {
        "zh": (
            "你是缪斯，一名资深设计师，向客户介绍设计方案。根据用户的项目简介，依次写五段："
            "“设计理念：”“风格与配色：”“材质与工艺：”“布局与空间：”“情感体验：”，每段一行，"
            f"{MIN_PART_CHARS} 到 {MAX_PART_CHARS} 字，段与段之间空一行；写具体的颜色、材料、"
            f"尺寸和场景。不要解释。{NO_ABSOLUTES['zh']}{ANSWER_IN['zh']}"
        ),
        "en": (
            "You are Muse, a senior designer presenting a proposal to a client. For the user's "
            'project write five parts in order, "Concept:", "Style and palette:", "Materials:", '
            '"Layout and space:" and "Feeling:", one line each of '
            f"{MIN_PART_CHARS} to {MAX_PART_CHARS} characters, with a blank line between them; "
            "name real colours, materials, sizes and scenes. No explanations. "
            f"{NO_ABSOLUTES['en']} {ANSWER_IN['en']}"
        ),
    }
    user: ClassVar[dict[Lang, str]] = {
        "zh": "项目简介：{argument}\n请写设计方案说明。",
        "en": "Project: {argument}\nDescribe the design proposal.",
    }
    # Five parts of up to 400 characters each: about 800 tokens at most.
    sampling = SamplingParams(
        temperature=0.8, top_p=0.95, max_tokens=900, repetition_penalty=1.05, stop=STOP
    )

    def split(self, completion: str, lang: Lang) -> list[str]:
        """The labelled parts, labels normalised; an unlabelled line continues the part above
        it, and lines before the first label (a title, an intro) are dropped. A completion
        with no label at all is kept as its paragraphs, so the reader still gets the text."""
        parts: list[tuple[int, str]] = []
        lines = paragraphs(completion)
        for line in lines:
            found = labelled(line, _LABELS)
            if found and found[1]:
                parts.append((int(found[0]), found[1]))
            elif parts:
                joiner = "" if lang == "zh" else " "
                parts[-1] = (parts[-1][0], parts[-1][1] + joiner + line)
        return [_part(i, text, lang) for i, text in parts] if parts else lines

    def structure_problem(self, completion: str, lang: Lang) -> str | None:
        """The five parts in order, one line each, 60–400 characters after the label."""
        parts = self.kept_parts(completion, lang)
        if parts is None:
            return "five labelled one-line parts separated by blank lines"
        labels = [p.partition("：" if lang == "zh" else ": ")[0] for p in parts]
        if labels != list(PARTS[lang]):
            return f"the parts {'/'.join(PARTS[lang])}, in that order"
        for part in parts:
            text = part.partition("：" if lang == "zh" else ": ")[2]
            if not MIN_PART_CHARS <= len(text) <= MAX_PART_CHARS:
                return f"parts of {MIN_PART_CHARS} to {MAX_PART_CHARS} characters: {part!r}"
        return None
