"""Reply events as Slack messages: escaped mrkdwn, sections, buttons, pages. Pure functions.

Slack reads `&`, `<` and `>` as markup (`<!channel>`, `<@U123>`, `<url|label>`), so every piece of
model or user text is escaped before it is shown; the only mentions that survive are user
mentions the person wrote in the message being answered, and the asker mention Muse adds itself.
A section holds at most 3,000 characters and a message 50 blocks
(https://docs.slack.dev/reference/block-kit/blocks/section-block): longer text is split at
natural boundaries into more sections, then more messages — never cut.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from muse.bots.labels import BUTTON_LABELS
from muse.bots.textsplit import split_text
from muse.core.messages import Action, Done, Error, Lang

SECTION_CHARS = 3000  # Slack's limit on a section's text
MAX_BLOCKS = 50  # Slack's limit on blocks in one message
# Room kept in each section for the variant label ("*12.* ") put in front of escaped text.
_LABEL_ROOM = 16
# Longest echo of a request in the "who asked" line; longer ones end in a visible "…".
REQUEST_ECHO_CHARS = 200
FALLBACK_CHARS = 300  # notification text of a message with blocks (the blocks hold it all)

WORKING = "正在构思… / Working on it…"
THINKING: dict[Lang, str] = {"zh": "正在构思…", "en": "is thinking…"}
ACTION_PREFIX = "muse_"  # action_id of a button: "muse_" + Action value
ACTIONS_BLOCK_ID = "muse_actions"

_USER_ID = re.compile(r"[UW][A-Z0-9]{2,}")
_ESCAPED_MENTION = re.compile(r"&lt;@([UW][A-Z0-9]{2,})&gt;")
# Words Slack could turn into a mass notification when names are linked; a word joiner after
# "@" keeps them plain text on every client and API setting.
_MASS_WORDS = re.compile(r"@(?=(?:channel|here|everyone)\b)", re.IGNORECASE)
_WORD_JOINER = "\u2060"

Block = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Message:
    """One Slack message: notification text and blocks."""

    text: str
    blocks: tuple[Block, ...]


def escape(text: str, allowed_users: frozenset[str] = frozenset()) -> str:
    """`text` as inert mrkdwn: &, <, > escaped, @channel/@here/@everyone defused.

    A `<@U…>` mention stays live only when its user id is in `allowed_users`.
    """
    out = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    out = _MASS_WORDS.sub("@" + _WORD_JOINER, out)
    if allowed_users:
        out = _ESCAPED_MENTION.sub(lambda m: f"<@{m[1]}>" if m[1] in allowed_users else m[0], out)
    return out


def escaped_length(text: str) -> int:
    """An upper bound of `len(escape(text))` that adds up over concatenation."""
    return len(text) + 4 * text.count("&") + 3 * (text.count("<") + text.count(">"))


def _section_measure(text: str) -> int:
    return escaped_length(text) + text.count("@")  # each "@" may gain a word joiner


def mention(user_id: str) -> str:
    """A user mention built by Muse itself (the asker); anything but a user id is refused."""
    if not _USER_ID.fullmatch(user_id):
        raise ValueError(f"not a Slack user id: {user_id!r}")
    return f"<@{user_id}>"


def section(mrkdwn: str) -> Block:
    """A section block with already-escaped mrkdwn."""
    return {"type": "section", "text": {"type": "mrkdwn", "text": mrkdwn}}


def context(mrkdwn: str) -> Block:
    """A context block (small grey text) with already-escaped mrkdwn."""
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": mrkdwn}]}


def text_sections(
    text: str, allowed_users: frozenset[str] = frozenset(), label: str = ""
) -> list[Block]:
    """`text` as sections of at most 3,000 characters; `label` (mrkdwn) leads the first."""
    budget = SECTION_CHARS - _LABEL_ROOM
    pieces: list[str] = []
    for piece in split_text(text, budget, _section_measure):
        if piece.strip() or not pieces:
            pieces.append(piece)
        elif _section_measure(pieces[-1] + piece) <= budget:
            pieces[-1] += piece  # a section may not be blank: whitespace joins the one before
    if not pieces[0].strip():
        pieces[0] = " "  # Slack refuses an empty section; an empty reply still has one
    blocks = [section(escape(p, allowed_users)) for p in pieces]
    if label:
        blocks[0]["text"]["text"] = label + blocks[0]["text"]["text"]
    return blocks


def reply_sections(done: Done, allowed_users: frozenset[str] = frozenset()) -> list[Block]:
    """The reply's content: one labelled group of sections per variant, or its whole text.

    A stored reply with variants and a 👍 gets a 👍 beside each variant (a section's
    accessory), so that a person keeps the one they like rather than all of them.
    """
    if len(done.variants) < 2:
        return text_sections(done.text, allowed_users)
    blocks: list[Block] = []
    likes = _likes_per_variant(done)
    for index, variant in enumerate(done.variants):
        group = text_sections(variant.shown, allowed_users, label=f"*{index + 1}.* ")
        if likes:
            group[0]["accessory"] = _button(
                Action.LIKE, f"{done.message_id}:{done.language}:{index + 1}", done.language
            )
        blocks.extend(group)
    return blocks


def _likes_per_variant(done: Done) -> bool:
    return len(done.variants) > 1 and done.message_id is not None and Action.LIKE in done.actions


def _button(action: Action, value: str, lang: Lang) -> Block:
    return {
        "type": "button",
        "action_id": ACTION_PREFIX + action.value,
        "text": {"type": "plain_text", "text": BUTTON_LABELS[action][lang], "emoji": True},
        "value": value,
    }


def action_buttons(message_id: int, actions: Sequence[Action], lang: Lang) -> Block:
    """The skill's buttons (Regenerate, Shorter, …, 👍, 👎) for stored reply `message_id`.

    The value carries the reply's language so that the answer to a vote speaks it too.
    """
    elements = [_button(action, f"{message_id}:{lang}", lang) for action in actions]
    return {"type": "actions", "block_id": ACTIONS_BLOCK_ID, "elements": elements}


def paginate(
    body: Sequence[Block], head: Sequence[Block] = (), tail: Sequence[Block] = ()
) -> list[list[Block]]:
    """Blocks in messages of at most 50: `head` opens the first message, `tail` ends the last."""
    blocks = [*head, *body]
    pages = [blocks[i : i + MAX_BLOCKS] for i in range(0, len(blocks), MAX_BLOCKS)] or [[]]
    if len(pages[-1]) + len(tail) > MAX_BLOCKS:
        pages.append([])
    pages[-1].extend(tail)
    return pages


def fallback_text(blocks: Iterable[Block]) -> str:
    """Notification text for a message: the start of its section text (clients show blocks)."""
    texts = [b["text"]["text"] for b in blocks if b["type"] == "section"]
    joined = "\n".join(texts)
    if len(joined) <= FALLBACK_CHARS:
        return joined or " "
    cut = joined[:FALLBACK_CHARS]
    # Never end inside an entity ("&am") or a mention ("<@U1").
    if cut.rfind("&") > cut.rfind(";"):
        cut = cut[: cut.rfind("&")]
    if cut.rfind("<") > cut.rfind(">"):
        cut = cut[: cut.rfind("<")]
    return cut + "…"


def messages(pages: Iterable[list[Block]]) -> list[Message]:
    """Pages of blocks as messages with notification text."""
    return [Message(fallback_text(page), tuple(page)) for page in pages]


def done_messages(
    done: Done,
    head: Sequence[Block] = (),
    allowed_users: frozenset[str] = frozenset(),
) -> list[Message]:
    """A finished reply: content, notices, then buttons when the reply is stored."""
    tail: list[Block] = [context(escape(n)) for n in done.notices]
    if done.message_id is not None and done.actions:
        # With a 👍 beside each variant, the row keeps the buttons that act on the whole reply.
        shared = [a for a in done.actions if not (a is Action.LIKE and _likes_per_variant(done))]
        tail.append(action_buttons(done.message_id, shared, done.language))
    return messages(paginate(reply_sections(done, allowed_users), head, tail))


def text_messages(text: str, head: Sequence[Block] = ()) -> list[Message]:
    """Plain text (help, an error, a draft being streamed) as messages."""
    return messages(paginate(text_sections(text), head))


def error_messages(error: Error, head: Sequence[Block] = ()) -> list[Message]:
    """The core's human error sentence."""
    return text_messages(error.message, head)


def draft_message(text: str, head: Sequence[Block] = ()) -> Message:
    """A reply still being written: the first message's worth, marked as unfinished if longer."""
    pages = paginate(text_sections(text), head)
    if len(pages) == 1:
        return messages(pages)[0]
    return messages([[*pages[0][: MAX_BLOCKS - 1], context("…")]])[0]


def asked_by(user_id: str, request: str, lang: Lang) -> Block:
    """The "who asked" line above a reply posted for everyone: the asker and the request."""
    echo = request if len(request) <= REQUEST_ECHO_CHARS else request[:REQUEST_ECHO_CHARS] + "…"
    verb = "请求：" if lang == "zh" else "asked: "
    return context(f"{mention(user_id)} {verb}{escape(echo)}")


def pressed_by(user_id: str, action: Action, lang: Lang) -> Block:
    """The line above a reply to a button: who pressed which one."""
    label = BUTTON_LABELS[action][lang]
    said = f"点了「{label}」" if lang == "zh" else f"pressed “{label}”"
    return context(f"{mention(user_id)} {said}")
