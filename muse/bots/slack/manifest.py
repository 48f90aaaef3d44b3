"""The slash commands of Slack's app manifest (manifest.yml), derived from the core's command
table, so a new command cannot be forgotten in Slack.

`python -m muse.bots.slack.manifest` rewrites the `slash_commands` block of manifest.yml in
place; tests/bots/slack/test_manifest.py fails while the file and the table disagree.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from muse.bots.slack.convert import MUSE_COMMAND
from muse.core.commands import ARGUMENT_COMMANDS, COMMANDS

MANIFEST = Path(__file__).with_name("manifest.yml")
# /muse gathers the commands that need no argument ("/muse reset", "/muse voice"); Slack-only,
# so described here.
MUSE_ENTRY = (
    "帮助、新对话、删除记录、品牌调性、收藏 · Help, new conversation, delete your data, brand "
    "voice, kept copy",
    "help | reset | forget | voice [描述 | must … | ban … | clear] | saved [词 | remove 编号]",
)
_BLOCK = re.compile(r"(?m)^  slash_commands:\n(?:    .*\n)*")


def slash_commands() -> str:
    """The manifest's `slash_commands` block: each skill command, then /muse."""
    entries = []
    for name in ARGUMENT_COMMANDS:
        spec = COMMANDS[name]
        entries.append((f"/{name}", f"{spec.menu['zh']} · {spec.menu['en']}", spec.example["zh"]))
    entries.append((MUSE_COMMAND, *MUSE_ENTRY))
    lines = ["  slash_commands:"]
    for command, description, hint in entries:
        lines += [
            f"    - command: {command}",
            # JSON strings are YAML double-quoted scalars: safe for ": " and any character.
            f"      description: {json.dumps(description, ensure_ascii=False)}",
            f"      usage_hint: {json.dumps(hint, ensure_ascii=False)}",
            "      should_escape: false",
        ]
    return "\n".join(lines) + "\n"


def render(manifest: str) -> str:
    """`manifest` with its `slash_commands` block replaced by the derived one."""
    if not _BLOCK.search(manifest):
        raise ValueError("manifest.yml has no `  slash_commands:` block under `features`")
    return _BLOCK.sub(lambda _: slash_commands(), manifest, count=1)


def main() -> int:
    """Rewrite manifest.yml's slash commands; prints whether anything changed."""
    current = MANIFEST.read_text(encoding="utf-8")
    updated = render(current)
    if updated == current:
        print(f"{MANIFEST} is up to date")
        return 0
    MANIFEST.write_text(updated, encoding="utf-8")
    print(f"rewrote the slash commands of {MANIFEST}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
