"""The docs a user needs live in the repo and stay true: every setting is documented."""

from __future__ import annotations

from pathlib import Path

import pytest

from muse.core.config import Settings

ROOT = Path(__file__).resolve().parents[1]
NAMES = sorted(str(f.alias) for f in Settings.model_fields.values())


@pytest.mark.parametrize("doc", ["docs/architecture.md", "README.md"])
def test_every_setting_is_documented(doc: str) -> None:
    text = (ROOT / doc).read_text(encoding="utf-8")
    missing = [name for name in NAMES if name not in text]
    assert not missing, f"{doc} does not document {', '.join(missing)}"


def test_no_doc_sends_readers_outside_the_repo() -> None:
    pages = [ROOT / "README.md", ROOT / "CONTRIBUTING.md", *sorted((ROOT / "docs").glob("*.md"))]
    outside = [p.name for p in pages if "../shared/" in p.read_text(encoding="utf-8")]
    assert not outside, f"{outside} point to ../shared/, which a clone does not have"
