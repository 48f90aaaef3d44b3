"""A local fake of the Telegram Bot API that speaks its wire protocol (aiohttp on 127.0.0.1).

Requests go to `{base}{token}/{method}` as Telegram's do, parameters form-encoded (PTB encodes
non-string values such as reply_markup as JSON) or as a JSON body; answers are
{"ok": true, "result": …} or {"ok": false, "error_code", "description", "parameters"}.
It implements what Muse uses — getMe, deleteWebhook, setWebhook, getUpdates (long polling with
offsets), sendMessage, editMessageText, answerCallbackQuery, sendChatAction, setMyCommands — and
checks what Telegram checks: HTML markup, 4,096 UTF-16 units after parsing, unchanged edits,
callback data ≤ 64 bytes. Tests script a 429 with retry_after or a rejected markup.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from muse.bots.textsplit import utf16_length
from tests.bots.telegram.html_check import MarkupError, parse_html

TOKEN = "123456789:AAE-secretTOKEN_never_logged-0123456"  # the bot id is the part before ":"
HANG_GUARD_S = 15.0  # a test waiting longer than this is stuck, not slow
JSON_FIELDS = {
    "reply_markup",
    "reply_parameters",
    "link_preview_options",
    "entities",
    "commands",
    "scope",
    "allowed_updates",
}


class ApiError(Exception):
    """An error answer: HTTP status = error_code."""

    def __init__(self, code: int, description: str, **parameters: Any) -> None:
        super().__init__(description)
        self.code, self.description, self.parameters = code, description, parameters


@dataclass
class Call:
    """One request as the server received it."""

    method: str
    params: dict[str, Any]
    content_type: str
    status: int = 200


class FakeBotApi:
    """The fake server; `url` is the base to give PTB (ends in "/bot")."""

    def __init__(self, token: str, username: str = "MuseTestBot") -> None:
        self.token = token
        self.bot = {
            "id": int(token.split(":")[0]),
            "is_bot": True,
            "first_name": "Muse",
            "username": username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,  # privacy mode on, BotFather's default
            "supports_inline_queries": False,
        }
        self.calls: list[Call] = []
        self.messages: dict[tuple[int, int], dict[str, Any]] = {}  # (chat, id) → bot's Message
        self.people: dict[tuple[int, int], dict[str, Any]] = {}  # messages people sent
        self.updates: list[dict[str, Any]] = []
        self.left: list[int] = []  # chats the bot left (leaveChat)
        self.admins: dict[int, set[int]] = {}  # getChatMember: chat → its administrators' ids
        self.delivered: list[int] = []  # update ids in getUpdates answers, repeats included
        self._next_update = 1
        self._next_message: dict[int, int] = {}
        self._fail: dict[str, int] = {}  # method → retry_after of the next scripted 429
        self._reject_markup = 0
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        # No access log: it would print request paths, token included, into the test's log capture.
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.1)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    # Scripting ------------------------------------------------------------------------------

    async def push(self, update: dict[str, Any]) -> dict[str, Any]:
        """Queue an update for getUpdates (an update_id is assigned unless it has one)."""
        update.setdefault("update_id", self._next_update)
        self._next_update = max(self._next_update, update["update_id"]) + 1
        self.updates.append(update)
        if "message" in update:
            sent = update["message"]
            self.people[(sent["chat"]["id"], sent["message_id"])] = sent
        await self._notify()
        return update

    def new_message_id(self, chat_id: int) -> int:
        """Message ids are sequential per chat, shared by people and the bot."""
        self._next_message[chat_id] = self._next_message.get(chat_id, 100) + 1
        return self._next_message[chat_id]

    def fail_next(self, method: str, retry_after: int) -> None:
        """Answer the next `method` call with 429 Too Many Requests."""
        self._fail[method] = retry_after

    def reject_markup_next(self) -> None:
        """Refuse the next HTML message with "can't parse entities" whatever it contains."""
        self._reject_markup += 1

    # Inspection -----------------------------------------------------------------------------

    def calls_to(self, method: str, ok_only: bool = True) -> list[Call]:
        return [c for c in self.calls if c.method == method and (c.status == 200 or not ok_only)]

    def bot_messages(self, chat_id: int) -> list[dict[str, Any]]:
        """The bot's messages in a chat, oldest first."""
        found = [m for (c, _), m in self.messages.items() if c == chat_id]
        return sorted(found, key=lambda m: m["message_id"])

    async def wait_for(self, condition: Callable[[], object]) -> None:
        """Wait until `condition()` is true (checked after every request and update)."""
        async with asyncio.timeout(HANG_GUARD_S), self._changed:
            await self._changed.wait_for(condition)

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    # Wire -----------------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return _error(ApiError(401, "Unauthorized"))
        method = request.match_info["method"]
        params = await _params(request)
        call = Call(method, params, request.content_type)
        self.calls.append(call)
        try:
            if method in self._fail:
                retry = self._fail.pop(method)
                raise ApiError(429, f"Too Many Requests: retry after {retry}", retry_after=retry)
            handler = getattr(self, "_" + re.sub(r"[A-Z]", lambda m: "_" + m[0].lower(), method))
            result = await handler(params)
        except ApiError as exc:
            call.status = exc.code
            response = _error(exc)
        else:
            response = web.json_response({"ok": True, "result": result})
        await self._notify()
        return response

    async def _get_me(self, params: dict[str, Any]) -> dict[str, Any]:
        return self.bot

    async def _delete_webhook(self, params: dict[str, Any]) -> bool:
        return True

    async def _set_webhook(self, params: dict[str, Any]) -> bool:
        return True

    async def _set_my_commands(self, params: dict[str, Any]) -> bool:
        for command in params["commands"]:
            if not re.fullmatch(r"[a-z0-9_]{1,32}", command["command"]):
                raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            if not 1 <= len(command["description"]) <= 256:
                raise ApiError(400, "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")
        return True

    async def _get_chat_member(self, params: dict[str, Any]) -> dict[str, Any]:
        """https://core.telegram.org/bots/api#getchatmember: the first admin is the creator."""
        chat, user = int(params["chat_id"]), int(params["user_id"])
        admins = sorted(self.admins.get(chat, set()))
        person = {"id": user, "is_bot": False, "first_name": f"user{user}"}
        if admins and user == admins[0]:
            return {"status": "creator", "user": person, "is_anonymous": False}
        if user in admins:
            rights = {
                "can_be_edited": False,
                "is_anonymous": False,
                "can_manage_chat": True,
                "can_delete_messages": True,
                "can_manage_video_chats": True,
                "can_restrict_members": True,
                "can_promote_members": False,
                "can_change_info": True,
                "can_invite_users": True,
                "can_post_stories": False,
                "can_edit_stories": False,
                "can_delete_stories": False,
            }
            return {"status": "administrator", "user": person, **rights}
        return {"status": "member", "user": person}

    async def _leave_chat(self, params: dict[str, Any]) -> bool:
        """https://core.telegram.org/bots/api#leavechat"""
        self.left.append(int(params["chat_id"]))
        return True

    async def _send_chat_action(self, params: dict[str, Any]) -> bool:
        return True

    async def _answer_callback_query(self, params: dict[str, Any]) -> bool:
        if len(params.get("text", "")) > 200:
            raise ApiError(400, "Bad Request: MESSAGE_TOO_LONG")
        return True

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset", 0))
        self.updates = [u for u in self.updates if u["update_id"] >= offset]  # confirmed
        deadline = time.monotonic() + min(float(params.get("timeout", 0)), 2.0)
        async with self._changed:
            # Long polling: answer as soon as there is something at or after the offset.
            while not any(u["update_id"] >= offset for u in self.updates):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(remaining):
                        await self._changed.wait()
        batch = [u for u in self.updates if u["update_id"] >= offset][:100]
        self.delivered.extend(u["update_id"] for u in batch)
        return batch

    async def _send_message(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = int(params["chat_id"])
        message = {
            "message_id": self.new_message_id(chat_id),
            "date": int(time.time()),
            "chat": chat(chat_id),
            "from": self.bot,
        }
        self._render(message, params)
        reply = params.get("reply_parameters")
        if reply is not None:
            key = (chat_id, int(reply["message_id"]))
            original = self.messages.get(key) or self.people.get(key)
            if original is not None:  # replies to deleted messages are sent without the quote
                message["reply_to_message"] = _without_reply(original)
        self.messages[(chat_id, message["message_id"])] = message
        return message

    async def _edit_message_text(self, params: dict[str, Any]) -> dict[str, Any]:
        key = (int(params["chat_id"]), int(params["message_id"]))
        if key not in self.messages:
            raise ApiError(400, "Bad Request: message to edit not found")
        edited = dict(self.messages[key], edit_date=int(time.time()))
        self._render(edited, params)
        old = self.messages[key]
        if (edited["text"], edited.get("reply_markup")) == (old["text"], old.get("reply_markup")):
            raise ApiError(
                400,
                "Bad Request: message is not modified: specified new message content and reply "
                "markup are exactly the same as a current content and reply markup of the message",
            )
        edited["edits"] = old.get("edits", 0) + 1
        self.messages[key] = edited
        return {k: v for k, v in edited.items() if k != "edits"}

    def _render(self, message: dict[str, Any], params: dict[str, Any]) -> None:
        """Parse the text as Telegram does and set text/markup on `message`, or refuse."""
        raw = params.get("text", "")
        html_mode = str(params.get("parse_mode", "")).upper() == "HTML"
        if html_mode and self._reject_markup:
            self._reject_markup -= 1
            raise ApiError(400, "Bad Request: can't parse entities: scripted rejection")
        try:
            text = parse_html(raw) if html_mode else raw
        except MarkupError as exc:
            raise ApiError(400, f"Bad Request: can't parse entities: {exc}") from exc
        if not text.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if utf16_length(text) > 4096:
            raise ApiError(400, "Bad Request: message is too long")
        markup = params.get("reply_markup")
        for row in (markup or {}).get("inline_keyboard", []):
            for button in row:
                if len(button.get("callback_data", "").encode()) > 64:
                    raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
        message["text"] = text
        if markup:
            message["reply_markup"] = markup
        else:
            message.pop("reply_markup", None)


def chat(chat_id: int) -> dict[str, Any]:
    """A private chat for positive ids, a supergroup for negative ones."""
    if chat_id > 0:
        return {"id": chat_id, "type": "private", "first_name": "Tester"}
    return {"id": chat_id, "type": "supergroup", "title": "市场部 Marketing"}


async def _params(request: web.Request) -> dict[str, Any]:
    """Parameters from a query string, a form or a JSON body, JSON fields decoded."""
    params: dict[str, Any] = dict(request.query)
    if request.content_type == "application/json":
        params.update(await request.json())
        return params
    if request.can_read_body:
        form = await request.post()
        params.update({k: v for k, v in form.items() if isinstance(v, str)})
    for field in JSON_FIELDS & params.keys():
        if isinstance(params[field], str):
            params[field] = json.loads(params[field])
    return params


def _without_reply(message: dict[str, Any]) -> dict[str, Any]:
    """A replied-to message as Telegram nests it: without its own reply_to_message."""
    return {k: v for k, v in message.items() if k not in ("reply_to_message", "edits")}


def _error(exc: ApiError) -> web.Response:
    body: dict[str, Any] = {"ok": False, "error_code": exc.code, "description": exc.description}
    if exc.parameters:
        body["parameters"] = exc.parameters
    return web.json_response(body, status=exc.code)
