"""Best-of-n: score the drafts of one reply and choose the ones shown.

A skill that shows k completions draws more (`Settings.candidates`); the scorer ranks every
draft on what a copywriter checks first — it names the brief's product, it names no other
category's product (drift.py), it is written in the language the person wrote in, it uses one
of the brand voice's must words (voice.py), it keeps the skill's shape and the platform's hard
limits, it passes the ad-law lint — then on fluency (the model's mean token log-probability,
from the server's `logprobs`) and picks greedily, each next draft also rewarded for how little
it repeats the ones already picked (distinct-2: Li et al. 2016). No torch: it runs in the bot.

The weights put every hard check above fluency and novelty: a draft that names the product is
always preferred to a more fluent one that does not. Between drafts alike on the checks, one
nat of mean log-probability weighs as much as half the novelty range.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

from muse.core.adlaw import AdLawLinter
from muse.core.brief import names_product
from muse.core.drift import ProductNouns
from muse.core.language import detect_language
from muse.core.messages import Lang
from muse.core.skills.base import Skill

NAMED = 8.0  # names the brief's brand or product
SHAPED = 6.0  # the skill's structure check passes
IN_LANGUAGE = 6.0  # written in the person's language (a small model drifts into the other one)
VOICED = 6.0  # uses one of the brand voice's must words (core/voice.py), when it has any
WITHIN_LIMITS = 4.0  # the platform format's hard limits hold
CLEAN = 4.0  # no ad-law term
DRIFT = 3.0  # taken off per other category's product noun, for at most MAX_DRIFT nouns
MAX_DRIFT = 2
FLUENCY = 1.0  # per nat of mean token log-probability above the pool's worst
NOVELTY = 2.0  # times the share of a draft's bigrams the picked drafts do not have
_EN_WORD = re.compile(r"[a-z0-9']+")


@dataclass(frozen=True, slots=True)
class Draft:
    """One completion and its fluency: mean token log-probability in nats (None: unknown)."""

    text: str
    fluency: float | None = None


@dataclass(frozen=True, slots=True)
class Score:
    """What the checks found in one draft."""

    named: bool
    shaped: bool
    in_language: bool
    voiced: bool
    within_limits: bool
    clean: bool
    drift: tuple[str, ...]

    @property
    def usable(self) -> bool:
        """On the brief, in shape, in the person's language and the brand's words: what a
        redraw is for when no draft is."""
        return self.named and self.shaped and self.in_language and self.voiced

    @property
    def merit(self) -> float:
        """The hard checks as one number (fluency and novelty come on top)."""
        return (
            NAMED * self.named
            + SHAPED * self.shaped
            + IN_LANGUAGE * self.in_language
            + VOICED * self.voiced
            + WITHIN_LIMITS * self.within_limits
            + CLEAN * self.clean
            - DRIFT * min(len(self.drift), MAX_DRIFT)
        )


class Scorer:
    """Scores drafts of `skill` in `lang`; `terms` name the brief's product (None: no brief),
    `must` are the brand voice's words a draft must use one of (none: no such rule)."""

    def __init__(
        self,
        skill: Skill,
        lang: Lang,
        linter: AdLawLinter,
        nouns: ProductNouns,
        brief: str | None = None,
        terms: list[str] | None = None,
        must: tuple[str, ...] = (),
    ) -> None:
        self._skill = skill
        self._lang = lang
        self._linter = linter
        self._nouns = nouns
        self._brief = brief
        self._terms = terms
        self._must = list(must)
        self._scores: dict[str, Score] = {}  # a pool is chosen from again after each redraw

    def score(self, draft: Draft) -> Score:
        """The checks of one draft (servers may end it with a newline the split drops)."""
        if (known := self._scores.get(draft.text)) is not None:
            return known
        text = draft.text.strip()
        brief = self._brief
        score = self._scores[draft.text] = Score(
            named=names_product(text, self._terms) if self._terms is not None else True,
            shaped=self._skill.structure_problem(text, self._lang) is None,
            in_language=detect_language(text) == self._lang,
            voiced=names_product(text, self._must),
            within_limits=not self._skill.marks(text, self._lang),
            clean=not self._linter.find(text),
            drift=self._nouns.foreign(text, brief, self._lang) if brief else (),
        )
        return score

    def choose(self, drafts: Sequence[Draft], k: int) -> list[int]:
        """Indices of the `k` drafts to show, best first (fewer when there are fewer)."""
        merits = [self.score(d).merit for d in drafts]
        known = [d.fluency for d in drafts if d.fluency is not None]
        # Drafts without a log-prob (a server that returns none, a combined draft) rank as
        # the pool's worst on fluency: never ahead of a draft the model measured.
        floor = min(known, default=0.0)
        fluency = [floor if d.fluency is None else d.fluency for d in drafts]
        grams = [bigrams(d.text, self._lang) for d in drafts]
        picked: list[int] = []
        seen: set[tuple[str, str]] = set()
        while len(picked) < min(k, len(drafts)):
            best = max(
                (i for i in range(len(drafts)) if i not in picked),
                key=lambda i: (
                    merits[i] + FLUENCY * (fluency[i] - floor) + NOVELTY * _novelty(grams[i], seen)
                ),
            )
            picked.append(best)
            seen |= grams[best]
        return picked


def bigrams(text: str, lang: Lang) -> set[tuple[str, str]]:
    """The draft's bigrams: of characters in Chinese (no tokenizer needed), of words in English."""
    if lang == "en":
        units = _EN_WORD.findall(text.casefold())
    else:
        units = [ch for ch in text if ch.isalnum()]
    return set(pairwise(units))


def _novelty(grams: set[tuple[str, str]], seen: set[tuple[str, str]]) -> float:
    """Share of `grams` not in `seen` (1 for the first pick; 0 for an empty draft)."""
    return len(grams - seen) / len(grams) if grams else 0.0
