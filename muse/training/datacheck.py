"""Check authored data files and say everything that is wrong with them, not only the first.

    python -m muse.training.datacheck [FILE ...]

Without files it checks every file in `muse/training/data/authored/`. For the files named it
reports: records the loader would refuse (structure, ad-law lint, language, category not in the
index, an output written twice), categories without product nouns in the lexicons, stock spans
(stock.py) shared with the rest of the data, and near-duplicate outputs (MinHash, dedup.py).
It exits 1 when anything is reported, so a writer can run it after every batch.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

from muse.core.adlaw import default_linter
from muse.core.language import detect_language
from muse.training.authored import (
    LEXICON_TASKS,
    AuthoredDataError,
    Example,
    data_files,
    parse_file,
)
from muse.training.dedup import matches
from muse.training.lexicons import LexiconError, load_lexicons
from muse.training.presets import CorpusConfig
from muse.training.stock import MAX_BRIEFS, outputs_of, stock_spans

_SHOWN = 40  # problems of one kind printed before "… and N more"


def check(paths: list[Path]) -> tuple[list[str], list[Example]]:
    """Every problem of the files at `paths`, judged against all authored data, and their valid
    examples."""
    targets = {p.resolve() for p in paths}
    problems: list[str] = []
    seen: dict[str, str] = {}
    mine: list[Example] = []
    everything: list[Example] = []
    sources = {
        path.resolve(): (path.name, path.read_text(encoding="utf-8"))
        for path in [*(Path(str(e)) for e in data_files()), *paths]
    }
    # Other files first, so a repeat is reported in the file being checked.
    for path, (name, text) in sorted(sources.items(), key=lambda kv: kv[0] in targets):
        try:
            found = parse_file(name, text, seen, problems if path in targets else [])
        except AuthoredDataError as exc:  # not YAML at all (perhaps a file being written)
            if path in targets:
                problems.append(str(exc))
            continue
        everything.extend(found)
        if path in targets:
            mine.extend(found)
    problems.extend(_lexicon_problems(mine))
    problems.extend(stock_problems(mine, everything))
    problems.extend(duplicate_problems(mine, everything))
    return problems, mine


def _lexicon_problems(mine: list[Example]) -> list[str]:
    try:
        lexicons = load_lexicons()
    except LexiconError as exc:
        return [f"lexicons: {exc}"]
    used = sorted({e.category for e in mine if e.task in LEXICON_TASKS})
    linter = default_linter()
    problems = [
        f"category {c}: no `nouns` for {lang} in data/lexicons"
        for c in used
        for lang in ("zh", "en")
        if not lexicons.nouns.get((c, lang))
    ]
    for c in used:
        for lang in ("zh", "en"):
            for detail in lexicons.details.get((c, lang), []):
                if hits := linter.find(detail.phrase):
                    problems.append(
                        f"lexicon {c}/{lang}: {detail.phrase!r} has ad-law terms {', '.join(hits)}"
                    )
                elif detect_language(detail.phrase) != lang:
                    problems.append(f"lexicon {c}/{lang}: {detail.phrase!r} is not in {lang}")
    return problems


def stock_problems(mine: list[Example], everything: list[Example]) -> list[str]:
    """Stock spans of `everything` (stock.py) that reach into the outputs of `mine`."""
    my_briefs = {e.brief for e in mine}
    problems = []
    for stock in stock_spans(everything):
        in_mine = [b for b in dict.fromkeys(stock.briefs) if b in my_briefs]
        if in_mine:
            problems.append(
                f"stock span {stock.span!r} is in the outputs of {len(stock.briefs)} briefs "
                f"(at most {MAX_BRIEFS}); here: {' | '.join(in_mine[:4])}"
            )
    return problems


def duplicate_problems(mine: list[Example], everything: list[Example]) -> list[str]:
    """Near-duplicate pairs of outputs (MinHash, dedup.py) of which one is in `mine`."""
    mine_ids = {id(e) for e in mine}
    texts: list[tuple[str, Example]] = [(t, e) for e in everything for t in outputs_of(e)]
    problems = []
    threshold = CorpusConfig().near_duplicate  # the corpus pipeline's own threshold
    for index, verdict, earlier in matches([t for t, _ in texts], threshold, desc="near"):
        if verdict is None or earlier is None:
            continue
        (text, example), (other, other_example) = texts[index], texts[earlier]
        if id(example) in mine_ids or id(other_example) in mine_ids:
            problems.append(f"near-duplicate outputs ({verdict}): {text!r} ~ {other!r}")
    return problems


def summary(examples: list[Example]) -> str:
    """Counts per task and language of `examples`."""
    counts = Counter((e.task, e.lang) for e in examples)
    return ", ".join(f"{task}/{lang} {n}" for (task, lang), n in sorted(counts.items()))


def main(argv: list[str]) -> int:
    """Check the files in argv (all authored files when none); 1 when there are problems."""
    paths = [Path(a) for a in argv] or [Path(str(e)) for e in data_files()]
    missing = [str(p) for p in paths if not p.is_file()]
    if missing:
        print(f"no such file: {', '.join(missing)}", file=sys.stderr)
        return 2
    problems, examples = check(paths)
    by_kind: Counter[str] = Counter()
    for problem in problems:
        kind = problem.split(" ", 1)[0]
        by_kind[kind] += 1
        if by_kind[kind] <= _SHOWN:
            print(problem)
    for kind, n in by_kind.items():
        if n > _SHOWN:
            print(f"… and {n - _SHOWN} more problems starting {kind!r}")
    print(f"examples: {summary(examples)}")
    print(f"{len(problems)} problems" if problems else "ok")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
