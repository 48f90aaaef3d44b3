"""The chat template renders exactly the core's messages, and SFT trains on replies only."""

from __future__ import annotations

from typing import Any

import pytest

from muse.core.history.store import Turn
from muse.core.messages import Action
from muse.core.prompt import build_prompt
from muse.core.skills.registry import SKILL_NAMES, get_skill
from muse.training.chatml import IM_END, encode_dialogues, render
from muse.training.tokenizer import train_tokenizer

TEXTS = [
    "新款秋季风衣，主打轻薄防风。",
    "Autumn coat, light and windproof!",
    "产品简介：咖啡 ☕",
] * 20


@pytest.fixture(scope="module")
def tokenizer() -> Any:
    return train_tokenizer(TEXTS, vocab_size=384, context=512)


def core_messages(skill_name: str, lang: str) -> list[dict[str, str]]:
    """What the core sends for a button press after one exchange: system, history, new turn."""
    skill = get_skill(skill_name)
    brief = "保温杯，保温一整天" if lang == "zh" else "a flask that keeps tea hot"
    history = [
        Turn(0, "user", skill.user_prompt(brief, lang), 12, skill_name),
        Turn(1, "assistant", "保温一整天\n早上装的热茶，傍晚还烫口。", 20, skill_name),
    ]
    follow_up = skill.follow_up(Action.SHORTER, lang)
    prompt = build_prompt(skill.system_prompt(lang), history, follow_up, 1024)
    return [{"role": m.role, "content": m.content} for m in prompt.messages]


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("skill_name", SKILL_NAMES)
def test_template_renders_the_core_messages_as_chatml(
    tokenizer: Any, skill_name: str, lang: str
) -> None:
    messages = core_messages(skill_name, lang)
    prompt = tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
    expected = "".join(f"<|im_start|>{m['role']}\n{m['content']}<|im_end|>\n" for m in messages)
    assert (
        prompt
        == render(messages, add_generation_prompt=True)
        == expected + "<|im_start|>assistant\n"
    )
    # The ids the core's engine feeds the model: the template tokenized with return_dict.
    engine_ids = tokenizer.apply_chat_template(
        messages, add_generation_prompt=True, return_dict=True
    )["input_ids"]
    assert engine_ids == tokenizer(prompt, add_special_tokens=False)["input_ids"]
    assert tokenizer.decode(engine_ids) == prompt


def test_every_string_encodes_and_decodes_back(tokenizer: Any) -> None:
    text = "未见过的字：龘𠀀 emoji 🧋 café ½ \t tabs"
    assert tokenizer.decode(tokenizer(text)["input_ids"]) == text
    assert tokenizer.unk_token is None


def dialogue() -> list[dict[str, str]]:
    return [
        {"role": "system", "content": "你是缪斯。"},
        {"role": "user", "content": "产品简介：咖啡\n请写一条广告文案。"},
        {"role": "assistant", "content": "醒来的味道\n一杯冷萃，唤醒整个早晨。"},
        {"role": "user", "content": "更短一点。"},
        {"role": "assistant", "content": "冷萃，醒神"},
    ]


def trained_text(tokenizer: Any, only_last: bool) -> str:
    (encoded,) = encode_dialogues(tokenizer, [(dialogue(), only_last)])
    assert len(encoded.ids) == len(encoded.trained)
    return tokenizer.decode([i for i, t in zip(encoded.ids, encoded.trained, strict=True) if t])


def test_sft_trains_on_the_last_reply_and_its_end_of_turn_only(tokenizer: Any) -> None:
    assert trained_text(tokenizer, only_last=True) == f"冷萃，醒神{IM_END}"


def test_sft_can_train_on_every_reply(tokenizer: Any) -> None:
    assert trained_text(tokenizer, only_last=False) == (
        f"醒来的味道\n一杯冷萃，唤醒整个早晨。{IM_END}冷萃，醒神{IM_END}"
    )


def test_sft_ids_are_the_serving_ids(tokenizer: Any) -> None:
    (encoded,) = encode_dialogues(tokenizer, [(dialogue(), True)])
    assert encoded.ids == tokenizer(render(dialogue()), add_special_tokens=False)["input_ids"]
