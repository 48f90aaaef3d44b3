"""Incremental detokenization of one completion, cut at stop strings.

Follows vLLM's `detokenize_incrementally`: each step decodes only a short window of recent ids
(the previous step's ids as context, so tokenizers that drop a leading space at the start of a
decode still place it right) instead of the whole completion, and releases text only once it no
longer ends in an incomplete UTF-8 sequence. Stop strings are cut by `StopScanner`.
"""

from __future__ import annotations

from typing import Any

from muse.core.llm.stops import REPLACEMENT_CHAR, StopScanner

# Prompt ids kept as decoding context for the first generated ids (vLLM uses the same 5).
_PROMPT_CONTEXT = 5


class Detokenizer:
    """Turns generated ids, one at a time, into safe text deltas."""

    def __init__(self, tokenizer: Any, prompt_ids: list[int], stops: tuple[str, ...]) -> None:
        self._tokenizer = tokenizer
        self._ids = prompt_ids[-_PROMPT_CONTEXT:]
        self._prefix = 0  # start of the decoding window in _ids
        self._read = len(self._ids)  # ids before this are already in _text
        self._text = ""
        self.stops = stops  # the stop strings it cuts at
        self._scanner = StopScanner(stops)

    @property
    def stopped(self) -> bool:
        """True once a stop string appeared; nothing after it is ever released."""
        return self._scanner.stopped

    def step(self, token_id: int) -> str:
        """Take one generated id; return the text that can be released now (maybe "")."""
        self._ids.append(token_id)
        before = self._decode(self._ids[self._prefix : self._read])
        after = self._decode(self._ids[self._prefix :])
        if len(after) > len(before) and not after.endswith(REPLACEMENT_CHAR):
            self._text += after[len(before) :]
            self._prefix, self._read = self._read, len(self._ids)
        return self._scanner.feed(self._text)

    def flush(self) -> str:
        """The completion ended: release what was held back (an incomplete character included)."""
        before = self._decode(self._ids[self._prefix : self._read])
        after = self._decode(self._ids[self._prefix :])
        return self._scanner.flush(self._text + after[len(before) :])

    def _decode(self, ids: list[int]) -> str:
        return self._tokenizer.decode(
            ids, skip_special_tokens=True, clean_up_tokenization_spaces=False
        )
