"""Perplexity and bits per character on held-out text.

Bits per character divides the total negative log-likelihood (in bits) by the characters the
scored tokens spell, so it compares models with different tokenizers; perplexity is per token.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

import torch
import torch.nn.functional as F
from tqdm import tqdm

from muse.training.chatml import Encoded


@torch.no_grad()
def score(model: Any, tokenizer: Any, encoded: Iterable[Encoded], desc: str) -> dict[str, float]:
    """Perplexity and bits per character of the trained tokens of each sequence.

    Sequences longer than the model's context keep their last `context` tokens.
    """
    model.eval()
    device = next(model.parameters()).device
    context = model.config.max_position_embeddings
    nll = 0.0
    tokens = chars = 0
    for item in tqdm(list(encoded), desc=desc, unit="seq", leave=False):
        ids = torch.tensor(item.ids[-context:], device=device)
        trained = torch.tensor(item.trained[-context:], device=device)[1:]
        if not trained.any():
            continue
        logits = model(input_ids=ids[None]).logits[0, :-1].float()  # (len - 1, vocab)
        losses = F.cross_entropy(logits, ids[1:], reduction="none")
        nll += losses[trained].sum().item()
        tokens += int(trained.sum())
        scored = [i for i, t in zip(item.ids[-context:][1:], trained.tolist(), strict=True) if t]
        chars += len(tokenizer.decode(scored, skip_special_tokens=True))
    return {
        "perplexity": math.exp(nll / max(tokens, 1)),
        "bits_per_char": nll / math.log(2) / max(chars, 1),
        "tokens": tokens,
        "chars": chars,
    }


def plain(tokenizer: Any, texts: Iterable[str]) -> list[Encoded]:
    """Documents as sequences in which every token but the first is scored."""
    return [
        Encoded(ids, [True] * len(ids))
        for ids in (
            tokenizer(t, add_special_tokens=False, verbose=False)["input_ids"] for t in texts
        )
        if len(ids) > 1
    ]


@torch.no_grad()
def repeat_loss(
    model: Any,
    tokenizer: Any,
    texts: Sequence[str],
    seed: int,
    sequences: int = 16,
    length: int = 48,
) -> dict[str, float]:
    """Mean loss on random token runs and on their immediate repeats.

    A model that copies from its context (induction heads, Olsson et al., 2022) predicts the
    repeat almost exactly; one that cannot scores both halves alike. `copy_gain` = first − repeat
    in nats per token. Runs are drawn from the tokens of `texts` with their frequencies — Chinese
    characters that are one token each when the texts have enough, what a product name is made
    of — since a small model's rarest tokens hardly have embeddings to copy.
    """
    model.eval()
    device = next(model.parameters()).device
    encoded = tokenizer(list(texts), add_special_tokens=False, verbose=False)["input_ids"]
    special = set(tokenizer.all_special_ids)
    tokens = [i for ids in encoded for i in ids if i not in special]
    han = [i for i in tokens if _is_han_char(tokenizer.decode([i]))]
    pool = torch.tensor(han if len(set(han)) >= _MIN_DISTINCT else tokens)
    generator = torch.Generator().manual_seed(seed)
    run = pool[torch.randint(len(pool), (sequences, length), generator=generator)]
    ids = torch.cat([run, run], dim=1).to(device)  # (sequences, 2 · length)
    logits = model(input_ids=ids).logits[:, :-1].float()  # (sequences, 2 · length − 1, vocab)
    losses = F.cross_entropy(logits.transpose(1, 2), ids[:, 1:], reduction="none")
    first = losses[:, : length - 1].mean().item()
    repeat = losses[:, length:].mean().item()
    return {"first": first, "repeat": repeat, "copy_gain": first - repeat}


_MIN_DISTINCT = 100  # distinct one-character tokens needed to draw runs from them alone


def _is_han_char(text: str) -> bool:
    return len(text) == 1 and "\u4e00" <= text <= "\u9fff"
