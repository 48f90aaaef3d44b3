"""The model: a standard `LlamaForCausalLM` (no custom modules), or a local base model + LoRA.

A plain Hugging Face architecture is what lets the same checkpoint serve from the core's
in-process engine, `muse serve-model`, vLLM and llama.cpp.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import torch
from transformers import AutoModelForCausalLM, LlamaConfig, LlamaForCausalLM, PreTrainedModel

from muse.training.presets import LoraConfig, ModelConfig

HEAD_SIZE = 64


def padded_vocab(size: int) -> int:
    """`size` rounded up to a multiple of 64, so embedding and output matmuls tile evenly."""
    return -(-size // 64) * 64


def new_model(config: ModelConfig, tokenizer: Any, seed: int) -> LlamaForCausalLM:
    """A randomly initialised Llama of `config`'s shape for `tokenizer`'s vocabulary."""
    llama = LlamaConfig(
        vocab_size=padded_vocab(len(tokenizer)),
        hidden_size=config.hidden_size,
        intermediate_size=config.intermediate_size,
        num_hidden_layers=config.layers,
        num_attention_heads=config.hidden_size // HEAD_SIZE,
        num_key_value_heads=config.hidden_size // HEAD_SIZE,
        head_dim=HEAD_SIZE,
        max_position_embeddings=config.context,
        rope_theta=10_000.0,
        tie_word_embeddings=True,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
        initializer_range=0.02,
    )
    torch.manual_seed(seed)
    return LlamaForCausalLM(llama)


def load_base(path: Path, lora: LoraConfig | None) -> PreTrainedModel:
    """A local causal LM directory in fp32 (for training), with LoRA adapters when asked."""
    model = AutoModelForCausalLM.from_pretrained(path, local_files_only=True, dtype=torch.float32)
    if lora is None:
        return model
    from peft import LoraConfig as PeftLoraConfig
    from peft import get_peft_model

    adapters = PeftLoraConfig(
        r=lora.rank,
        lora_alpha=lora.alpha,
        lora_dropout=lora.dropout,
        target_modules="all-linear",
        task_type="CAUSAL_LM",
    )
    return get_peft_model(model, adapters)


def merged(model: torch.nn.Module) -> PreTrainedModel:
    """The plain transformers model: LoRA adapters merged into the weights when there are any."""
    if hasattr(model, "merge_and_unload"):
        return model.merge_and_unload()
    return model  # type: ignore[return-value]


def parameter_count(model: torch.nn.Module) -> int:
    """Distinct parameters (tied embeddings counted once)."""
    return sum(p.numel() for p in {id(p): p for p in model.parameters()}.values())


def flops_per_token(model: torch.nn.Module, seq_len: int) -> float:
    """Training FLOPs per token: 6N + 12·L·H·T, from PaLM (Chowdhery et al., 2022), appendix B.

    N counts the non-embedding parameters plus the output projection (tied here, so the
    embedding matrix once); the second term is attention's score and value matmuls.
    """
    config = model.config
    n = parameter_count(model)
    return 6 * n + 12 * config.num_hidden_layers * config.hidden_size * seq_len
