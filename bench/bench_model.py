"""A random Llama chat checkpoint for benchmarks, built offline in seconds (tests/tiny_model.py's
pattern, larger): a byte-level BPE with ChatML, trained on generated Chinese/English text.

Sizes: "small" (width 256, 6 layers, ~4k vocab) for CPU runs; "large" (width 1024, 16 layers,
GQA 16/4 heads, ~8k vocab, ~230M parameters) for GPU runs, where a tiny model would measure only
kernel-launch overhead.
"""

from __future__ import annotations

import random
from pathlib import Path

import torch
from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast

CHATML_TEMPLATE = (
    "{% for message in messages %}"
    "{{ '<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n' }}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}"
)
SIZES = {
    "small": {"width": 256, "layers": 6, "heads": 4, "kv_heads": 2, "vocab": 4096},
    "large": {"width": 1024, "layers": 16, "heads": 16, "kv_heads": 4, "vocab": 8192},
}
_WORDS = [
    "autumn",
    "coffee",
    "jacket",
    "launch",
    "light",
    "warm",
    "city",
    "travel",
    "tea",
    "run",
    "new",
    "style",
    "daily",
    "go",
]


def corpus(lines: int, seed: int = 0) -> list[str]:
    """Lines of random common CJK characters and English words, for BPE merges of both."""
    rng = random.Random(seed)
    out = []
    for _ in range(lines):
        zh = "".join(chr(rng.randint(0x4E00, 0x4E00 + 1500)) for _ in range(rng.randint(4, 16)))
        en = " ".join(rng.choice(_WORDS) for _ in range(rng.randint(2, 8)))
        out.append(f"{zh}，{en}。")
    return out


def build_bench_model(path: Path, size: str = "small") -> Path:
    """Write the random checkpoint + tokenizer of `size` to `path`; return `path`."""
    dims = SIZES[size]
    path.mkdir(parents=True, exist_ok=True)
    bpe = Tokenizer(models.BPE())
    bpe.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    bpe.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=dims["vocab"],
        special_tokens=["<|endoftext|>", "<|im_start|>", "<|im_end|>"],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    bpe.train_from_iterator(corpus(6000), trainer=trainer)
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=bpe,
        bos_token="<|endoftext|>",
        eos_token="<|im_end|>",
        pad_token="<|endoftext|>",
        additional_special_tokens=["<|im_start|>"],
        chat_template=CHATML_TEMPLATE,
        clean_up_tokenization_spaces=False,
    )
    tokenizer.save_pretrained(path, save_jinja_files=False)
    config = LlamaConfig(
        vocab_size=-(-len(tokenizer) // 64) * 64,
        hidden_size=dims["width"],
        intermediate_size=dims["width"] * 8 // 3 // 64 * 64,
        num_hidden_layers=dims["layers"],
        num_attention_heads=dims["heads"],
        num_key_value_heads=dims["kv_heads"],
        head_dim=dims["width"] // dims["heads"],
        max_position_embeddings=2048,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
        tie_word_embeddings=True,
        initializer_range=0.5,  # spread logits: varied text, as in tests/tiny_model.py
    )
    torch.manual_seed(0)
    model = LlamaForCausalLM(config)
    with torch.no_grad():
        # <|im_end|> gets logit 0 among logits spread wide: completions run to max_tokens, so
        # every system generates the same number of tokens.
        model.get_input_embeddings().weight[tokenizer.eos_token_id].zero_()
    model.save_pretrained(path)
    return path
