"""Reply chains in groups: which conversation a reply to Muse (or within its chain) belongs to.

Ordinary Telegram groups have no threads, only replies, and a replied-to message arrives without
its own reply_to_message (Bot API, Message.reply_to_message: "will not contain further
reply_to_message fields even if it itself is a reply"). So the adapter records the root of every
chain message it has read or sent; the root's message id is the conversation's thread_id.

The records live in the core's database (`ThreadLinks`), so a chain survives a restart (or
moves to another replica), behind a bounded in-process cache (least recently used first out).
A link outlives its use once the conversation idles out, and is then dropped.
"""

from __future__ import annotations

from collections import OrderedDict

from telegram import Message

from muse.core.history.store import ThreadLinks

from .incoming import BotIdentity, replies_to_bot

PLATFORM = "telegram"
DEFAULT_CAPACITY = 50_000  # cached message ids, a few MB


class ReplyChains:
    """Message → chain root, per chat."""

    def __init__(self, links: ThreadLinks, capacity: int = DEFAULT_CAPACITY) -> None:
        self._links = links
        self._capacity = capacity
        self._roots: OrderedDict[tuple[int, int], int] = OrderedDict()

    async def root_for(self, message: Message, bot: BotIdentity) -> int:
        """The root of the chain `message` joins: that of the message it replies to when known,
        Muse's message it replies to otherwise, else `message` itself starts a chain."""
        original = message.reply_to_message
        if original is not None:
            known = await self._known(message.chat.id, original.message_id)
            if known is not None:
                return known
            if replies_to_bot(message, bot):
                return original.message_id
        return message.message_id

    async def root_of(self, chat_id: int, message_id: int) -> int:
        """The root of the chain `message_id` is in; a message not seen yet roots its own."""
        known = await self._known(chat_id, message_id)
        return message_id if known is None else known

    async def remember(self, chat_id: int, message_id: int, root: int) -> None:
        """Record that `message_id` in `chat_id` belongs to the chain rooted at `root`."""
        self._cache(chat_id, message_id, root)
        await self._links.link(PLATFORM, str(chat_id), str(message_id), str(root))

    async def _known(self, chat_id: int, message_id: int) -> int | None:
        root = self._roots.get((chat_id, message_id))
        if root is not None:
            self._roots.move_to_end((chat_id, message_id))
            return root
        stored = await self._links.root(PLATFORM, str(chat_id), str(message_id))
        if stored is None:
            return None
        self._cache(chat_id, message_id, int(stored))
        return int(stored)

    def _cache(self, chat_id: int, message_id: int, root: int) -> None:
        self._roots[(chat_id, message_id)] = root
        self._roots.move_to_end((chat_id, message_id))
        while len(self._roots) > self._capacity:
            self._roots.popitem(last=False)
