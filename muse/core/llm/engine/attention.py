"""The KV cache and the attention function that reads and writes it, plugged into a stock
transformers model through its `AttentionInterface` (so any Llama-style checkpoint runs as is).

The model is called without a transformers cache (`use_cache=False`); each attention layer gets
this step's new keys/values, RoPE already applied, stores them in the request's slot and attends
over the slot. Steps pack their tokens into one row, as nano-vllm does: input_ids [1, tokens].

Cache layout: [layers, 2 (k, v), slots, kv_heads, max_model_len, head_dim]. A slot is contiguous
so that a decode step attends over a plain view of the cache, with no gather: vLLM's paging pays
off with a paged attention kernel, which torch's SDPA (the kernel that runs on CPU and GPU alike)
is not. Docs: https://huggingface.co/docs/transformers/attention_interface
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import torch
import torch.nn.functional as F
from transformers import AttentionInterface, PretrainedConfig

ATTENTION_NAME = "muse_slots"


@dataclass(frozen=True, slots=True)
class Prefill:
    """Step context of a prefill: sequence i's tokens are [starts[i], starts[i] + lengths[i])
    of the packed row, and go to `slots[i]` from position 0."""

    cache: KVCache
    slots: list[int]
    starts: list[int]
    lengths: list[int]


@dataclass(frozen=True, slots=True)
class Decode:
    """Step context of a decode: token i of the packed row is at `positions[i]` of `slots[i]`.

    Attention covers slots [0, span_slots) and positions [0, span_len) of the cache; `mask`
    ([span_slots, 1, 1, span_len], 0 or -inf) keeps each slot's own positions; `compact` says the
    batch is exactly slots 0..B-1 in order, so queries need no scattering.
    """

    cache: KVCache
    slots: torch.Tensor  # [B] long
    positions: torch.Tensor  # [B] long
    mask: torch.Tensor
    compact: bool


class KVCache:
    """Keys and values of every slot, allocated once; `tensor` is [layers, 2, S, kv_heads, L, d]."""

    def __init__(
        self, config: PretrainedConfig, slots: int, max_len: int, dtype: torch.dtype, device: Any
    ) -> None:
        heads = config.num_attention_heads
        kv_heads = getattr(config, "num_key_value_heads", None) or heads
        head_dim = getattr(config, "head_dim", None) or config.hidden_size // heads
        self.groups = heads // kv_heads  # query heads per kv head (grouped-query attention)
        # torch.empty: on CPU the pages are committed as they are first written, so memory grows
        # with use; `clean` tracks, per slot, the positions written at least once (see `prepare`).
        shape = (config.num_hidden_layers, 2, slots, kv_heads, max_len, head_dim)
        self.tensor = torch.empty(shape, dtype=dtype, device=device)
        self.clean = [0] * slots
        self.max_len = max_len

    def nbytes(self) -> int:
        return self.tensor.numel() * self.tensor.element_size()

    def prepare(self, span_slots: int, span_len: int) -> None:
        """Zero never-written positions a decode will read: masked scores get weight 0, but
        0 × (NaN left in fresh memory) would still be NaN."""
        for slot in range(span_slots):
            if self.clean[slot] < span_len:
                self.tensor[:, :, slot, :, self.clean[slot] : span_len].zero_()
                self.clean[slot] = span_len

    def fork(self, source: int, targets: list[int], length: int) -> None:
        """Copy the first `length` positions of slot `source` to `targets` (n > 1 completions)."""
        for target in targets:
            self.tensor[:, :, target, :, :length].copy_(self.tensor[:, :, source, :, :length])
            self.clean[target] = max(self.clean[target], length)

    def mark_written(self, slot: int, length: int) -> None:
        self.clean[slot] = max(self.clean[slot], length)


def register() -> None:
    """Make `attn_implementation=ATTENTION_NAME` available to `from_pretrained` (idempotent)."""
    AttentionInterface.register(ATTENTION_NAME, slot_attention)


def slot_attention(
    module: torch.nn.Module,
    query: torch.Tensor,
    key: torch.Tensor,
    value: torch.Tensor,
    attention_mask: torch.Tensor | None,
    scaling: float | None = None,
    dropout: float = 0.0,
    **kwargs: Any,
) -> tuple[torch.Tensor, None]:
    """query: [1, heads, T, d]; key/value: [1, kv_heads, T, d] for this step's T packed tokens.

    Returns the attention output as transformers expects it: [1, T, heads, d].
    """
    step = kwargs.get("muse_step")
    if step is None:
        raise RuntimeError("this model runs inside Muse's engine only (no muse_step given)")
    k_cache, v_cache = step.cache.tensor[module.layer_idx]  # each [S, kv_heads, L, d]
    if isinstance(step, Prefill):
        out = _prefill(step, query[0], key[0], value[0], k_cache, v_cache, scaling)
    else:
        out = _decode(step, query[0], key[0], value[0], k_cache, v_cache, scaling)
    return out.unsqueeze(0), None


def _prefill(
    step: Prefill,
    query: torch.Tensor,
    key: torch.Tensor,
    value: torch.Tensor,
    k_cache: torch.Tensor,
    v_cache: torch.Tensor,
    scaling: float | None,
) -> torch.Tensor:
    """Causal attention within each sequence of the packed row; query [heads, T, d]."""
    groups = step.cache.groups
    outs = []
    for slot, start, length in zip(step.slots, step.starts, step.lengths, strict=True):
        k = key[:, start : start + length]  # [kv_heads, length, d]
        v = value[:, start : start + length]
        k_cache[slot, :, :length] = k
        v_cache[slot, :, :length] = v
        if groups > 1:
            k, v = k.repeat_interleave(groups, dim=0), v.repeat_interleave(groups, dim=0)
        q = query[:, start : start + length]
        outs.append(F.scaled_dot_product_attention(q, k, v, is_causal=True, scale=scaling))
    return torch.cat(outs, dim=1).transpose(0, 1)  # [T, heads, d]


def _decode(
    step: Decode,
    query: torch.Tensor,
    key: torch.Tensor,
    value: torch.Tensor,
    k_cache: torch.Tensor,
    v_cache: torch.Tensor,
    scaling: float | None,
) -> torch.Tensor:
    """One new token per sequence; query [heads, B, d], key/value [kv_heads, B, d]."""
    # Advanced indices around a slice: k_cache[slots, :, positions] is [B, kv_heads, d].
    k_cache[step.slots, :, step.positions] = key.transpose(0, 1)
    v_cache[step.slots, :, step.positions] = value.transpose(0, 1)
    span_slots, _, _, span_len = step.mask.shape
    heads, _, dim = query.shape
    kv_heads = k_cache.shape[1]
    q = query.transpose(0, 1)  # [B, heads, d]
    if not step.compact:
        q = q.new_zeros(span_slots, heads, dim).index_copy_(0, step.slots, q)
    # Query heads that share a kv head (head h reads kv head h // groups, as transformers'
    # repeat_kv) become rows of one query block, so GQA needs no copy of the cache:
    # q [S, kv_heads, groups, d] against k/v [S, kv_heads, span_len, d].
    q = q.view(span_slots, kv_heads, heads // kv_heads, dim)
    k = k_cache[:span_slots, :, :span_len]
    v = v_cache[:span_slots, :, :span_len]
    out = F.scaled_dot_product_attention(q, k, v, attn_mask=step.mask, scale=scaling)
    out = out.reshape(span_slots, heads, dim)
    return out if step.compact else out.index_select(0, step.slots)  # [B, heads, d]
