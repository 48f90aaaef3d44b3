"""One model turn for a skill: stream the completions in order, then split, lint and render.

A skill may ask for n completions at once (the ad skill asks three, one variant each); servers
interleave their chunks. `OrderedText` turns them into one append-only text — completion 0
live, later ones buffered until their turn — so every adapter can simply append or edit.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import replace

from muse.core.adlaw import AdLawLinter, warning
from muse.core.brief import product_terms, spellings
from muse.core.drift import product_nouns
from muse.core.history.store import DraftRecord
from muse.core.llm.client import (
    ChatMessage,
    ChatRequest,
    Chunk,
    Completions,
    ModelClient,
    ModelError,
    SamplingParams,
    gather,
)
from muse.core.messages import Lang, TextDelta, Variant
from muse.core.scoring import Draft, Scorer
from muse.core.skills.base import Skill
from muse.core.voice import Voice, ban_warning

log = logging.getLogger(__name__)

REPLACEMENT_CHARACTER = "\ufffd"
# Rounds of redrawing when picked drafts still miss the brief's product or the skill's
# structure; each round asks for as many as miss, in one request.
REDRAWS = 2


class EmptyReply(ModelError):
    """The model finished without any usable text."""

    code = "empty_reply"


class OrderedText(Completions):
    """Append-only text of the first `shown` of n interleaved completions: each one whole, in
    index order. The others (best-of-n candidates) are gathered but never released."""

    def __init__(self, n: int, header: Callable[[int], str], shown: int | None = None) -> None:
        super().__init__(n)
        self._header = header
        self._shown = n if shown is None else shown
        self._sent = [0] * n  # chunks of each completion already released
        self._headed = [False] * n  # header of each completion already released
        self._done = [False] * n
        self._current = 0

    def feed(self, chunk: Chunk) -> str:
        """Take one chunk; return the text that can be appended now (maybe "")."""
        super().feed(chunk)
        if chunk.finish_reason is not None:
            self._done[chunk.index] = True
        return self._drain()

    def flush(self) -> str:
        """The stream ended: release everything still buffered."""
        self._done = [True] * len(self._done)
        return self._drain()

    def _drain(self) -> str:
        out: list[str] = []
        while self._current < self._shown:
            i = self._current
            parts = self._parts[i]
            if not self._headed[i] and (parts or self._done[i]):
                out.append(("\n\n" if i else "") + self._header(i))
                self._headed[i] = True
            out.extend(parts[self._sent[i] :])
            self._sent[i] = len(parts)
            if not self._done[i]:
                break
            self._current += 1
        return "".join(out)


class SkillRun:
    """Generates one reply of `skill` for `messages`: `deltas()` first, then `variants()`.

    Best-of-n: a skill that shows k completions may draw `draws` ≥ k in the same request (the
    prompt is prefilled once); the first k stream as they are written, and when all are done
    the scorer (scoring.py) picks the k shown — on the brief's product, no other category's
    product, the skill's shape, the platform's limits, the lint, fluency and variety.

    For a grounded skill (ad copy, taglines) given the `brief`, and for skills that ask for it
    (`Skill.redraw`: press, lyrics, story, design), when a picked draft still misses the product
    or the shape, the missing ones are drawn again (up to REDRAWS rounds) into the pool (with,
    for a skill whose variants stand alone, one made of the variants of several:
    `Skill.combine`), and the pick is made again; what streamed is then replaced, as a linted
    variant is. Brainstorms and scripts are not redrawn: a loose list or scene still serves, and
    a redraw would double the wait for the whole reply. A variant still over a format's hard
    limit after all that is marked (`Variant.limits`), never cut.
    """

    def __init__(
        self,
        model: ModelClient,
        skill: Skill,
        messages: tuple[ChatMessage, ...],
        lang: Lang,
        linter: AdLawLinter,
        brief: str | None = None,
        params: SamplingParams | None = None,
        draws: int | None = None,
        voice: Voice | None = None,
    ) -> None:
        self._model = model
        self._skill = skill
        self._lang = lang
        self._brief = brief if skill.grounded else None
        # A brand voice's words hold for the linted skills (ad copy, taglines): banned words
        # are flagged like ad-law terms (chosen against, replaced, then marked), and a draft
        # must use one of the must words (chosen for, redrawn; the copy prior offers them).
        voice = voice if skill.lint else None
        self._must = voice.must if voice else ()
        self._banned = frozenset(w.casefold() for w in voice.ban) if voice else frozenset()
        self._linter = linter.extended(voice.ban) if voice and voice.ban else linter
        # Grounded skills are redrawn for the brief and the shape, others that ask for it
        # (press, lyrics, story, design) for the shape alone.
        self._redraws = bool(self._brief) or skill.redraw or bool(self._must)
        self._draws = max(skill.n, draws or skill.n)
        # Drafts compete (and fluency is read) when there are more than shown or redraws.
        self._choosing = self._draws > skill.n or self._redraws
        self._product_terms: list[str] | None = None
        self.redrawn = 0  # shown completions that came from a redraw
        self.candidates: list[Draft] = []  # every draft the choice was made from
        self.chosen: list[int] = []  # indices into `candidates` of the shown completions
        self.completions: list[str] = []  # the shown completions: what the variants come from
        params = params or skill.params(lang)
        if self._choosing:
            params = replace(params, logprobs=True)
        self._request = ChatRequest(messages, params, n=self._draws)
        self._text = OrderedText(
            self._draws, lambda i: skill.variant_header(i, lang), shown=skill.n
        )
        self.streamed = ""

    @property
    def drafts(self) -> list[str]:
        """The first completions as the model wrote them (and as they streamed): one per
        shown variant, before any choice or redraw."""
        return self._text.texts()[: self._skill.n]

    async def deltas(self) -> AsyncIterator[TextDelta]:
        """Stream the reply as append-only text deltas."""
        extra = self._request.params.extra_args
        if self._brief and "copy_bias" in extra:  # the skill asks for the copy prior
            terms = await self._terms(self._brief)
            phrases = list(spellings([*terms, *self._must], self._lang))
            params = replace(self._request.params, extra_args={**extra, "copy_phrases": phrases})
            self._request = replace(self._request, params=params)
        stream = self._model.stream(self._request)
        try:
            async for chunk in stream:
                if piece := self._text.feed(chunk):
                    self.streamed += piece
                    yield TextDelta(piece, self.streamed)
        finally:
            await stream.aclose()  # type: ignore[attr-defined]
        if piece := self._text.flush():
            self.streamed += piece
            yield TextDelta(piece, self.streamed)

    def records(self) -> list[DraftRecord]:
        """Every draft the choice was made from, with its place in the reply (for the
        feedback log, after `variants`)."""
        place = {c: n for n, c in enumerate(self.chosen)}
        return [DraftRecord(d.text, d.fluency, place.get(i)) for i, d in enumerate(self.candidates)]

    async def variants(self) -> list[Variant]:
        """Choose the shown completions and split them into variants; lint them, replacing a
        flagged one by a clean spare."""
        pool = [Draft(t, f) for t, f in zip(self._text.texts(), self._text.fluency(), strict=True)]
        if self._choosing:
            await self._choose(pool)
        else:
            self.candidates, self.chosen = pool, list(range(len(pool)))
        self.completions = [self.candidates[i].text for i in self.chosen]
        texts: list[str] = []
        for completion in self.completions:
            texts.extend(self._split(completion))
        if not texts:
            raise EmptyReply("no variant in the model's reply")
        variants = await self._lint(texts) if self._skill.lint else [Variant(t) for t in texts]
        return [replace(v, limits=self._skill.marks(v.text, self._lang)) for v in variants]

    def _split(self, completion: str) -> list[str]:
        # A byte-level model can emit byte sequences that are not UTF-8; decoders show them
        # as U+FFFD, which means nothing to a reader of the final copy.
        found = self._skill.split(completion.replace(REPLACEMENT_CHARACTER, ""), self._lang)
        # With n > 1 each completion is asked to be exactly one variant.
        return found[:1] if self._skill.n > 1 else found

    async def _choose(self, pool: list[Draft]) -> None:
        """Pick the shown drafts from `pool`, drawing more while picked ones miss the product
        or the shape; sets `candidates`, `chosen` and `redrawn`."""
        terms = await self._terms(self._brief) if self._brief else None
        scorer = Scorer(
            self._skill,
            self._lang,
            self._linter,
            product_nouns(),
            self._brief,
            terms,
            self._must,
        )
        first = len(pool)
        chosen = scorer.choose(pool, self._skill.n)
        for round_ in range(1, REDRAWS + 1 if self._redraws else 1):
            off = [i for i in chosen if not scorer.score(pool[i]).usable]
            if not off:
                break
            params = self._request.params
            if params.seed is not None:  # a seeded request would draw the same text again
                params = replace(params, seed=params.seed + 1000 * round_)
            try:
                request = ChatRequest(self._request.messages, params, len(off))
                fresh = await gather(self._model, request)
            except ModelError as exc:
                log.warning("redraw failed", extra={"code": exc.code})
                break
            known = {d.text for d in pool}
            texts = fresh.texts()
            pool += [
                Draft(t, f) for t, f in zip(texts, fresh.fluency(), strict=True) if t not in known
            ]
            if combined := self._skill.combine([*(pool[i].text for i in off), *texts], self._lang):
                pool.append(Draft(combined))
            chosen = scorer.choose(pool, self._skill.n)
        self.candidates, self.chosen = pool, _in_place(chosen, self._skill.n)
        self.redrawn = sum(i >= first for i in chosen)

    async def _terms(self, brief: str) -> list[str]:
        """The brief's product terms (jieba, off the event loop), found once per run."""
        if self._product_terms is None:
            self._product_terms = await asyncio.to_thread(product_terms, brief, self._lang)
        return self._product_terms

    async def _lint(self, texts: list[str]) -> list[Variant]:
        result: list[Variant] = []
        spare: list[str] = []  # clean candidates from a regeneration, shared by flagged variants
        for text in texts:
            hits = self._linter.find(text)
            if hits and not spare:
                spare = await self._regenerate(taken=texts)
            if hits and spare:
                text, hits = spare.pop(0), []
            result.append(Variant(text, tuple(hits), self._warning(hits)))
        return result

    def _warning(self, hits: list[str]) -> str:
        """The marks for terms still in a variant: ad-law terms, then the voice's banned words."""
        banned = [h for h in hits if h.casefold() in self._banned]
        adlaw = [h for h in hits if h.casefold() not in self._banned]
        marks = (
            warning(adlaw, self._lang) if adlaw else "",
            ban_warning(banned, self._lang) if banned else "",
        )
        return "\n".join(m for m in marks if m)

    async def _regenerate(self, taken: list[str]) -> list[str]:
        """Clean variants not already in the reply: from the drafts not chosen, best first, or
        else from one more completion."""
        left = [i for i in range(len(self.candidates)) if i not in self.chosen]
        spare = [t for i in left for t in self._split(self.candidates[i].text)]
        clean = [t for t in dict.fromkeys(spare) if t not in taken and not self._linter.find(t)]
        if clean:
            return clean
        request = ChatRequest(self._request.messages, self._request.params, n=1)
        try:
            (completion,) = await self._model.complete(request)
        except ModelError as exc:
            log.warning("lint regeneration failed", extra={"code": exc.code})
            return []
        found = self._skill.split(completion, self._lang)
        return [t for t in found if t not in taken and not self._linter.find(t)]


def _in_place(chosen: list[int], shown: int) -> list[int]:
    """`chosen` ordered so that a streamed draft that was kept stays where the person saw it,
    and the others fill the places of those dropped, best first."""
    incoming = [i for i in chosen if i >= shown]
    placed: list[int] = []
    for i in range(shown):
        if i in chosen:
            placed.append(i)
        elif incoming:
            placed.append(incoming.pop(0))
    return placed + incoming
