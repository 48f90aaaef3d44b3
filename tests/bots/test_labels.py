"""One set of button words for every platform."""

from __future__ import annotations

from muse.bots.labels import BUTTON_LABELS
from muse.core.messages import Action


def test_every_button_has_a_label_in_both_languages() -> None:
    assert set(BUTTON_LABELS) == set(Action)
    for action, labels in BUTTON_LABELS.items():
        assert set(labels) == {"zh", "en"}, action
        assert all(label.strip() for label in labels.values()), action
    # Slack's button text and Telegram's are plain text of at most 75 / 64 characters.
    assert max(len(label) for labels in BUTTON_LABELS.values() for label in labels.values()) < 64
