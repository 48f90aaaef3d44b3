"""The copy prior (engine/copying.py): its bonuses on byte-level tokens, and the engine's use of
them against a greedy reference written out over the HF model."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from pathlib import Path

import pytest
import torch
from transformers import AutoModelForCausalLM, AutoTokenizer

from muse.core.llm.engine.copying import CopyPrior, token_bytes
from muse.core.llm.engine.core import Engine
from muse.core.llm.engine.sequence import SamplingOptions
from tests.core.llm.engine.test_batching import texts

NAME = "秋季新品跑鞋"  # spelled by tokens of the tiny model's BPE
GREEDY = SamplingOptions(temperature=0, max_tokens=24)


@pytest.fixture(scope="module")
def tokenizer(tiny_model_dir: Path):
    return AutoTokenizer.from_pretrained(tiny_model_dir, local_files_only=True)


@pytest.fixture(scope="module")
def prior(tokenizer) -> CopyPrior:
    return CopyPrior(token_bytes(tokenizer))


def spelled(tokenizer, bonuses: dict[int, float]) -> dict[bytes, float]:
    pieces = token_bytes(tokenizer)
    return {pieces[token]: bonus for token, bonus in bonuses.items()}


def test_token_bytes_spell_the_text_back_byte_for_byte(tokenizer) -> None:
    pieces = token_bytes(tokenizer)
    for text in (f"选{NAME}，温和清洁", "Electric toothbrush, 两分钟 timer ✓"):
        ids = tokenizer(text, add_special_tokens=False)["input_ids"]
        assert b"".join(pieces[i] for i in ids) == text.encode()
    assert all(pieces[i] == b"" for i in tokenizer.all_special_ids)


def test_a_name_not_yet_begun_gets_half_the_bonus_on_its_first_tokens(tokenizer, prior) -> None:
    found = spelled(tokenizer, prior.bonuses([], (NAME.encode(),), 8.0))
    assert found and set(found.values()) == {4.0}
    # Each boosted token spells the start of the name, at least two of its bytes (a lone lead
    # byte would favour thousands of characters).
    assert all(NAME.encode().startswith(p) and len(p) >= 2 for p in found)


def test_a_begun_name_is_continued_with_the_whole_bonus(tokenizer, prior) -> None:
    for typed, begun in (("好的，选秋", "秋"), ("选秋季新", "秋季新")):
        ids = tokenizer(typed, add_special_tokens=False)["input_ids"]
        found = spelled(tokenizer, prior.bonuses(ids, (NAME.encode(),), 8.0))
        rest = NAME.encode()[len(begun.encode()) :]
        assert found and set(found.values()) == {8.0}
        assert all(rest.startswith(p) for p in found)


def test_no_bonus_once_named_and_one_try_per_reply(tokenizer, prior) -> None:
    ids = tokenizer(f"{NAME}，好用", add_special_tokens=False)["input_ids"]
    assert prior.bonuses(ids, (NAME.encode(),), 8.0) == {}
    # The reply began the name and wandered off: it is not pulled back to start it again.
    ids = tokenizer("秋天，好用", add_special_tokens=False)["input_ids"]
    assert prior.bonuses(ids, (NAME.encode(),), 8.0) == {}


def test_a_latin_name_begins_only_where_a_word_does(tokenizer, prior) -> None:
    def starts(typed: str, phrase: bytes) -> bool:
        ids = tokenizer(typed, add_special_tokens=False)["input_ids"]
        return bool(prior.bonuses(ids, (phrase,), 8.0))

    assert starts("", b"Coffee") and starts("The ", b"Coffee")
    assert not starts("The", b"Coffee")  # "TheCoffee"
    # The form with a leading space follows a word, never a space or the start of the reply.
    assert starts("The", b" Coffee") and not starts("", b" Coffee")
    assert not starts("The ", b" Coffee")
    ids = tokenizer("The ", add_special_tokens=False)["input_ids"]
    assert set(prior.bonuses(ids, (b"Coffee",), 8.0).values()) == {8.0}  # Latin: whole bonus


def test_a_latin_name_is_not_continued_from_a_word_that_merely_shares_its_start(
    tokenizer, prior
) -> None:
    def bonuses(typed: str, phrase: bytes) -> set[float]:
        ids = tokenizer(typed, add_special_tokens=False)["input_ids"]
        return set(prior.bonuses(ids, (phrase,), 8.0).values())

    assert 8.0 not in bonuses("The", b"electric")  # the "e" ending "The" begins nothing
    assert 8.0 not in bonuses("easy to", b" toothbrush")  # nor does the word "to"
    assert bonuses("a new too", b" toothbrush") == {8.0}  # three letters at a word start do


def copied_reference(model_dir: Path, prompt: list[int], phrase: str, bias: float) -> str:
    """Greedy decoding with the copy prior's bonus added to each step's logits."""
    tokenizer = AutoTokenizer.from_pretrained(model_dir, local_files_only=True)
    model = AutoModelForCausalLM.from_pretrained(model_dir, local_files_only=True)
    prior = CopyPrior(token_bytes(tokenizer, model.config.vocab_size))
    ids: list[int] = []
    with torch.no_grad():
        for _ in range(GREEDY.max_tokens):
            logits = model(torch.tensor([prompt + ids])).logits[0, -1]
            for token, bonus in prior.bonuses(ids, (phrase.encode(),), bias).items():
                logits[token] += bonus
            token = int(logits.argmax())
            if token == tokenizer.eos_token_id:
                break
            ids.append(token)
    return tokenizer.decode(ids, skip_special_tokens=True)


async def test_the_engine_adds_the_bonus_to_the_rows_that_ask_for_it(
    engine: Engine, tiny_model_dir: Path
) -> None:
    prompt = engine.encode_chat([{"role": "user", "content": f"/ad {NAME}，轻盈透气"}])
    plain = await texts(engine, prompt, GREEDY)
    assert NAME not in plain[0]
    copying = replace(GREEDY, extra_args={"copy_phrases": [NAME], "copy_bias": 30.0})
    expected = copied_reference(tiny_model_dir, prompt, NAME, 30.0)
    assert NAME in expected
    # Side by side in one batch: each row gets its own treatment.
    together = await asyncio.gather(texts(engine, prompt, copying), texts(engine, prompt, GREEDY))
    assert together == [[expected], plain]
    off = replace(copying, extra_args={"copy_phrases": [NAME], "copy_bias": 0})
    assert await texts(engine, prompt, off) == plain
