"""Repeat loss tells a model that copies from its context from one that cannot."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any, ClassVar

import torch
from torch import nn

from muse.training.perplexity import repeat_loss

VOCAB = 1000


class _Tokenizer:
    all_special_ids: ClassVar[list[int]] = [0, 1, 2]

    def __len__(self) -> int:
        return VOCAB

    def __call__(self, texts: list[str], **_: Any) -> dict[str, list[list[int]]]:
        return {"input_ids": [[ord(c) - 0x4E00 for c in t] for t in texts]}

    def decode(self, ids: list[int]) -> str:
        return "".join(chr(0x4E00 + i) for i in ids)


# 600 distinct one-character tokens (ids 3…602), each drawn about as often.
TEXTS = ["".join(chr(0x4E00 + i) for i in range(3, 603))] * 2


class _Uniform(nn.Module):
    """The same distribution everywhere: cannot copy."""

    def __init__(self) -> None:
        super().__init__()
        self.bias = nn.Parameter(torch.zeros(VOCAB))

    def forward(self, input_ids: torch.Tensor) -> SimpleNamespace:
        return SimpleNamespace(logits=self.bias.expand(*input_ids.shape, VOCAB))


class _Inductor(_Uniform):
    """An ideal induction head: predicts what followed the last earlier occurrence."""

    def forward(self, input_ids: torch.Tensor) -> SimpleNamespace:
        logits = torch.zeros(*input_ids.shape, VOCAB)
        for b, row in enumerate(input_ids.tolist()):
            for t, token in enumerate(row):
                earlier = [i for i in range(t) if row[i] == token]
                if earlier:
                    logits[b, t, row[earlier[-1] + 1]] = 30.0
        return SimpleNamespace(logits=logits)


def test_an_ideal_copier_predicts_the_repeat_and_a_uniform_model_does_not() -> None:
    copier = repeat_loss(_Inductor(), _Tokenizer(), TEXTS, seed=0, sequences=4, length=24)
    uniform = repeat_loss(_Uniform(), _Tokenizer(), TEXTS, seed=0, sequences=4, length=24)
    assert copier["repeat"] < 1.0 < 6.0 < copier["first"]
    assert copier["copy_gain"] > 6.0
    assert abs(uniform["copy_gain"]) < 1e-4
    assert abs(uniform["first"] - torch.log(torch.tensor(float(VOCAB))).item()) < 1e-3
