"""The `logprobs` of a response's choices, in OpenAI's two shapes, gathered token by token.

Chat completions: `{"content": [{"token", "logprob", "bytes", "top_logprobs": []}, …]}`; the
legacy completions endpoint: `{"tokens", "token_logprobs", "top_logprobs": null,
"text_offset"}` (platform.openai.com/docs/api-reference/chat/object and /completions/object).
A token's string is its id decoded alone, as vLLM returns it: a token that holds part of a
UTF-8 character decodes to U+FFFD, and its `bytes` are those of that string.

Text is released only when it is whole UTF-8 (engine/detokenizer.py), so a token's log-prob
can arrive before its text: entries wait here and go out with the next chunk of their choice.
"""

from __future__ import annotations

from typing import Any

from muse.core.llm.engine.sequence import SeqOutput


class Logprobs:
    """Entries not yet sent, per choice of a response."""

    def __init__(self, choices: int, tokenizer: Any, *, chat: bool) -> None:
        self._tokenizer = tokenizer
        self._chat = chat
        self._pending: list[list[tuple[str, float]]] = [[] for _ in range(choices)]
        self._offset = [0] * choices  # text_offset of the next token (completions shape)

    def add(self, choice: int, out: SeqOutput) -> None:
        """Keep the log-prob of the token `out` carries, if it carries one."""
        if out.token_id is not None and out.logprob is not None:
            # Special tokens kept: an end-of-text token has a log-prob too.
            token = self._tokenizer.decode([out.token_id], clean_up_tokenization_spaces=False)
            self._pending[choice].append((token, out.logprob))

    def take(self, choice: int) -> dict[str, Any]:
        """The pending entries of `choice` in the endpoint's shape; none pending afterwards."""
        entries, self._pending[choice] = self._pending[choice], []
        if self._chat:
            return {
                "content": [
                    {"token": t, "logprob": lp, "bytes": list(t.encode()), "top_logprobs": []}
                    for t, lp in entries
                ]
            }
        offsets = []
        for token, _ in entries:
            offsets.append(self._offset[choice])
            self._offset[choice] += len(token)
        return {
            "tokens": [t for t, _ in entries],
            "token_logprobs": [lp for _, lp in entries],
            "top_logprobs": None,
            "text_offset": offsets,
        }
