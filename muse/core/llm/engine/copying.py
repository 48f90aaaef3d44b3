"""The copy prior: a logit bonus that helps a small model write the brief's names out exactly.

A model of a few million parameters trained on two CPU cores has not learned to copy from its
prompt (it has no induction heads, Olsson et al. 2022): asked for an ad for 氨基酸洗面奶 it
writes "氪基酸洗衣", the right place for the name with near-miss characters. Pointer-generator
networks (See et al. 2017) fix this in the model by mixing a copy distribution into the output;
without retraining, the engine adds the induction step at decode time instead, as a soft lexical
constraint (in the spirit of Hokamp & Liu 2017, with a bonus rather than a hard rule):

- while the reply has not yet begun any of the request's phrases (written the first character
  of one, or three letters of a Latin name at the start of a word), the tokens that start one
  get `bias / 2` (a Latin name: `bias`), so a name the model was about to write gets its own
  first character;
- once the reply ends in a phrase's first k bytes (k at least two, or those three letters), the
  tokens that continue it get `bias`, so "氨基" goes on with "酸" rather than with whatever
  the model half-remembers.

Matching is on bytes, so it works for byte-level BPE tokens that hold half a character. A
request asks for it with `vllm_xargs` {"copy_phrases": [...], "copy_bias": 12} (processors.py).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any, Self

from muse.core.llm.client import MAX_COPY_PHRASES

# How much of a name the start bonus's tokens spell and the reply must end in before the rest
# is helped: three letters of a Latin name, at the start of a word (so neither the word "to"
# nor the "e" that ends "The" pulls the reply into "toothbrush" or "electric"; helping from two
# letters turned "to" into "tootor"); two bytes of any other name (most of a Han character's
# three, which narrows it to 64 characters, where a lone lead byte would favour thousands).
LATIN_LETTERS = 3
OTHER_BYTES = 2
MAX_PHRASE_CHARS = 64
MAX_BIAS = 100.0  # logits; beyond it the bonus only swamps the model further


def token_bytes(tokenizer: Any, vocab_size: int = 0) -> list[bytes]:
    """The bytes each token id below `vocab_size` (the model's; default the tokenizer's) stands
    for: b"" for special tokens and for the ids a model's embedding has beyond its tokenizer.

    Byte-level BPE tokens (GPT-2, Qwen, Llama 3 and Muse's own) spell bytes in GPT-2's printable
    alphabet; other tokenizers are decoded token by token.
    """
    special = set(tokenizer.all_special_ids)
    added = set(tokenizer.get_added_vocab().values()) - special  # spelled as plain text
    pieces = tokenizer.convert_ids_to_tokens(list(range(len(tokenizer))))
    alphabet = _byte_alphabet()
    byte_level = all(
        set(p) <= alphabet.keys() for i, p in enumerate(pieces) if p and i not in special | added
    )
    result: list[bytes] = []
    for i, piece in enumerate(pieces):
        if not piece or i in special:
            result.append(b"")
        elif byte_level and i not in added:
            result.append(bytes(alphabet[c] for c in piece))
        else:
            result.append(tokenizer.decode([i]).encode())
    size = vocab_size or len(result)
    return (result + [b""] * size)[:size]


class CopyPrior:
    """Finds, for a reply so far, the tokens that start or continue one of its phrases."""

    def __init__(self, pieces: list[bytes]) -> None:
        self._pieces = pieces
        self._ids: dict[bytes, list[int]] = {}
        for i, piece in enumerate(pieces):
            if piece:
                self._ids.setdefault(piece, []).append(i)
        self._longest = max((len(p) for p in pieces), default=0)

    @classmethod
    def build(cls, tokenizer: Any, vocab_size: int) -> Self:
        """The prior over a model's tokens."""
        return cls(token_bytes(tokenizer, vocab_size))

    @staticmethod
    def check(args: Mapping[str, Any]) -> tuple[str, str] | None:
        """`copy_phrases`: at most 32 strings of at most 64 characters; `copy_bias`: 0–100."""
        phrases = args.get("copy_phrases", [])
        if not isinstance(phrases, list) or not all(isinstance(p, str) for p in phrases):
            return "copy_phrases", "`copy_phrases` must be an array of strings."
        if len(phrases) > MAX_COPY_PHRASES:
            return "copy_phrases", (
                f"`copy_phrases` has {len(phrases)} strings; "
                f"at most {MAX_COPY_PHRASES} are allowed."
            )
        if any(len(p) > MAX_PHRASE_CHARS for p in phrases):
            return "copy_phrases", (
                f"Each of `copy_phrases` may have at most {MAX_PHRASE_CHARS} characters."
            )
        bias = args.get("copy_bias", 0.0)
        if isinstance(bias, bool) or not isinstance(bias, int | float) or not 0 <= bias <= MAX_BIAS:
            return "copy_bias", f"`copy_bias` must be a number from 0 to {MAX_BIAS:g}."
        return None

    def bias(self, generated: Sequence[int], args: Mapping[str, Any]) -> dict[int, float]:
        """The bonuses for the request's `copy_phrases` at `copy_bias`; none unless both set."""
        phrases, bias = args.get("copy_phrases"), args.get("copy_bias")
        if not phrases or not bias:
            return {}
        return self.bonuses(generated, _encoded(tuple(phrases)), float(bias))

    def bonuses(
        self, generated: Sequence[int], phrases: Sequence[bytes], bias: float
    ) -> dict[int, float]:
        """Token id → logit bonus for the next token after `generated` (the reply's ids)."""
        phrases = [p for p in phrases if p]
        text = b"".join(self._pieces[t] for t in generated)
        # One try per reply: once a name has been begun, only its continuation is helped, so a
        # model that wanders off the name is not pulled back into it again and again.
        begun = any(phrase[: _head(phrase)] in text for phrase in phrases)
        result: dict[int, float] = {}
        for phrase in phrases:
            rest = _rest(text, phrase)
            if rest is not None:
                self._add(result, rest, bias)
            elif not begun and _may_begin(text, phrase):
                # A Latin name gets the whole bonus: with a Chinese-first vocabulary the model
                # rarely reaches for its pieces (English ads named the product 4 times in 9).
                self._add(result, phrase, bias if _latin(phrase) else bias / 2, _least(phrase))
        return result

    def _add(self, result: dict[int, float], rest: bytes, bonus: float, least: int = 1) -> None:
        """`bonus` for every token that spells a prefix of `rest` of at least `least` bytes
        (or all of it)."""
        for end in range(min(least, len(rest)), min(len(rest), self._longest) + 1):
            for token in self._ids.get(rest[:end], ()):
                result[token] = max(result.get(token, 0.0), bonus)


@lru_cache(maxsize=256)
def _encoded(phrases: tuple[str, ...]) -> tuple[bytes, ...]:
    """A request's phrases as UTF-8, encoded once rather than at every step of every row."""
    return tuple(p.encode() for p in phrases)


def _latin(phrase: bytes) -> bool:
    """Whether `phrase` is a Latin-script name (after any leading space)."""
    first = phrase.lstrip(b" ")[:1]
    return first.isascii() and first.isalnum()


def _head(phrase: bytes) -> int:
    """Bytes of `phrase` that count as having begun it: three letters of a Latin name (after
    any leading space), the first character of any other (all of a shorter phrase)."""
    if _latin(phrase):
        return min(len(phrase), len(phrase) - len(phrase.lstrip(b" ")) + LATIN_LETTERS)
    lead = phrase[0]
    return min(len(phrase), 1 if lead < 0xC0 else 2 if lead < 0xE0 else 3 if lead < 0xF0 else 4)


def _least(phrase: bytes) -> int:
    """Bytes of `phrase` a start token must spell, and the reply must end in before the rest
    is helped: its head for a Latin name, else two bytes (a Han character may be two tokens)."""
    return _head(phrase) if _latin(phrase) else min(len(phrase), OTHER_BYTES)


def _needs_word_start(phrase: bytes) -> bool:
    """A Latin name that does not open with a space begins only where a word does."""
    return _latin(phrase) and phrase[:1] != b" "


def _may_begin(text: bytes, phrase: bytes) -> bool:
    """Whether `phrase` may begin after `text`: a Latin name not mid-word, and its form with a
    leading space only after something that is not itself a space."""
    if not _latin(phrase):
        return True
    if phrase[:1] == b" ":
        return bool(text) and not text[-1:].isspace()
    return not _mid_word(text, len(text))


def _mid_word(text: bytes, end: int) -> bool:
    """Whether position `end` of `text` follows a Latin letter or digit."""
    before = text[end - 1 : end] if end > 0 else b""
    return before.isascii() and before.isalnum()


def _rest(text: bytes, phrase: bytes) -> bytes | None:
    """What is left of `phrase` when `text` ends in its first k bytes, k at least `_least` and
    short of all of it (and, for a Latin name, starting a word), if any."""
    for k in range(min(len(phrase) - 1, len(text)), _least(phrase) - 1, -1):
        if text.endswith(phrase[:k]) and not (
            _needs_word_start(phrase) and _mid_word(text, len(text) - k)
        ):
            return phrase[k:]
    return None


def _byte_alphabet() -> dict[str, int]:
    """GPT-2's printable stand-in for each byte (its `bytes_to_unicode`), inverted."""
    printable = [*range(ord("!"), ord("~") + 1), *range(ord("¡"), ord("¬") + 1)]
    printable += range(ord("®"), ord("ÿ") + 1)
    chars = list(printable)
    extra = 0
    for b in range(256):
        if b not in printable:
            printable.append(b)
            chars.append(256 + extra)
            extra += 1
    return {chr(c): b for b, c in zip(printable, chars, strict=True)}
