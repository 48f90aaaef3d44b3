"""The composer: volume, determinism, held-out categories, and messages exactly as served.

The strongest check replays composed dialogues through the real core (MuseCore on a temporary
SQLite file, a scripted model that answers with the composed replies) and compares the messages
the model is sent for the last turn with the composed ones.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable, Iterable
from itertools import islice
from pathlib import Path

import pytest

from muse.core.config import Settings
from muse.core.formats import FORMATS
from muse.core.llm.client import ChatRequest
from muse.core.messages import Action, Done, Incoming, Kind, Variant
from muse.core.service import MuseCore
from muse.core.skills.registry import COMMAND_SKILLS, get_skill
from muse.core.skills.templated import FOLLOW_UPS
from muse.training.authored import TASKS, Example, load_examples
from muse.training.compose import Dialogue, categories, compose
from muse.training.lexicons import load_lexicons
from tests.fake_model import FakeModel

EXAMPLES = load_examples()
COMMANDS = tuple(skill.name for skill in COMMAND_SKILLS)  # every skill a slash command runs
BUTTONS = {
    FOLLOW_UPS[action][lang]: action
    for action in (Action.SHORTER, Action.LONGER, Action.TONE)
    for lang in ("zh", "en")
}
# "方案 1\n", "Option 2 · Weibo\n": the header before each ad variant (AdSkill.variant_header).
_AD_HEADER = re.compile(r"^(?:方案|Option) \d(?: · [^\n]+)?\n", re.MULTILINE)


def key(dialogue: Dialogue) -> tuple[tuple[str, str], ...]:
    return tuple((m["role"], m["content"]) for m in dialogue.messages)


def test_fifty_thousand_distinct_dialogues() -> None:
    dialogues = list(compose(EXAMPLES, 50_000, seed=1))
    assert len(dialogues) == 50_000
    assert len({key(d) for d in dialogues}) == 50_000
    zh = sum(d.lang == "zh" for d in dialogues) / len(dialogues)
    assert 0.75 <= zh <= 0.85
    assert {d.task for d in dialogues} == set(TASKS)
    multi_turn = sum(len(d.messages) > 3 for d in dialogues) / len(dialogues)
    assert 0.25 <= multi_turn <= 0.6


def test_the_same_seed_gives_the_same_dialogues() -> None:
    first = list(compose(EXAMPLES, 3000, seed=5))
    assert first == list(compose(EXAMPLES, 3000, seed=5))
    assert first != list(compose(EXAMPLES, 3000, seed=6))


def test_held_out_categories_never_appear() -> None:
    names = categories(EXAMPLES)
    held_out = set(names[::7])
    kept = set(names) - held_out
    outside = [e for e in EXAMPLES if e.category in held_out]
    dialogues = list(compose(EXAMPLES, 4000, seed=3, categories=kept))
    assert {d.category for d in dialogues} <= kept
    texts = {m["content"] for d in dialogues for m in d.messages if m["role"] == "assistant"}
    pieces = {p for t in texts for p in _AD_HEADER.split(t) if p}
    leaked = {e.output for e in outside} | {f.output for e in outside for f in e.follow_ups}
    assert not leaked & (texts | {p.strip() for p in pieces})


def test_an_empty_selection_is_an_error() -> None:
    with pytest.raises(ValueError, match="category filter"):
        next(compose(EXAMPLES, 10, seed=1, categories={"no such category"}))


def test_single_turns_are_the_skills_prompts_and_an_authored_output() -> None:
    outputs = {(e.task, e.lang, e.output): e for e in EXAMPLES}
    for d in islice((d for d in compose(EXAMPLES, 3000, seed=2) if len(d.messages) == 3), 800):
        system, user, assistant = d.messages
        example = outputs[(d.task, d.lang, assistant["content"])]
        skill = example.skill
        assert system == {"role": "system", "content": skill.system_prompt(d.lang)}  # type: ignore[arg-type]
        brief = skill.argument_of(user["content"])
        assert brief is not None, user["content"]
        assert skill.user_prompt(brief, d.lang) == user["content"]  # type: ignore[arg-type]
        assert _is_consistent(brief, example), (brief, example.output)


def _is_consistent(brief: str, example: Example) -> bool:
    """True when `brief` is the example's brief, maybe framed or greeted in front, plus only
    details the output reflects and neutral contexts after it (compose.py's variation rule)."""
    lexicons = load_lexicons()
    lang = example.lang
    prefixes = ("", *lexicons.framings.get((example.task, lang), ()), *lexicons.openers[lang])
    if any(brief == p + example.brief for p in prefixes):
        return True
    base = example.brief.rstrip("。；，、 .;,")
    rest = next((brief[len(p) + len(base) :] for p in prefixes if brief.startswith(p + base)), None)
    if not rest:
        return False
    allowed = {d.phrase for d in lexicons.matching(example.category, lang, example.output)}
    allowed |= {d.phrase for d in lexicons.contexts.get((example.task, lang), ())}
    for separator in ("，", "；", " ", ", ", "; ", " - "):
        parts = rest.split(separator)
        if rest.startswith(separator) and all(p in allowed for p in parts[1:]):
            return True
    return False


def test_ad_history_is_the_three_variants_as_the_core_renders_them() -> None:
    rendered = [
        m["content"]
        for d in compose(EXAMPLES, 5000, seed=4)
        for m in d.messages[2:-1]
        if m["role"] == "assistant" and _AD_HEADER.match(m["content"])
    ]
    assert rendered
    for text in rendered:
        variants = [p.strip() for p in _AD_HEADER.split(text) if p.strip()]
        lang = "zh" if text.startswith("方案") else "en"
        label = text.split("\n", 1)[0].partition(" · ")[2]
        fmt = next((f for f in FORMATS if f.label[lang] == label), None)
        ad = get_skill("ad").with_format(fmt)
        assert len(variants) == ad.n
        assert ad.render([Variant(v) for v in variants], lang) == text


@pytest.fixture
async def served(tmp_path: Path) -> AsyncIterator[tuple[MuseCore, FakeModel]]:
    settings = Settings(
        MUSE_DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'muse.db'}",
        MUSE_MODEL_PATH=tmp_path / "no-model-here",
        # One draft per shown completion: the replayed model answers the authored reply, which
        # the history must then hold as it is (best-of-n would choose among copies of it).
        MUSE_CANDIDATES=3,
    )
    model = FakeModel()
    async with MuseCore(settings, model=model) as core:
        yield core, model


