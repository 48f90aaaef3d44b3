"""Reply chains in groups: which conversation a reply to Muse (or within its chain) belongs to.

Ordinary Telegram groups have no threads, only replies, and a replied-to message arrives without
its own reply_to_message (Bot API, Message.reply_to_message: "will not contain further
reply_to_message fields even if it itself is a reply"). So the adapter remembers the root of every
chain message it has read or sent; the root's message id is the conversation's thread_id.

The memory is per process and bounded (least recently used first out): after a restart, a reply
to one of Muse's older messages starts a new chain rooted at that message.
"""

from __future__ import annotations

from collections import OrderedDict

from telegram import Message

from .incoming import BotIdentity, replies_to_bot

DEFAULT_CAPACITY = 50_000  # message ids, a few MB


class ReplyChains:
    """Message → chain root, per chat."""

    def __init__(self, capacity: int = DEFAULT_CAPACITY) -> None:
        self._capacity = capacity
        self._roots: OrderedDict[tuple[int, int], int] = OrderedDict()

    def root_for(self, message: Message, bot: BotIdentity) -> int:
        """The root of the chain `message` joins: that of the message it replies to when known,
        Muse's message it replies to otherwise, else `message` itself starts a chain."""
        original = message.reply_to_message
        if original is not None:
            known = self._known(message.chat.id, original.message_id)
            if known is not None:
                return known
            if replies_to_bot(message, bot):
                return original.message_id
        return message.message_id

    def root_of(self, chat_id: int, message_id: int) -> int:
        """The root of the chain `message_id` is in; a message not seen yet roots its own."""
        known = self._known(chat_id, message_id)
        return message_id if known is None else known

    def remember(self, chat_id: int, message_id: int, root: int) -> None:
        """Record that `message_id` in `chat_id` belongs to the chain rooted at `root`."""
        self._roots[(chat_id, message_id)] = root
        self._roots.move_to_end((chat_id, message_id))
        while len(self._roots) > self._capacity:
            self._roots.popitem(last=False)

    def _known(self, chat_id: int, message_id: int) -> int | None:
        root = self._roots.get((chat_id, message_id))
        if root is not None:
            self._roots.move_to_end((chat_id, message_id))
        return root
