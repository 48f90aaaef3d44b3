from muse.core.history.store import Turn
from muse.core.prompt import build_prompt
from muse.core.tokens import estimate_tokens


def turns(count: int, size: int) -> list[Turn]:
    """`count` alternating user/assistant turns of `size` tokens each."""
    return [
        Turn(i, "user" if i % 2 == 0 else "assistant", f"turn {i}", size, "chat")
        for i in range(count)
    ]


def test_everything_fits() -> None:
    prompt = build_prompt("sys", turns(4, 10), "new", budget=1000)
    assert [m.role for m in prompt.messages] == [
        "system",
        "user",
        "assistant",
        "user",
        "assistant",
        "user",
    ]
    assert prompt.messages[0].content == "sys" and prompt.messages[-1].content == "new"
    assert not prompt.dropped


def test_newest_turns_kept_and_pairs_stay_whole() -> None:
    # Budget for the new turn plus three 10-token turns: the oldest kept would be an
    # assistant reply without its request, so it goes too.
    budget = estimate_tokens("new") + 30
    prompt = build_prompt("sys", turns(6, 10), "new", budget=budget)
    assert [m.content for m in prompt.messages] == ["sys", "turn 4", "turn 5", "new"]
    assert prompt.dropped


def test_system_prompt_is_never_cut_even_when_nothing_else_fits() -> None:
    long_system = "很长的系统提示" * 500
    prompt = build_prompt(long_system, turns(2, 10), "new", budget=1)
    assert prompt.messages[0].content == long_system
    assert [m.content for m in prompt.messages[1:]] == ["new"]
    assert prompt.dropped


def test_token_estimate_counts_chinese_per_character() -> None:
    assert estimate_tokens("新款服装") - estimate_tokens("") == 4
    assert estimate_tokens("abcdefgh") - estimate_tokens("") == 2