async def test_the_core_sends_exactly_the_composed_messages(
    served: tuple[MuseCore, FakeModel],
) -> None:
    core, model = served
    sample = _by_kind(compose(EXAMPLES, 6000, seed=11), per_kind=3)
    kinds = {"single", "prior", "button", "free", "regenerate", "chain"}
    assert {kind for kind, lang in sample if lang == "zh"} == kinds
    assert {kind for kind, lang in sample if lang == "en"} >= {"single", "button", "free"}
    dialogues = [d for found in sample.values() for d in found]
    for n, dialogue in enumerate(dialogues):
        sent = await _replay(core, model, dialogue, f"user{n}")
        composed = list(dialogue.messages[:-1])
        assert [{"role": m.role, "content": m.content} for m in sent] == composed


def _by_kind(dialogues: Iterable[Dialogue], per_kind: int) -> dict[tuple[str, str], list[Dialogue]]:
    """The first `per_kind` dialogues of each (kind, language)."""
    found: dict[tuple[str, str], list[Dialogue]] = {}
    for d in dialogues:
        users = [m["content"] for m in d.messages if m["role"] == "user"]
        if len(users) == 1:
            kind = "single"
        elif len(users) > 2:
            kind = "chain"
        elif users[-1] == users[0]:
            kind = "regenerate"
        elif users[-1] in BUTTONS:
            kind = "button"
        elif d.task == "chat" and _command(users[0]) is not None:
            kind = "free"
        else:
            kind = "prior"
        same = found.setdefault((kind, d.lang), [])
        if len(same) < per_kind:
            same.append(d)
    return found


async def _replay(
    core: MuseCore, model: FakeModel, dialogue: Dialogue, user: str
) -> tuple[object, ...]:
    """Send the dialogue's user turns to the core as a person would; the last request's messages."""
    turns = dialogue.messages[1:]
    reply_id: int | None = None
    previous: str | None = None
    for i in range(0, len(turns), 2):
        content = turns[i]["content"]
        model.reply = _answering(turns[i + 1]["content"])
        events = [
            e async for e in core.assistant.handle(_incoming(content, previous, reply_id, user))
        ]
        done = events[-1]
        assert isinstance(done, Done), events
        reply_id, previous = done.message_id, content
    return model.requests[-1].messages


def _incoming(content: str, previous: str | None, reply_id: int | None, user: str) -> Incoming:
    """The message behind a user turn: a button, a command or plain text."""
    if reply_id is not None and (content == previous or content in BUTTONS):
        action = Action.REGENERATE if content == previous else BUTTONS[content]
        return Incoming(
            "test", "w1", "c1", user, "", Kind.ACTION, action=action, target_message_id=reply_id
        )
    command = _command(content)
    text = f"/{command[0]} {command[1]}" if command else content
    return Incoming("test", "w1", "c1", user, text, Kind.DIRECT)


def _command(content: str) -> tuple[str, str] | None:
    """(command, argument) when `content` is a command skill's user prompt; the argument
    starts with the platform format when the prompt names one."""
    for name in COMMANDS:
        skill = get_skill(name).for_turn(content)
        if (argument := skill.argument_of(content)) is not None:
            return name, f"{skill.format.name} {argument}" if skill.format else argument
    return None


def _answering(reply: str) -> Callable[[ChatRequest, int], str]:
    """A model reply function the core turns into `reply`: for n > 1 one variant per index."""
    variants = [p.strip() for p in _AD_HEADER.split(reply) if p.strip()]

    chat = {get_skill("chat").system_prompt(lang) for lang in ("zh", "en")}

    def answer(request: ChatRequest, index: int) -> str:
        # Chat may answer in the shape of ad copy ("换成英文" under an ad): one completion.
        if not _AD_HEADER.match(reply) or request.messages[0].content in chat:
            return reply
        # A redraw of an authored variant that misses the product (n < 3) gets the same
        # variants again, which the core does not take: the history keeps the authored reply.
        return variants[index]

    return answer
