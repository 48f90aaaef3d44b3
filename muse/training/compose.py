"""Compose SFT dialogues from the authored examples, built exactly as the core builds prompts.

What the model sees at serving time (muse/core/assistant.py `_dispatch`, `_action`, `_generate`;
muse/core/prompt.py `build_prompt`) and the dialogue composed for it:

- A command (/ad, /tagline, /brainstorm, /script) or plain text (chat): system =
  `skill.system_prompt(lang)`, user = `skill.user_prompt(brief, lang)` (for chat the text as is),
  assistant = one completion. The ad skill asks n=3 completions of one variant each, so an ad
  dialogue's assistant turn is one variant (`Example.output`).
- History: the core stores each user turn as the prompt content it sent, and each reply as
  `skill.render([Variant(v) for v in variants], lang)` of the split variants, without lint
  flags. For ad that is the record's three variants under "方案 1/2/3" ("Option 1/2/3") headers.
  `build_prompt` drops the oldest turns past the default history budget, as serving does.
- A button (shorter / longer / tone) under a reply: system = the replied skill's prompt in
  `detect_language(request)`, user = `skill.follow_up(action, lang)`, assistant = a completion
  in that skill's structure (ad: one variant).
- The regenerate button resends the stored request itself: history = the first reply, user = the
  same request again, assistant = a completion from another record with the same brief.
- Free text after a reply ("更活泼一点", "换成英文", "Make it punchier") is plain chat: system =
  the chat skill's prompt in `detect_language(text)`, user = the text, assistant = chat reply.
  Earlier follow-ups of the same example stay in the history in their stored form; a chain never
  passes through an ad button reply, whose stored form needs three variants.
- An earlier exchange: a conversation may already hold another request of the same campaign, so
  some dialogues start with one from the same category and language before the request.

Only the last message is the training target. Earlier assistant messages are history in the
form the core stores (for ad, three variants under headers, which the ad skill never completes),
so SFT should compute the loss on the final assistant message only.

Briefs vary as muse/training/briefs.py describes: only with details the reply already reflects,
neutral contexts and framings, so a composed request never asks for what its reply does not give.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache

from muse.core.config import Settings
from muse.core.history.store import Turn
from muse.core.language import detect_language
from muse.core.messages import Lang, Variant
from muse.core.prompt import build_prompt
from muse.core.skills.registry import get_skill
from muse.core.tokens import MESSAGE_OVERHEAD, estimate_tokens
from muse.training.authored import Example, Step, follow_up_steps, skill_of
from muse.training.briefs import Briefs
from muse.training.lexicons import Lexicons, load_lexicons

# The history budget the shipped model serves with; trimming is mirrored with it.
HISTORY_TOKENS: int = Settings.model_fields["history_tokens"].default
ZH_SHARE = 0.8
# Kinds of dialogue: a fresh request, one after an earlier exchange, a button, free follow-up
# text, the regenerate button. Fresh requests dominate real use; follow-ups are a third.
KIND_WEIGHTS = {"single": 0.56, "prior": 0.14, "button": 0.12, "free": 0.13, "regenerate": 0.05}
# Requests per task in the fresh and earlier-exchange kinds: ad copy first, then chat.
TASK_WEIGHTS = {
    "ad": 0.3,
    "tagline": 0.17,
    "brainstorm": 0.11,
    "script": 0.07,
    "press": 0.04,
    "lyrics": 0.04,
    "story": 0.04,
    "design": 0.04,
    "chat": 0.19,
}
# A (language, slot) is dropped once its repeated draws outnumber its new dialogues by this
# many; all draws stop after this many per dialogue asked for (repeats grow as pools run dry).
_MAX_MISSES = 300
_DRAWS_PER_DIALOGUE = 5
_ROLES = ("user", "assistant")
# What the composer balances: (kind, task) for fresh requests, (kind, "") for follow-ups.
_Slot = tuple[str, str]


@dataclass(frozen=True)
class Dialogue:
    """One SFT conversation: OpenAI-style messages, system first, the target last."""

    category: str
    task: str  # the skill whose system prompt frames the final turn
    lang: str
    messages: tuple[dict[str, str], ...]


@dataclass(frozen=True)
class _Group:
    """One request's reply: an ad record's three variants, or one completion."""

    examples: tuple[Example, ...]
    stored: str  # the reply as the core keeps it in history
    steps: tuple[Step, ...]  # how the core answers the first example's follow-ups

    @property
    def first(self) -> Example:
        return self.examples[0]


def categories(examples: Sequence[Example]) -> list[str]:
    """The distinct categories of `examples`, sorted."""
    return sorted({e.category for e in examples})


def compose(
    examples: Sequence[Example],
    count: int,
    seed: int,
    categories: Collection[str] | None = None,
) -> Iterator[Dialogue]:
    """Up to `count` distinct dialogues, the same ones for the same seed.

    With `categories`, only examples of those categories are used (all turns, history
    included), so whole categories can be held out. Fewer than `count` come out only when the
    examples cannot make more distinct dialogues.
    """
    chosen = [e for e in examples if categories is None or e.category in categories]
    if not chosen:
        raise ValueError("no examples to compose from (check the category filter)")
    pool = _Pool(chosen, load_lexicons())
    rng = random.Random(seed)
    seen: set[tuple[tuple[str, str], ...]] = set()
    weights = {lang: pool.slots(lang) for lang in pool.langs}
    made: Counter[tuple[str, _Slot]] = Counter()  # dialogues kept per (lang, slot)
    misses: Counter[tuple[str, _Slot]] = Counter()  # repeated draws per (lang, slot)
    kept: Counter[str] = Counter()  # dialogues kept per lang
    live = {lang: list(slots) for lang, slots in weights.items()}
    for _ in range(_DRAWS_PER_DIALOGUE * count + _MAX_MISSES * sum(map(len, weights.values()))):
        if len(seen) >= count or not live:
            return
        # Steer towards ZH_SHARE and the slot weights among the dialogues kept: drawing at those
        # rates would under-represent the pools that repeat sooner (English, single turns).
        zh_due = kept["zh"] < ZH_SHARE * (len(seen) + 1)
        lang: Lang = "zh" if "zh" in live and (zh_due or "en" not in live) else "en"
        total = kept[lang] + 1
        slot = max(live[lang], key=lambda s: weights[lang][s] * total - made[(lang, s)])
        dialogue = pool.draw(lang, slot, rng)
        key = tuple((m["role"], m["content"]) for m in dialogue.messages)
        if key not in seen:
            seen.add(key)
            made[(lang, slot)] += 1
            kept[lang] += 1
            yield dialogue
            continue
        # A slot that repeats more often than it finds something new is running dry.
        misses[(lang, slot)] += 1
        if misses[(lang, slot)] > made[(lang, slot)] + _MAX_MISSES:
            live[lang].remove(slot)
            if not live[lang]:
                del live[lang]


class _Pool:
    """The examples indexed by language, task and kind of dialogue they can make."""

    def __init__(self, examples: Sequence[Example], lexicons: Lexicons) -> None:
        self._briefs = Briefs(lexicons)
        by_request: dict[tuple[str, str | None, str, str, str], list[list[Example]]] = defaultdict(
            list
        )
        for example in examples:
            key = (
                example.task,
                example.format or "",
                example.lang,
                example.category,
                example.brief,
            )
            # An ad record's variants arrive together, the first carrying the follow-ups.
            siblings = by_request[key]
            if (
                example.task == "ad"
                and siblings
                and len(siblings[-1]) < get_skill("ad").n
                and not example.follow_ups
            ):
                siblings[-1].append(example)
                continue
            siblings.append([example])
        self._groups: dict[Lang, list[_Group]] = defaultdict(list)  # lang → groups
        self._by_task: dict[tuple[str, str], list[_Group]] = defaultdict(list)
        self._by_category: dict[tuple[str, str], list[_Group]] = defaultdict(list)
        self._buttons: dict[str, list[tuple[_Group, int]]] = defaultdict(list)
        self._free: dict[str, list[tuple[_Group, int]]] = defaultdict(list)
        self._regenerate: dict[str, list[tuple[_Group, Example]]] = defaultdict(list)
        for same_request in by_request.values():
            groups = [_group(tuple(members)) for members in same_request]
            for group in groups:
                self._index(group)
            for a in groups:
                for b in groups:
                    if a is not b:
                        self._regenerate[a.first.lang].extend((a, e) for e in b.examples)
        self.langs: list[Lang] = sorted(self._groups, key=("zh", "en").index)

    def _index(self, group: _Group) -> None:
        first = group.first
        self._groups[first.lang].append(group)
        self._by_category[(first.lang, first.category)].append(group)
        for example in group.examples:
            self._by_task[(first.lang, first.task)].append(_group((example,)))
        steps = group.steps
        for j, step in enumerate(steps):
            if j and steps[j - 1].button and steps[j - 1].skill == "ad":
                break  # the stored form of an ad button reply needs three variants
            (self._buttons if step.button else self._free)[first.lang].append((group, j))

    def slots(self, lang: Lang) -> dict[_Slot, float]:
        """The (kind, task) slots the examples in `lang` can fill, with their target shares.

        Fresh requests (single, prior) have a slot per task; follow-up kinds one slot each.
        """
        found: dict[_Slot, float] = {}
        for kind, weight in KIND_WEIGHTS.items():
            if kind in ("single", "prior"):
                for task, share in TASK_WEIGHTS.items():
                    if self._by_task[(lang, task)]:
                        found[(kind, task)] = weight * share
            elif (
                self._buttons
                if kind == "button"
                else self._free
                if kind == "free"
                else self._regenerate
            )[lang]:
                found[(kind, "")] = weight
        return found

    def draw(self, lang: Lang, slot: _Slot, rng: random.Random) -> Dialogue:
        """One dialogue for `slot` (one of `slots(lang)`) in `lang`, of a random example."""
        kind, task = slot
        if kind in ("button", "free"):
            candidates = (self._buttons if kind == "button" else self._free)[lang]
            return self._follow_up(*rng.choice(candidates), rng)
        if kind == "regenerate":
            return self._regenerated(*rng.choice(self._regenerate[lang]), rng)
        return self._fresh(lang, task, kind == "prior", rng)

    def _fresh(self, lang: Lang, task: str, prior: bool, rng: random.Random) -> Dialogue:
        """A `task` request answered once, maybe after an earlier exchange of its category."""
        group = rng.choice(self._by_task[(lang, task)])
        example = group.first
        history: list[tuple[str, str]] = []
        if prior:
            others = [
                g
                for g in self._by_category[(lang, example.category)]
                if g.first.brief != example.brief
            ]
            if others:
                earlier = rng.choice(others)
                history = [
                    (self._briefs.request(earlier.first, (earlier.stored,), rng), earlier.stored)
                ]
        skill = example.skill
        request = self._briefs.request(example, (example.output,), rng)
        return _dialogue(
            example, task, lang, skill.system_prompt(lang), history, request, example.output
        )

    def _follow_up(self, group: _Group, j: int, rng: random.Random) -> Dialogue:
        """Follow-up j of the group's first example, after its reply and follow-ups 0..j-1."""
        example = group.first
        steps = group.steps
        request = self._briefs.request(example, (group.stored,), rng)
        history = [(request, group.stored)]
        # Earlier replies are stored as rendered (ad is excluded when the pool is built): the
        # authored output itself, with a platform's header line for a formatted tagline set.
        history += [(s.follow_up.instruction, _stored(s)) for s in steps[:j]]
        step = steps[j]
        skill = skill_of(step.skill, step.format)
        if step.button:
            # The core answers a button in the language of the request under the reply.
            lang = detect_language(history[-1][0])
            user = step.follow_up.instruction
        else:
            lang = step.lang
            user = skill.user_prompt(step.follow_up.instruction, lang)
        return _dialogue(
            example,
            step.skill,
            lang,
            skill.system_prompt(lang),
            history,
            user,
            step.follow_up.output,
        )

    def _regenerated(self, group: _Group, target: Example, rng: random.Random) -> Dialogue:
        """The regenerate button: the same request again, answered by another record."""
        request = self._briefs.request(group.first, (group.stored, target.output), rng)
        lang = detect_language(request)
        skill = target.skill
        history = [(request, group.stored)]
        return _dialogue(
            target, target.task, lang, skill.system_prompt(lang), history, request, target.output
        )


