"""Load a local Hugging Face causal LM directory for the engine, never from a hub."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
from transformers import AutoModelForCausalLM, AutoTokenizer, PreTrainedModel

from muse.core.llm.client import ModelNotInstalled
from muse.core.llm.engine.attention import ATTENTION_NAME, register
from muse.core.llm.missing import HOW_TO_GET_A_MODEL

logger = logging.getLogger(__name__)

# ChatML's end-of-turn marker: a completion ends there even when the tokenizer's eos differs.
END_OF_TURN = "<|im_end|>"
_DTYPES = {"float32": torch.float32, "bfloat16": torch.bfloat16, "float16": torch.float16}


@dataclass(frozen=True, slots=True)
class Loaded:
    """The weights on their device, their tokenizer, and the ids that end a completion."""

    model: PreTrainedModel
    tokenizer: Any
    eos_ids: frozenset[int]
    context: int  # the checkpoint's max_position_embeddings


def pick_device(device: str | None) -> torch.device:
    return torch.device(device or ("cuda" if torch.cuda.is_available() else "cpu"))


def limit_threads(device: torch.device, threads: int | None) -> None:
    """On CPU, the engine thread's matmul threads: by default all cores but one, left to the
    event loop. An OpenMP team whose cores are shared with a busy thread stalls at every
    barrier: on 2 cores, 2 threads made decode steps ~20× slower than 1."""
    if device.type == "cpu":
        torch.set_num_threads(threads or max(1, (os.cpu_count() or 2) - 1))


def pick_dtype(dtype: str, device: torch.device) -> torch.dtype:
    """bf16 on GPUs that have it (fp16 on older ones): decoding is bandwidth-bound, half the
    bytes is nearly twice the speed; float32 on CPU, where bf16 matmuls are slow."""
    if dtype != "auto":
        return _DTYPES[dtype]
    if device.type != "cuda":
        return torch.float32
    return torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16


def load(path: Path, device: torch.device, dtype: torch.dtype) -> Loaded:
    """Read tokenizer and weights from `path` (worker thread); ModelNotInstalled if unreadable."""
    register()
    try:
        tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True)
        model = AutoModelForCausalLM.from_pretrained(
            path, local_files_only=True, dtype=dtype, attn_implementation=ATTENTION_NAME
        )
    except (OSError, ValueError) as exc:
        raise ModelNotInstalled(
            f"The model at {path} could not be loaded ({exc}). {HOW_TO_GET_A_MODEL}"
        ) from exc
    model.to(device)
    model.eval()
    context = getattr(model.config, "max_position_embeddings", None) or 2048
    logger.info("model loaded from %s on %s (%s)", path, device, dtype)
    return Loaded(model, tokenizer, _eos_ids(model, tokenizer), context)


def _eos_ids(model: PreTrainedModel, tokenizer: Any) -> frozenset[int]:
    """Token ids that end a completion: the tokenizer's and checkpoint's eos, and <|im_end|>."""
    configured = model.generation_config.eos_token_id
    ids = {tokenizer.eos_token_id}
    ids.update(configured if isinstance(configured, list) else [configured])
    if END_OF_TURN in tokenizer.get_vocab():
        ids.add(tokenizer.convert_tokens_to_ids(END_OF_TURN))
    return frozenset(i for i in ids if i is not None)
