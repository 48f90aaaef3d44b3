"""The Markdown sample sheet: held-out briefs, the model's replies and the hand-written ones."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from muse.training.generate import Reply


def _quoted(text: str) -> str:
    """`text` as a Markdown blockquote, line breaks kept."""
    return "\n".join(f"> {line}" if line else ">" for line in text.splitlines()) or "> (empty)"


def render_sheet(replies: list[Reply], metrics: dict[str, Any]) -> str:
    """The sheet's Markdown."""
    heldout = "、".join(metrics.get("heldout_categories", [])) or "—"
    replies_ppl = metrics["heldout_replies"]["perplexity"]
    lines = [
        "# Muse sample sheet",
        "",
        f"Model: `{metrics['model']}`. Briefs from categories never trained on: {heldout}.",
        f"Held-out reply perplexity {replies_ppl:.2f}, "
        f"{metrics['heldout_replies']['bits_per_char']:.3f} bits/char.",
        "",
    ]
    for i, reply in enumerate(replies, start=1):
        brief = reply.brief
        lines += [
            f"## {i}. /{brief['task']} · {brief['category']} · {brief['lang']}",
            "",
            f"**Brief:** {brief['brief']}",
            "",
            "**Muse:**",
            "",
            _quoted(reply.rendered),
            "",
            "**Hand-written reference:**",
            "",
            _quoted(brief["output"]),
            "",
        ]
    return "\n".join(lines)


def write_sheet(path: Path, replies: list[Reply], metrics: dict[str, Any]) -> None:
    """Write the sheet to `path` atomically."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(render_sheet(replies, metrics), encoding="utf-8")
    os.replace(tmp, path)