def _dialogue(
    example: Example,
    task: str,
    lang: Lang,
    system: str,
    history: list[tuple[str, str]],
    user: str,
    target: str,
) -> Dialogue:
    """The messages the core would send, trimmed to the budget, then the target reply."""
    contents = [content for pair in history for content in pair]
    # estimate_tokens(text) <= len(text) + MESSAGE_OVERHEAD: under that bound nothing is dropped
    # and build_prompt's estimates (the slow part) can be skipped.
    if (
        sum(map(len, contents)) + len(user) + MESSAGE_OVERHEAD * (len(contents) + 1)
        <= HISTORY_TOKENS
    ):
        sent = [("system", system), *zip(_ROLES * len(history), contents, strict=True)]
        sent.append(("user", user))
    else:
        turns = [
            Turn(i, _ROLES[i % 2], content, _tokens(content), task)
            for i, content in enumerate(contents)
        ]
        prompt = build_prompt(system, turns, user, HISTORY_TOKENS)
        sent = [(m.role, m.content) for m in prompt.messages]
    messages = tuple({"role": role, "content": content} for role, content in sent)
    target_message = {"role": "assistant", "content": target}
    return Dialogue(example.category, task, lang, (*messages, target_message))


@lru_cache(maxsize=1 << 16)
def _tokens(content: str) -> int:
    """`estimate_tokens`, memoised: the same history turns recur across dialogues."""
    return estimate_tokens(content)


def _stored(step: Step) -> str:
    """A follow-up's reply as the core stores it: split and rendered by the step's skill."""
    skill = skill_of(step.skill, step.format)
    lang = step.lang
    return skill.render([Variant(v) for v in skill.split(step.follow_up.output, lang)], lang)


def _group(examples: tuple[Example, ...]) -> _Group:
    """The examples with their reply as the core stores it: split, then rendered."""
    first = examples[0]
    skill = first.skill
    variants: list[str] = []
    for example in examples:
        found = skill.split(example.output, first.lang)
        variants.extend(found[:1] if skill.n > 1 else found)
    stored = skill.render([Variant(v) for v in variants], first.lang)
    steps = follow_up_steps(first.task, first.lang, first.follow_ups, first.format)
    return _Group(examples, stored, steps)
