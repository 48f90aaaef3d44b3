"""Button callback data: round trip, the 64-byte limit, and data that is not Muse's."""

from __future__ import annotations

import pytest

from muse.bots.telegram.callbackdata import MAX_BYTES, Press, decode, encode
from muse.core.messages import Action


@pytest.mark.parametrize("action", list(Action))
def test_every_action_round_trips_within_64_bytes(action: Action) -> None:
    largest = 2**63 - 1  # a BIGINT primary key
    data = encode(action, largest)
    assert len(data.encode()) <= MAX_BYTES == 64
    assert decode(data) == Press(action, largest)


@pytest.mark.parametrize(
    "data",
    [
        None,
        "",
        "m1:like",
        "m1:like:",
        "m1:like:x1",
        "m1:fly:12",
        "m2:like:12",
        "m1:like:12:3:4",
        "m1:like:12:x",
        "m1:like:²",
    ],
)
def test_anything_else_decodes_to_none(data: str | None) -> None:
    assert decode(data) is None


def test_a_like_under_one_variant_carries_its_number() -> None:
    assert decode(encode(Action.LIKE, 12, 3)) == Press(Action.LIKE, 12, 3)
    assert decode("m1:like:12") == Press(Action.LIKE, 12, None)


def test_an_id_too_long_for_telegram_is_refused() -> None:
    with pytest.raises(ValueError, match="64 bytes"):
        encode(Action.REGENERATE, 10**60)
