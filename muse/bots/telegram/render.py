"""Reply events as Telegram messages: HTML pieces within the length limit, and the keyboard.

Bot API, "Formatting options / HTML style": every <, > and & that is not part of a tag or an
entity must be written as an entity. Muse's only markup is <i> around its own remarks, so all
other text, and every model text, goes through `escape`. sendMessage takes "1-4096 characters
after entities parsing", counted in UTF-16 code units, so splitting measures the visible text.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import CallbackQueryLimit, MessageLimit

from muse.bots.labels import BUTTON_LABELS
from muse.bots.textsplit import split_text, utf16_length
from muse.core.messages import Action, Done, Lang

from . import callbackdata
from .texts import text

LIMIT = MessageLimit.MAX_TEXT_LENGTH  # 4096
_NOTE_GAP = "\n\n"
_OWN_TAGS = re.compile(r"</?i>")
_PER_ROW = 3  # buttons in one keyboard row
_LIKES_PER_ROW = 4  # per-variant 👍 buttons in one row (a brainstorm has eight)


def escape(raw: str) -> str:
    """`raw` safe for HTML parse mode (Telegram needs only &, < and > escaped)."""
    return html.escape(raw, quote=False)


def plain_text(marked: str) -> str:
    """The words of a message built here, without markup: what to resend when Telegram rejects
    the HTML. Every "<" of other text was escaped, so the only tags are Muse's own <i>."""
    return html.unescape(_OWN_TAGS.sub("", marked))


def with_note(body: str, note: str) -> str:
    """`body`, then `note` in small print (italics) after a blank line."""
    if not body:
        return f"<i>{escape(note)}</i>"
    return f"{escape(body)}{_NOTE_GAP}<i>{escape(note)}</i>"


def done_pieces(done: Done) -> list[str]:
    """The final reply as messages of ≤ 4,096 UTF-16 units, cut at paragraphs or sentences,
    with the notices in small print at the end."""
    parts = _attach_blanks(split_text(done.text, LIMIT, utf16_length))
    pieces = [escape(p) for p in parts]
    note = "\n".join(done.notices)
    if not note:
        return pieces
    if parts and utf16_length(parts[-1] + _NOTE_GAP + note) <= LIMIT:
        pieces[-1] = with_note(parts[-1], note)
    else:
        pieces.extend(with_note("", p) for p in split_text(note, LIMIT, utf16_length))
    return pieces


def _attach_blanks(parts: list[str]) -> list[str]:
    """Telegram refuses a message of only whitespace: such a piece (a paragraph break left
    between two cuts) joins the piece before it, or is dropped when that one is full — Telegram
    trims whitespace at the ends of a message anyway."""
    kept: list[str] = []
    for part in parts:
        if part.strip():
            kept.append(part)
        elif kept and utf16_length(kept[-1] + part) <= LIMIT:
            kept[-1] += part
    return kept


def _head(raw: str, note: str) -> str:
    """As much of the start of `raw` as fits in one message together with `note`."""
    budget = LIMIT - utf16_length(_NOTE_GAP + note)
    return split_text(raw, budget, utf16_length)[0] if raw else ""


def preview(so_far: str, lang: Lang) -> str:
    """A reply still being written: its beginning (one message's worth) and "✍️ Writing…"."""
    note = text("writing", lang)
    return with_note(_head(so_far, note), note)


def interrupted(so_far: str, lang: Lang) -> str:
    """What was written of a reply that stopped half-way, marked as interrupted."""
    note = text("interrupted", lang)
    return with_note(_head(so_far, note), note)


def keyboard(
    target_message_id: int, actions: Sequence[Action], lang: Lang, variants: int = 0
) -> InlineKeyboardMarkup:
    """The skill's buttons (Regenerate, Shorter, …, 👍, 👎) under reply `target_message_id`,
    three to a row so that labels stay readable on a phone. With `variants` (≥ 2) and a 👍,
    the 👍 is one per variant ("👍 1", "👍 2", …, four to a row) above the others, so that a
    person keeps the one they like."""
    per_variant = variants > 1 and Action.LIKE in actions
    likes = [
        InlineKeyboardButton(
            f"{BUTTON_LABELS[Action.LIKE][lang]} {n}",
            callback_data=callbackdata.encode(Action.LIKE, target_message_id, n),
        )
        for n in range(1, variants + 1 if per_variant else 1)
    ]
    buttons = [
        InlineKeyboardButton(
            BUTTON_LABELS[action][lang],
            callback_data=callbackdata.encode(action, target_message_id),
        )
        for action in actions
        if not (per_variant and action is Action.LIKE)
    ]
    return InlineKeyboardMarkup(
        [likes[i : i + _LIKES_PER_ROW] for i in range(0, len(likes), _LIKES_PER_ROW)]
        + [buttons[i : i + _PER_ROW] for i in range(0, len(buttons), _PER_ROW)]
    )


def reply_markup(done: Done) -> InlineKeyboardMarkup | None:
    """The keyboard under a final reply: only replies with variants that were stored have one
    (a press must find the reply again); help, usage lines and analyses have none."""
    if not done.variants or done.message_id is None or not done.actions:
        return None
    return keyboard(done.message_id, done.actions, done.language, len(done.variants))


def toast(raw: str) -> str:
    """`raw` shortened to what answerCallbackQuery shows (0-200 characters)."""
    limit = CallbackQueryLimit.ANSWER_CALLBACK_QUERY_TEXT_LENGTH
    return raw if len(raw) <= limit else raw[: limit - 1] + "…"
