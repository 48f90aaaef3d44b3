"""Writes the core's table of product nouns (`muse/core/data/product_nouns.json`) from the
training lexicons: serving cannot import training, yet best-of-n must tell copy that drifts to
another category's product (core/drift.py) with the same nouns `muse train eval` counts.

`python -m muse.training.nountable` rewrites the file; tests/training/test_nountable.py fails
while it and the lexicons disagree.
"""

from __future__ import annotations

import json
from pathlib import Path

from muse.core.drift import NOUNS_FILE
from muse.training.lexicons import load_lexicons


def noun_table() -> dict[str, dict[str, list[str]]]:
    """category → language → its product nouns, sorted, as the lexicons list them."""
    table: dict[str, dict[str, list[str]]] = {}
    for (category, lang), nouns in sorted(load_lexicons().nouns.items()):
        table.setdefault(category, {})[lang] = list(dict.fromkeys(nouns))
    return table


def render() -> str:
    """The file's text: one category per line, so a diff shows what changed."""
    lines = [
        f"  {json.dumps(category, ensure_ascii=False)}: {json.dumps(by_lang, ensure_ascii=False)}"
        for category, by_lang in noun_table().items()
    ]
    return "{\n" + ",\n".join(lines) + "\n}\n"


def main() -> None:
    path = Path(str(NOUNS_FILE))
    path.write_text(render(), encoding="utf-8")
    print(f"wrote {len(noun_table())} categories to {path}")


if __name__ == "__main__":
    main()
