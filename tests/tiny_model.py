"""A tiny random Llama chat model with a real byte-level BPE tokenizer, built offline in seconds.

Tests load it through the same `AutoModelForCausalLM` / `AutoTokenizer` path as a shipped model,
so the engine and server are exercised end to end without any download.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from pathlib import Path

import torch
from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast

SPECIAL_TOKENS = ("<|endoftext|>", "<|im_start|>", "<|im_end|>")

# ChatML, as the trained models use it: `<|im_start|>role\ncontent<|im_end|>\n` per message.
CHATML_TEMPLATE = (
    "{% for message in messages %}"
    "{{ '<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n' }}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}"
)

_ZH_SUBJECTS = ("新款服装", "秋季新品", "咖啡", "跑鞋", "手机", "茶叶", "书店", "旅行")
_ZH_PHRASES = ("让生活更美好", "轻松自在", "品质之选", "温暖每一天", "灵感无限", "与你同行")
_EN_SUBJECTS = ("new jacket", "autumn launch", "coffee", "running shoes", "phone", "tea", "travel")
_EN_PHRASES = ("made for you", "feel the difference", "simply better", "every day", "go further")


def _corpus(lines: int = 400, seed: int = 0) -> list[str]:
    """Mixed Chinese/English ad-copy lines, so the BPE learns merges for both scripts."""
    rng = random.Random(seed)
    out = []
    for i in range(lines):
        zh = f"{rng.choice(_ZH_SUBJECTS)}，{rng.choice(_ZH_PHRASES)}。"
        en = f"{rng.choice(_EN_SUBJECTS).title()}: {rng.choice(_EN_PHRASES)}!"
        out.append((zh, en, f"{zh} {en}")[i % 3])
    return out


def _train_tokenizer(vocab_size: int, corpus: Sequence[str]) -> Tokenizer:
    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tokenizer.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=list(SPECIAL_TOKENS),
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tokenizer.train_from_iterator(corpus, trainer=trainer)
    return tokenizer


def build_random_chat_model(
    path: Path,
    *,
    width: int,
    layers: int,
    heads: int,
    kv_heads: int,
    intermediate: int,
    vocab: int,
    corpus: Sequence[str],
) -> Path:
    """Write a random LlamaForCausalLM of this shape + a ChatML BPE tokenizer trained on
    `corpus` (at most `vocab` tokens) to `path`; return `path`."""
    path.mkdir(parents=True, exist_ok=True)
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=_train_tokenizer(vocab, corpus),
        bos_token="<|endoftext|>",
        eos_token="<|im_end|>",
        pad_token="<|endoftext|>",
        additional_special_tokens=["<|im_start|>"],
        chat_template=CHATML_TEMPLATE,
        clean_up_tokenization_spaces=False,
    )
    # The chat template goes into tokenizer_config.json, where every runtime looks for it.
    tokenizer.save_pretrained(path, save_jinja_files=False)

    config = LlamaConfig(
        # Embedding rows padded to a multiple of 64, as real checkpoints do for fast matmuls.
        vocab_size=-(-len(tokenizer) // 64) * 64,
        hidden_size=width,
        intermediate_size=intermediate,
        num_hidden_layers=layers,
        num_attention_heads=heads,
        num_key_value_heads=kv_heads,
        head_dim=width // heads,
        max_position_embeddings=2048,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
        tie_word_embeddings=True,
        # Far above the usual 0.02: near-zero logits make greedy decoding repeat one token
        # forever, and tests need varied text to cut with stop strings and tell seeds apart.
        initializer_range=0.5,
    )
    torch.manual_seed(0)
    model = LlamaForCausalLM(config)
    with torch.no_grad():
        # A zero (tied) embedding row gives <|im_end|> logit 0 while others spread ~N(0, 3²):
        # greedy never ends early and sampling almost never does, so lengths are predictable.
        model.get_input_embeddings().weight[tokenizer.eos_token_id].zero_()
    model.save_pretrained(path)
    return path


def build_tiny_model(path: Path) -> Path:
    """Write a random tiny LlamaForCausalLM + ChatML BPE tokenizer to `path`; return `path`."""
    return build_random_chat_model(
        path,
        width=32,
        layers=2,
        heads=2,
        kv_heads=2,
        intermediate=64,
        vocab=512,
        corpus=_corpus(),
    )
