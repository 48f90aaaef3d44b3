"""Authored data and the composer: load time, dialogues/s, and what the composed mix looks like.

Loads and validates muse/training/data, composes `--count` dialogues (all categories) and prints
a table: examples per task and language, categories, follow-ups, composing speed, and the
composed mix by task, language and turn count. Writes JSON (default bench/results/compose.json).

    .venv/bin/python bench/compose.py [--count 50000] [--seed 1] [--out bench/results/compose.json]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

from muse.training.authored import load_examples
from muse.training.compose import categories, compose


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=50_000, help="dialogues to compose")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=Path("bench/results/compose.json"))
    args = parser.parse_args()

    started = time.perf_counter()
    examples = load_examples()
    load_s = time.perf_counter() - started
    started = time.perf_counter()
    dialogues = list(compose(examples, args.count, args.seed))
    compose_s = time.perf_counter() - started

    by_task_lang = Counter(f"{e.task}/{e.lang}" for e in examples)
    turns = Counter(sum(m["role"] == "user" for m in d.messages) for d in dialogues)
    result = {
        "python": sys.version,
        "examples": len(examples),
        "examples_by_task_lang": dict(sorted(by_task_lang.items())),
        "categories": len(categories(examples)),
        "examples_with_follow_ups": sum(bool(e.follow_ups) for e in examples),
        "follow_ups": sum(len(e.follow_ups) for e in examples),
        "load_s": load_s,
        "dialogues": len(dialogues),
        "compose_s": compose_s,
        "dialogues_per_s": len(dialogues) / compose_s,
        "dialogues_by_task": dict(Counter(d.task for d in dialogues).most_common()),
        "dialogues_by_lang": dict(Counter(d.lang for d in dialogues).most_common()),
        "dialogues_by_user_turns": dict(sorted(turns.items())),
    }

    print(f"{'examples':<28}{len(examples):>10}")
    for key, n in result["examples_by_task_lang"].items():
        print(f"  {key:<26}{n:>10}")
    print(f"{'categories':<28}{result['categories']:>10}")
    print(f"{'examples with follow-ups':<28}{result['examples_with_follow_ups']:>10}")
    print(f"{'load + validate (s)':<28}{load_s:>10.2f}")
    print(f"{'dialogues composed':<28}{len(dialogues):>10}")
    print(f"{'compose (s)':<28}{compose_s:>10.2f}")
    print(f"{'dialogues/s':<28}{result['dialogues_per_s']:>10.0f}")
    for name in ("dialogues_by_task", "dialogues_by_lang", "dialogues_by_user_turns"):
        print(name.replace("_", " "))
        for key, n in result[name].items():
            print(f"  {key!s:<26}{n:>10}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
