"""Best-of-n's scorer (core/scoring.py) and its use in a reply (generation.py)."""

from __future__ import annotations

from muse.core.adlaw import default_linter
from muse.core.drift import ProductNouns
from muse.core.generation import SkillRun
from muse.core.llm.client import ChatMessage, ChatRequest
from muse.core.scoring import Draft, Scorer
from muse.core.skills.registry import get_skill
from tests.fake_model import FakeModel

NOUNS = ProductNouns(
    {
        "火锅底料": {"zh": ["火锅底料", "锅底"]},
        "共享单车": {"zh": ["共享单车", "单车"]},
    }
)
BRIEF = "「川味坊」火锅底料，牛油麻辣"


def scorer(skill: str = "ad") -> Scorer:
    return Scorer(get_skill(skill), "zh", default_linter(), NOUNS, BRIEF, ["川味坊", "火锅底料"])


def test_each_check_counts_and_the_product_outranks_the_shape() -> None:
    s = scorer()
    good = s.score(Draft("川味坊火锅底料\n牛油香，一包煮一锅。"))
    assert good.usable and good.clean and good.within_limits and good.drift == ()
    drifted = s.score(Draft("川味坊火锅底料\n吃完骑共享单车回家。"))
    assert drifted.drift == ("共享单车",) and drifted.merit < good.merit
    flagged = s.score(Draft("川味坊火锅底料\n全网最香的锅底。"))
    assert not flagged.clean and flagged.merit < good.merit
    one_line = s.score(Draft("川味坊火锅底料，牛油麻辣"))  # names it, no body
    about_nothing = s.score(Draft("周末愉快\n出去走走。"))  # in shape, names nothing
    assert one_line.merit > about_nothing.merit


def test_a_draft_in_the_other_language_is_not_usable_and_ranks_below() -> None:
    s = scorer()
    chinese = s.score(Draft("川味坊火锅底料\n牛油香，一包煮一锅。"))
    english = s.score(Draft("川味坊火锅底料\nRich beef tallow broth, one pack makes a whole pot."))
    assert chinese.in_language and not english.in_language
    assert not english.usable and english.merit < chinese.merit


def test_the_checks_come_before_fluency_and_fluency_before_order() -> None:
    drafts = [
        Draft("周末愉快\n出去走走。", fluency=-0.1),  # fluent, but about nothing
        Draft("川味坊火锅底料\n牛油香，一包煮一锅。", fluency=-3.0),
        Draft("川味坊火锅底料\n麻辣够味，涮毛肚正好。", fluency=-1.0),
    ]
    assert scorer().choose(drafts, 2) == [2, 1]


def test_a_draft_like_one_already_picked_loses_to_a_different_one() -> None:
    drafts = [
        Draft("川味坊火锅底料\n牛油香，一包煮一锅。"),
        Draft("川味坊火锅底料\n牛油香，一包煮一锅！"),  # the same ad again
        Draft("川味坊火锅底料\n下班到家，十分钟开一锅热辣。"),
    ]
    assert scorer().choose(drafts, 2) == [0, 2]


def test_without_log_probs_the_choice_still_works() -> None:
    drafts = [Draft("川味坊火锅底料\n牛油香。"), Draft("好好生活\n慢慢来。")]
    assert scorer().choose(drafts, 1) == [0]
    assert scorer().choose(drafts, 5) == [0, 1]  # never more than there are


async def test_a_reply_shows_the_best_of_its_drafts_in_one_request() -> None:
    def reply(request: ChatRequest, index: int) -> str:
        off = ["周末愉快\n出去走走。", "骑上共享单车\n风里都是自由。", "好好生活\n慢慢来。"]
        if index < 3:  # what streams first: off the brief
            return off[index]
        return f"川味坊火锅底料{index}\n牛油麻辣，第{index}种吃法。"

    model = FakeModel(reply, logprob=lambda index: -float(index))
    skill = get_skill("ad")
    messages = (ChatMessage("user", skill.user_prompt(BRIEF, "zh")),)
    run = SkillRun(model, skill, messages, "zh", default_linter(), BRIEF, draws=8)
    streamed = "".join([d.delta async for d in run.deltas()])
    variants = await run.variants()
    assert [r.n for r in model.requests] == [8] and model.requests[0].params.logprobs
    assert "周末愉快" in streamed and "川味坊" not in streamed  # the first three streamed
    # The five on the brief beat the three off it; the most fluent of them (index 3, 4, 5) win.
    assert [v.text.split("\n")[0] for v in variants] == [f"川味坊火锅底料{i}" for i in (3, 4, 5)]
    assert run.drafts == [reply(model.requests[0], i) for i in range(3)]
    assert len(run.candidates) == 8 and sorted(run.chosen) == [3, 4, 5] and run.redrawn == 0


async def test_a_tagline_draws_a_third_as_many_sets() -> None:
    assert get_skill("tagline").draws(8) == 3 and get_skill("ad").draws(8) == 8
    assert get_skill("brainstorm").draws(8) == 1  # no choice: a list of ideas is one draft
    assert get_skill("press").draws(8) == 3 and get_skill("ad").draws(3) == 3
