"""Logits processors plug into the sampler through one hook, per request, and each checks its
own arguments before a request reaches the engine."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import SimpleNamespace
from typing import Any, Self

import pytest
import torch

from muse.core.llm.client import SamplingParams, sampling_fields
from muse.core.llm.engine.copying import CopyPrior
from muse.core.llm.engine.options import InvalidOption, sampling_options
from muse.core.llm.engine.processors import PROCESSORS
from muse.core.llm.engine.sampler import Sampler
from muse.core.llm.engine.sequence import SamplingOptions

VOCAB = 8


class Favour:
    """Adds `favour_bias` to token `favour`, for the requests that name one."""

    @classmethod
    def build(cls, tokenizer: Any, vocab_size: int) -> Self:
        return cls()

    @staticmethod
    def check(args: Mapping[str, Any]) -> tuple[str, str] | None:
        return None

    def bias(self, generated: Sequence[int], args: Mapping[str, Any]) -> dict[int, float]:
        if "favour" not in args:
            return {}
        return {int(args["favour"]): float(args["favour_bias"]) + len(generated)}


def seq(slot: int, extra_args: Mapping[str, Any], generated: list[int]) -> SimpleNamespace:
    request = SimpleNamespace(prompt_ids=[0, 1], rng=None)
    options = SamplingOptions(temperature=0, repetition_penalty=1.0, extra_args=extra_args)
    return SimpleNamespace(
        slot=slot, options=options, token_ids=[0, 1, *generated], request=request
    )


def test_a_processor_biases_only_the_rows_whose_request_asks_for_it() -> None:
    sampler = Sampler(3, VOCAB, "cpu", [Favour()])
    logits = torch.zeros(3, VOCAB)
    logits[:, 2] = 5.0  # every row would take token 2 on its own
    rows = [
        seq(0, {"favour": 6, "favour_bias": 4.0}, [3, 3]),  # 4 + 2 generated > 5
        seq(1, {}, []),
        seq(2, {"favour": 7, "favour_bias": 1.0}, []),  # too weak to win
    ]
    assert sampler.sample(logits, rows)[0] == [6, 2, 2]  # type: ignore[arg-type]


def test_without_processors_extra_arguments_change_nothing() -> None:
    sampler = Sampler(1, VOCAB, "cpu")
    logits = torch.zeros(1, VOCAB)
    logits[0, 1] = 1.0
    assert sampler.sample(logits, [seq(0, {"favour": 6, "favour_bias": 9.0}, [])])[0] == [1]  # type: ignore[list-item]


def test_the_copy_prior_is_registered_and_inactive_unless_both_arguments_are_set() -> None:
    assert CopyPrior in PROCESSORS
    prior = CopyPrior([b"", "松".encode(), "间".encode(), "松间".encode()])
    assert prior.bias([], {"copy_phrases": ["松间"]}) == {}
    assert prior.bias([], {"copy_bias": 12.0}) == {}
    assert prior.bias([], {"copy_phrases": ["松间"], "copy_bias": 12.0}) == {1: 6.0, 3: 6.0}


def test_the_core_and_the_server_read_sampling_settings_through_one_conversion() -> None:
    settings: dict[str, Any] = {
        "temperature": 0.6,
        "top_p": 0.9,
        "max_tokens": 64,
        "repetition_penalty": 1.05,
        "presence_penalty": 1.5,
        "stop": ("\n\n",),
        "seed": 7,
        "extra_args": {"copy_phrases": ["松间"], "copy_bias": 12.0},
    }
    fields = sampling_fields(SamplingParams(**settings))
    assert sampling_options(fields) == SamplingOptions(**settings)


@pytest.mark.parametrize(
    ("xargs", "param"),
    [
        ({"copy_bias": "high"}, "vllm_xargs.copy_bias"),
        ({"copy_phrases": ["x" * 65]}, "vllm_xargs.copy_phrases"),
        ({f"k{i}": 1 for i in range(17)}, "vllm_xargs"),
        ({"k": [1, {"x": 2}]}, "vllm_xargs.k"),
    ],
)
def test_bad_processor_arguments_are_refused_with_the_field_named(
    xargs: dict[str, Any], param: str
) -> None:
    with pytest.raises(InvalidOption) as raised:
        sampling_options({"vllm_xargs": xargs})
    assert raised.value.param == param
