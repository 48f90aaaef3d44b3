"""The contract types' own behaviour."""

from __future__ import annotations

from muse.core.messages import Action


def test_only_thumbs_are_votes() -> None:
    assert Action.LIKE.vote == 1
    assert Action.DISLIKE.vote == -1
    rewrites = [a for a in Action if a not in (Action.LIKE, Action.DISLIKE)]
    assert rewrites and all(a.vote == 0 for a in rewrites)
