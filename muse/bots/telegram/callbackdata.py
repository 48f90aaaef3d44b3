"""Callback data of the buttons under a reply: which button, and which stored reply it sits under.

Bot API, InlineKeyboardButton.callback_data: "Data to be sent in a callback query to the bot when
the button is pressed, 1-64 bytes". The format is "m1:<action>:<Done.message_id>", with
":<variant>" (1-based) on a 👍 under one variant; the version prefix lets a later format tell old
buttons (which stay in chats forever) from new ones.
"""

from __future__ import annotations

from dataclasses import dataclass

from telegram.constants import InlineKeyboardButtonLimit

from muse.core.messages import Action

_PREFIX = "m1"
MAX_BYTES = InlineKeyboardButtonLimit.MAX_CALLBACK_DATA  # 64


@dataclass(frozen=True, slots=True)
class Press:
    """A decoded button press."""

    action: Action
    target_message_id: int  # Done.message_id of the reply the button sits under
    variant: int | None = None  # the shown variant a 👍 keeps (1-based); None: the whole reply


def encode(action: Action, target_message_id: int, variant: int | None = None) -> str:
    """Callback data for `action` under the reply `target_message_id` (and one variant)."""
    data = f"{_PREFIX}:{action.value}:{target_message_id}"
    if variant is not None:
        data += f":{variant}"
    if len(data.encode()) > MAX_BYTES:
        raise ValueError(f"callback data longer than {MAX_BYTES} bytes")
    return data


def decode(data: str | None) -> Press | None:
    """The press `data` stands for, or None when it is not a Muse button of this format."""
    parts = (data or "").split(":")
    numbers = parts[2:]
    if (
        len(parts) not in (3, 4)
        or parts[0] != _PREFIX
        or not all(n.isascii() and n.isdigit() for n in numbers)
    ):
        return None
    try:
        action = Action(parts[1])
    except ValueError:
        return None
    return Press(action, int(parts[2]), int(parts[3]) if len(parts) == 4 else None)
