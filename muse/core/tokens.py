"""A tokenizer-free token estimate for history budgets.

The core must budget history for any model behind `MUSE_MODEL_URL`, whose tokenizer it does not
have. The estimate errs high so a trimmed prompt fits: one token per CJK character (our 8k BPE
averages ~1.4 characters per token on Chinese, larger vocabularies ~1), one per four other
non-space characters (the usual English figure), plus the ChatML framing of each message.
"""

from __future__ import annotations

import math

# <|im_start|>, role, newline, <|im_end|>, newline: the framing ChatML adds around a message.
MESSAGE_OVERHEAD = 5


def is_cjk(ch: str) -> bool:
    """True for CJK ideographs (Unified, Extension A, Compatibility) and CJK punctuation."""
    code = ord(ch)
    return (
        0x4E00 <= code <= 0x9FFF
        or 0x3400 <= code <= 0x4DBF
        or 0xF900 <= code <= 0xFAFF
        or 0x3000 <= code <= 0x303F
        or 0xFF00 <= code <= 0xFFEF
    )


def estimate_tokens(text: str) -> int:
    """Estimated token count of one chat message carrying `text`."""
    cjk = sum(1 for ch in text if is_cjk(ch))
    other = sum(1 for ch in text if not ch.isspace() and not is_cjk(ch))
    return cjk + math.ceil(other / 4) + MESSAGE_OVERHEAD
