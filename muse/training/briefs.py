"""The user turn for an authored brief, varied only in ways its reply already supports.

Variation rule: a composed dialogue must never ask for something its reply does not give.
- A brief gets lexicon details (attributes, selling points, audiences, occasions, tones) only
  when a cue word of the detail occurs in the reply that answers it (`Detail.reflected_in`): at
  most one detail per facet, up to three. When one reply stands for several (regenerate, where
  the history holds one reply and the target another), only details every reply reflects.
- It may also get one neutral context after it (where the copy runs: "用于门店海报") and one
  neutral framing before it (who is asking: "客户需求："); any completion of the task suits them.
- Chat messages are the user's own words and stay as written, sometimes after a greeting
  ("你好，"), which changes nothing that is asked.
The parts are joined as people type briefs: mostly commas, sometimes semicolons or spaces.
"""

from __future__ import annotations

import random
from collections import defaultdict

from muse.training.authored import Example
from muse.training.lexicons import Detail, Lexicons

PLAIN_SHARE = 0.15  # briefs left exactly as written (each plain brief is kept once)
CONTEXT_SHARE = 0.35  # varied briefs that also say where the copy runs
FRAMING_SHARE = 0.25  # varied briefs that say who is asking
OPENER_SHARE = 0.3  # chat messages with a greeting in front
MAX_DETAILS = 3
SEPARATORS: dict[str, dict[str, float]] = {
    "zh": {"，": 0.7, "；": 0.15, " ": 0.15},
    "en": {", ": 0.75, "; ": 0.15, " - ": 0.1},
}


class Briefs:
    """Varies the briefs of examples with one set of lexicons, remembering what replies match."""

    def __init__(self, lexicons: Lexicons) -> None:
        self._lexicons = lexicons
        self._matches: dict[tuple[str, str, str], tuple[Detail, ...]] = {}

    def request(self, example: Example, replies: tuple[str, ...], rng: random.Random) -> str:
        """The user turn the core builds for a varied brief of `example`, answered by `replies`."""
        skill = example.skill
        lang = example.lang
        if example.task == "chat":
            openers = self._lexicons.openers.get(lang, ())
            if openers and rng.random() < OPENER_SHARE:
                return skill.user_prompt(rng.choice(openers) + example.brief, lang)
            return skill.user_prompt(example.brief, lang)
        if rng.random() < PLAIN_SHARE:
            return skill.user_prompt(example.brief, lang)
        by_facet: dict[str, list[Detail]] = defaultdict(list)
        for detail in self._details(example, replies):
            by_facet[detail.facet].append(detail)
        facets = rng.sample(sorted(by_facet), k=min(len(by_facet), rng.randint(1, MAX_DETAILS)))
        phrases = [rng.choice(by_facet[f]).phrase for f in facets]
        contexts = self._lexicons.contexts.get((example.task, lang), ())
        if contexts and (not phrases or rng.random() < CONTEXT_SHARE):
            phrases.append(rng.choice(contexts).phrase)
        separators = SEPARATORS[lang]
        separator = rng.choices(list(separators), weights=list(separators.values()))[0]
        brief = extend(example.brief, phrases, separator)
        framings = self._lexicons.framings.get((example.task, lang), ())
        if framings and rng.random() < FRAMING_SHARE:
            brief = rng.choice(framings) + brief
        return skill.user_prompt(brief, lang)

    def _details(self, example: Example, replies: tuple[str, ...]) -> tuple[Detail, ...]:
        """The category's details that every reply reflects."""
        found = [self._matching(example.category, example.lang, r) for r in replies]
        return tuple(d for d in found[0] if all(d in other for other in found[1:]))

    def _matching(self, category: str, lang: str, text: str) -> tuple[Detail, ...]:
        """`Lexicons.matching`, memoised: the same replies are scanned on every draw."""
        key = (category, lang, text)
        if key not in self._matches:
            self._matches[key] = self._lexicons.matching(category, lang, text)
        return self._matches[key]


def extend(brief: str, phrases: list[str], separator: str) -> str:
    """The brief with the phrases appended: "新款风衣，主打轻薄，适合通勤"."""
    if not phrases:
        return brief
    return brief.rstrip("。；，、.;, ") + separator + separator.join(phrases)
