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
from muse.core.brief import names_product, product_terms, spellings
from muse.core.llm.client import (
    ChatMessage,
    ChatRequest,
    Chunk,
    ModelClient,
    ModelError,
    SamplingParams,
)
from muse.core.messages import Lang, TextDelta, Variant
from muse.core.skills.base import Skill

log = logging.getLogger(__name__)

REPLACEMENT_CHARACTER = "\ufffd"
# Rounds of redrawing the completions that miss the brief's product or the skill's structure;
# each round asks for all of them again in one request.
REDRAWS = 2


class EmptyReply(ModelError):
    """The model finished without any usable text."""

    code = "empty_reply"


class OrderedText:
    """Append-only text of n interleaved completions: each one whole, in index order."""

    def __init__(self, n: int, header: Callable[[int], str]) -> None:
        self._header = header
        self._parts: list[list[str]] = [[] for _ in range(n)]
        self._sent = [0] * n  # chunks of each completion already released
        self._headed = [False] * n  # header of each completion already released
        self._done = [False] * n
        self._current = 0

    def feed(self, chunk: Chunk) -> str:
        """Take one chunk; return the text that can be appended now (maybe "")."""
        self._parts[chunk.index].append(chunk.text)
        if chunk.finish_reason is not None:
            self._done[chunk.index] = True
        return self._drain()

    def flush(self) -> str:
        """The stream ended: release everything still buffered."""
        self._done = [True] * len(self._done)
        return self._drain()

    def completions(self) -> list[str]:
        """The full text of each completion, in index order."""
        return ["".join(p) for p in self._parts]

    def _drain(self) -> str:
        out: list[str] = []
        while self._current < len(self._parts):
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

    For a grounded skill (ad copy, taglines) given the `brief`, a completion that names neither
    the brief's brand nor its product, or that breaks the skill's structure (its
    `structure_problem`: a headline and a body; five taglines within their length; a platform
    format's lines and limits), is redrawn
    (up to REDRAWS rounds) and replaced by a draw that misses less (or, for a skill whose
    variants stand alone, by one made of the variants of both: `Skill.combine`), before the
    variants are linted; what streamed is then replaced, as a linted variant is. Skills that
    ask for it (`Skill.redraw`: press, lyrics, story, design) are redrawn for their structure
    alone. Brainstorms and scripts are not: a loose list or scene still serves, and a redraw
    would double the wait for the whole reply. A variant still over a format's hard limit
    after all that is marked (`Variant.limits`), never cut.
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
    ) -> None:
        self._model = model
        self._skill = skill
        self._lang = lang
        self._linter = linter
        self._brief = brief if skill.grounded else None
        # Grounded skills are redrawn for the brief and the shape, others that ask for it
        # (press, lyrics, story, design) for the shape alone.
        self._redraws = bool(self._brief) or skill.redraw
        self._product_terms: list[str] | None = None
        self.redrawn = 0  # completions replaced by a redraw that fixed what they missed
        self.completions: list[str] = []  # after the redraws: what the variants come from
        self._request = ChatRequest(messages, params or skill.params(lang), n=skill.n)
        self._text = OrderedText(skill.n, lambda i: skill.variant_header(i, lang))
        self.streamed = ""

    @property
    def drafts(self) -> list[str]:
        """The completions as the model first wrote them (and as they streamed)."""
        return self._text.completions()

    async def deltas(self) -> AsyncIterator[TextDelta]:
        """Stream the reply as append-only text deltas."""
        extra = self._request.params.extra_args
        if self._brief and "copy_bias" in extra:  # the skill asks for the copy prior
            terms = await self._terms(self._brief)
            phrases = list(spellings(terms, self._lang))
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

    async def variants(self) -> list[Variant]:
        """Split the completions into variants; lint them, regenerating a flagged one once."""
        completions = self.drafts
        if self._redraws:
            completions = await self._redraw(completions)
        self.completions = completions
        texts: list[str] = []
        for completion in completions:
            # A byte-level model can emit byte sequences that are not UTF-8; decoders show them
            # as U+FFFD, which means nothing to a reader of the final copy.
            found = self._skill.split(completion.replace(REPLACEMENT_CHARACTER, ""), self._lang)
            # With n > 1 each completion is asked to be exactly one variant.
            texts.extend(found[:1] if self._skill.n > 1 else found)
        if not texts:
            raise EmptyReply("no variant in the model's reply")
        variants = await self._lint(texts) if self._skill.lint else [Variant(t) for t in texts]
        return [replace(v, limits=self._skill.marks(v.text, self._lang)) for v in variants]

    async def _redraw(self, completions: list[str]) -> list[str]:
        """The completions, those off the brief or off its shape redrawn where possible."""
        terms = await self._terms(self._brief) if self._brief else None

        def merit(completion: str) -> int:
            """2 for copy on the brief and in shape, 1 for either, 0 for neither (a skill with
            no brief to name is on it)."""
            # Servers may end a completion with a newline the skill's split strips anyway.
            shaped = self._skill.structure_problem(completion.strip(), self._lang) is None
            named = names_product(completion, terms) if terms is not None else True
            return named + shaped

        result = list(completions)
        scores = [merit(c) for c in result]
        for round_ in range(1, REDRAWS + 1):
            off = sorted((i for i, score in enumerate(scores) if score < 2), key=scores.__getitem__)
            if not off:
                break
            params = self._request.params
            if params.seed is not None:  # a seeded request would draw the same text again
                params = replace(params, seed=params.seed + 1000 * round_)
            try:
                fresh = await self._model.complete(
                    ChatRequest(self._request.messages, params, n=len(off))
                )
            except ModelError as exc:
                log.warning("redraw failed", extra={"code": exc.code})
                break
            if combined := self._skill.combine([*(result[i] for i in off), *fresh], self._lang):
                fresh.append(combined)
            # The worst completions take the best new ones, each only where it is an improvement.
            better = sorted(
                ((merit(c), c) for c in fresh if c not in result), key=lambda t: t[0], reverse=True
            )
            for i in off:
                if better and better[0][0] > scores[i]:
                    scores[i], result[i] = better.pop(0)
                    self.redrawn += 1
        return result

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
            result.append(Variant(text, tuple(hits), warning(hits, self._lang) if hits else ""))
        return result

    async def _regenerate(self, taken: list[str]) -> list[str]:
        """One more completion; its clean variants that are not already in the reply."""
        request = ChatRequest(self._request.messages, self._request.params, n=1)
        try:
            (completion,) = await self._model.complete(request)
        except ModelError as exc:
            log.warning("lint regeneration failed", extra={"code": exc.code})
            return []
        found = self._skill.split(completion, self._lang)
        return [t for t in found if t not in taken and not self._linter.find(t)]
