"""Stop strings on a streamed completion: release text as soon as it cannot be part of one.

Shared by in-process generation paths (they decode the growing token list and feed the text).
"""

from __future__ import annotations

from collections.abc import Iterable

# What byte-level decoding shows for an incomplete UTF-8 sequence; the next token may finish it.
REPLACEMENT_CHAR = "\ufffd"


class StopScanner:
    """Tracks one completion's decoded text; yields safe deltas and cuts at the first stop string.

    Text that may still grow into a stop string, or ends in an incomplete UTF-8 sequence, is held
    back until more text settles it. `stopped` turns true once a stop string has appeared; the
    stop string and anything after it are never released.
    """

    def __init__(self, stops: Iterable[str]) -> None:
        self._stops = tuple(s for s in stops if s)
        self._sent = 0  # characters of the text already released
        self.stopped = False

    def feed(self, text: str) -> str:
        """Take the whole decoded text so far; return the newly releasable part (maybe "")."""
        if self.stopped:
            return ""
        cuts = [i for i in (text.find(s, self._sent) for s in self._stops) if i >= 0]
        if cuts:
            self.stopped = True
            return self._release(text[: min(cuts)])
        return self._release(text[: len(text) - self._held_back(text)])

    def flush(self, text: str) -> str:
        """The completion ended with this text: release whatever was held back."""
        return "" if self.stopped else self._release(text)

    def _held_back(self, text: str) -> int:
        """How many trailing characters of `text` must wait for more text."""
        settled = text.rstrip(REPLACEMENT_CHAR)
        partial = max(
            (k for s in self._stops for k in range(1, len(s)) if settled.endswith(s[:k])),
            default=0,
        )
        return len(text) - len(settled) + partial

    def _release(self, text: str) -> str:
        delta = text[self._sent :]
        self._sent = max(self._sent, len(text))
        return delta
