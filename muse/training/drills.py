"""Copy drills: pretraining documents in which spans recur, so the model learns to copy.

Why: a `cpu`-preset model pretrained on package text and composed dialogues alone showed no
induction at all — its loss on the second copy of a repeated random token sequence equalled the
loss on the first — so it could not carry an unseen product name from a brief into its copy and
recalled products from training instead. Induction heads, the attention circuit that finds the
earlier occurrence of the current token and predicts what followed it, form early and sharply
when the training text repeats spans (Olsson et al., 2022, "In-context Learning and Induction
Heads"). Two kinds of drill, both drawn from the pretraining text itself:

- echo: a run of characters (Chinese) or words (English) sampled with the corpus's own
  frequencies, then spans of it recalled at random distances, each after a little noise;
- names: a real paragraph with a coined name (random characters or syllables) woven into several
  of its sentences, the way a product name recurs through an ad.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence

from muse.training.textclean import han_count

ECHO_SHARE = 0.7  # of the drills, how many are echoes (the rest woven names)
_SENTENCE = re.compile(r"(?<=[。！？!?；;])|(?<=\. )")
_WORD = re.compile(r"[A-Za-z][a-z]+")
_ECHO_LEN = {"zh": (24, 64), "en": (12, 32)}  # characters / words in one echoed run
_RECALLS = (4, 8)  # spans recalled from the run
_SPAN = (4, 12)  # characters / words in a recalled span
_MAX_NOISE = 4  # random characters / words before a span
_SEPARATORS = {"zh": ["", "\n", "，", "。"], "en": [" ", "\n", ", ", ". "]}
_NAME_LEN = {"zh": (2, 4), "en": (2, 3)}  # characters / syllables in a coined name
_MAX_DOC = 600  # characters of a paragraph the names drill keeps


def copy_drills(docs: Sequence[str], count: int, seed: int) -> list[str]:
    """`count` drill documents built from `docs` (pretraining text); [] when `docs` has none."""
    rng = random.Random(seed)
    zh_docs = [d for d in docs if han_count(d) > len(d) / 2]
    en_docs = [d for d in docs if han_count(d) <= len(d) / 2 and _WORD.search(d)]
    # A character (or word) drawn from this list is drawn with its corpus frequency.
    pools = {
        "zh": [ch for d in zh_docs[:5000] for ch in d if "\u4e00" <= ch <= "\u9fff"],
        "en": [w.lower() for d in en_docs[:5000] for w in _WORD.findall(d)],
    }
    langs = [lang for lang in ("zh", "en") if pools[lang]]
    if not langs:
        return []
    by_lang = {"zh": zh_docs, "en": en_docs}
    drills: list[str] = []
    for _ in range(count):
        # Chinese first, as the service: four zh drills to one en where both exist.
        lang = "zh" if "zh" in langs and (len(langs) == 1 or rng.random() < 0.8) else "en"
        if rng.random() < ECHO_SHARE:
            drills.append(_echo(pools[lang], lang, rng))
        else:
            drills.append(_names(rng.choice(by_lang[lang]), pools[lang], lang, rng))
    return drills


def _join(items: Sequence[str], lang: str) -> str:
    return "".join(items) if lang == "zh" else " ".join(items)


def _echo(pool: list[str], lang: str, rng: random.Random) -> str:
    """A run, then pieces of it recalled: each span after a little noise, in random order.

    The spans start at random places and sit at random distances from where they first
    occurred, so only matching on content predicts them (a model drilled on whole lines repeated
    line under line learned to copy "the line above" instead, which no brief needs).
    """
    low, high = _ECHO_LEN[lang]
    run = rng.choices(pool, k=rng.randint(low, high))
    pieces = [_join(run, lang)]
    for _ in range(rng.randint(*_RECALLS)):
        start = rng.randrange(len(run) - 2)
        span = run[start : start + rng.randint(*_SPAN)]
        noise = rng.choices(pool, k=rng.randint(0, _MAX_NOISE))
        pieces.append(_join([*noise, *span], lang))
    return rng.choice(_SEPARATORS[lang]).join(pieces)


def _coin(pool: list[str], lang: str, rng: random.Random) -> str:
    """A name nobody could guess: "澜予汀" or "Velmorin"."""
    low, high = _NAME_LEN[lang]
    if lang == "zh":
        return "".join(rng.choices(pool, k=rng.randint(low, high)))
    syllables = [w[:3] for w in rng.choices(pool, k=rng.randint(low, high))]
    return "".join(syllables).capitalize()


def _names(doc: str, pool: list[str], lang: str, rng: random.Random) -> str:
    """`doc` (cut to a paragraph) with a coined name starting about half of its sentences."""
    sentences = [s for s in _SENTENCE.split(doc[:_MAX_DOC]) if s.strip()]
    name = _coin(pool, lang, rng)
    shown = f"「{name}」" if lang == "zh" and rng.random() < 0.5 else name
    woven = [shown + ("：" if lang == "zh" else ": ") + sentences[0].strip()]
    rest = sentences[1:]
    # About half of the later sentences, and at least one, start with the name again.
    again = set(rng.sample(range(len(rest)), k=max(1, len(rest) // 2))) if rest else set()
    comma = "，" if lang == "zh" else ", "
    woven += [name + comma + s.strip() if i in again else s for i, s in enumerate(rest)]
    if not rest:  # one sentence: still name it twice
        woven.append(name)
    return ("" if lang == "zh" else " ").join(woven)
