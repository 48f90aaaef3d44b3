"""A local fake Slack (aiohttp) that speaks Slack's real protocols, for driving the real AsyncApp.

Slack's side of every conversation: it signs and sends requests to the bot's /slack/events
(events as JSON, slash commands and button presses as forms), serves the Web API methods Muse
calls and each `response_url`, and — for Socket Mode — `apps.connections.open` and the
WebSocket that carries envelopes. Every call the bot makes is recorded in `calls`, and the
messages it posted are kept (and edited) like Slack keeps them. Block limits are enforced as
Slack does (`invalid_blocks`), so a reply that would be refused fails the tests too.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import aiohttp
from aiohttp import web
from slack_sdk.signature import SignatureVerifier

SIGNING_SECRET = "test-signing-secret"
TEAM = "T0TEAM"
BOT_USER = "UMUSEBOT"
BOT_ID = "BMUSE"


@dataclass
class Call:
    """One request the bot made to Slack: a Web API method or "response_url"."""

    method: str
    args: dict[str, Any]
    status: int = 200


@dataclass
class Posted:
    """A message as Slack keeps it (the latest edit)."""

    channel: str
    ts: str
    text: str
    blocks: list[dict[str, Any]]
    thread_ts: str | None = None
    edits: int = 0

    def section_texts(self) -> list[str]:
        """The mrkdwn of every section, in order."""
        return [b["text"]["text"] for b in self.blocks if b["type"] == "section"]

    def body(self) -> str:
        """All section text joined (as a person reads the message)."""
        return "".join(self.section_texts())

    def context_texts(self) -> list[str]:
        """The mrkdwn of every context block, in order."""
        return [e["text"] for b in self.blocks if b["type"] == "context" for e in b["elements"]]

    def action_ids(self) -> list[str]:
        """The action_id of every button: variants' accessories, then the actions row."""
        return [e["action_id"] for e in self.buttons()]

    def buttons(self) -> list[dict[str, Any]]:
        """Every button, in block order."""
        return [
            e
            for b in self.blocks
            for e in (b["elements"] if b["type"] == "actions" else [b.get("accessory")])
            if e and e.get("type") == "button"
        ]

    def button_value(self) -> str:
        """The value shared by the reply's buttons."""
        return next(
            e["value"] for b in self.blocks if b["type"] == "actions" for e in b["elements"]
        )


@dataclass
class Response:
    """What the bot's endpoint answered."""

    status: int
    headers: dict[str, str]
    text: str

    def json(self) -> Any:
        return json.loads(self.text)


Scripted = tuple[int, dict[str, Any], dict[str, str]]  # status, body, headers


@dataclass
class FakeSlack:
    """Slack's side of the wire; see the module docstring."""

    url: str = ""  # base of this server, e.g. http://127.0.0.1:1234
    bot_url: str = ""  # the bot's /slack/events, set once the adapter listens
    signing_secret: str = SIGNING_SECRET
    calls: list[Call] = field(default_factory=list)
    posted: dict[str, Posted] = field(default_factory=dict)  # by ts
    responses: list[dict[str, Any]] = field(default_factory=list)  # response_url bodies, in order
    scripted: dict[str, list[Scripted]] = field(default_factory=dict)  # next answers per method
    no_access: set[str] = field(default_factory=set)  # channels the bot is not a member of
    admins: set[str] = field(default_factory=set)  # users.info: is_admin
    creators: dict[str, str] = field(default_factory=dict)  # conversations.info: channel → creator
    status_error: str | None = None  # assistant.threads.setStatus answers this error
    socket_acks: list[dict[str, Any]] = field(default_factory=list)
    _ts: Iterator[int] = field(default_factory=lambda: itertools.count(1))
    _ids: Iterator[int] = field(default_factory=lambda: itertools.count(1))
    _changed: asyncio.Condition = field(default_factory=asyncio.Condition)
    _socket: web.WebSocketResponse | None = None
    _session: aiohttp.ClientSession | None = None

    @property
    def api_url(self) -> str:
        """MUSE_SLACK_API_URL for the bot."""
        return self.url + "/api/"

    # ---- what the bot calls -------------------------------------------------------------

    async def api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        args = dict(request.query)
        if request.content_type == "application/json":
            args.update(await request.json())
        else:
            args.update(await request.post())
        if queue := self.scripted.get(method):
            status, body, headers = queue.pop(0)
            await self._record(Call(method, args, status))
            return web.json_response(body, status=status, headers=headers)
        body = self._answer(method, args)
        await self._record(Call(method, args))
        return web.json_response(body)

    def _answer(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        if method == "auth.test":
            return {"ok": True, "team_id": TEAM, "user_id": BOT_USER, "bot_id": BOT_ID}
        if method == "apps.connections.open":
            return {"ok": True, "url": self.url.replace("http", "ws", 1) + "/socket"}
        if method == "assistant.threads.setStatus":
            return {"ok": False, "error": self.status_error} if self.status_error else {"ok": True}
        if method in ("chat.postMessage", "chat.update"):
            return self._message(method, args)
        if method == "users.info":  # https://docs.slack.dev/reference/methods/users.info
            user = args["user"]
            flags = {"is_admin": user in self.admins, "is_owner": False, "is_primary_owner": False}
            return {"ok": True, "user": {"id": user, "team_id": TEAM, "is_bot": False, **flags}}
        if (
            method == "conversations.info"
        ):  # https://docs.slack.dev/reference/methods/conversations.info
            channel = args["channel"]
            if channel not in self.creators:
                return {"ok": False, "error": "channel_not_found"}
            info = {"id": channel, "is_channel": True, "creator": self.creators[channel]}
            return {"ok": True, "channel": info}
        return {"ok": False, "error": "unknown_method"}

    def _message(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        channel = args["channel"]
        if channel in self.no_access:
            return {"ok": False, "error": "not_in_channel"}
        blocks = args.get("blocks") or []
        if error := invalid_blocks(blocks):
            return {"ok": False, "error": "invalid_blocks", "errors": [error]}
        if method == "chat.update":
            message = self.posted.get(args["ts"])
            if message is None:
                return {"ok": False, "error": "message_not_found"}
            message.text, message.blocks = args["text"], blocks
            message.edits += 1
            return {"ok": True, "channel": channel, "ts": message.ts}
        ts = f"1700000000.{next(self._ts):06d}"
        thread = args.get("thread_ts") or None
        self.posted[ts] = Posted(channel, ts, args["text"], blocks, thread)
        return {"ok": True, "channel": channel, "ts": ts, "message": {"ts": ts}}

    async def response_url(self, request: web.Request) -> web.Response:
        body = await request.json()
        if queue := self.scripted.get("response_url"):
            status, answer, headers = queue.pop(0)
            await self._record(Call("response_url", body, status))
            return web.Response(status=status, text=json.dumps(answer), headers=headers)
        if error := invalid_blocks(body.get("blocks") or []):
            await self._record(Call("response_url", body, 400))
            return web.Response(status=400, text=error)
        self.responses.append(body)
        await self._record(Call("response_url", body))
        return web.Response(text="ok")

    async def socket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self._socket = ws
        await ws.send_json({"type": "hello", "num_connections": 1})
        async with self._changed:
            self._changed.notify_all()
        async for message in ws:
            if message.type == aiohttp.WSMsgType.TEXT:
                self.socket_acks.append(json.loads(message.data))
                async with self._changed:
                    self._changed.notify_all()
        return ws

    async def _record(self, call: Call) -> None:
        self.calls.append(call)
        async with self._changed:
            self._changed.notify_all()

    # ---- what the tests look at ---------------------------------------------------------

    def called(self, method: str) -> list[Call]:
        """Calls of one method, in order."""
        return [c for c in self.calls if c.method == method]

    def messages(self, channel: str, thread_ts: str | None = None) -> list[Posted]:
        """Messages the bot posted in a channel (or one thread of it), oldest first."""
        return [
            m
            for m in self.posted.values()
            if m.channel == channel and (thread_ts is None or m.thread_ts == thread_ts)
        ]

    async def wait_until(self, condition: Callable[[], bool]) -> None:
        """Wait until `condition()` holds after some call (callers bound the wait)."""
        async with self._changed:
            await self._changed.wait_for(condition)

    # ---- what Slack sends to the bot ----------------------------------------------------

    def response_url_for(self, name: str) -> str:
        return f"{self.url}/response/{name}"

    async def send(
        self,
        body: str,
        content_type: str,
        *,
        retry_num: int | None = None,
        timestamp: int | None = None,
        signature: str | None = None,
    ) -> Response:
        """POST a signed request to the bot, as Slack does."""
        assert self._session is not None and self.bot_url
        ts = str(timestamp if timestamp is not None else int(time.time()))
        verifier = SignatureVerifier(self.signing_secret)
        headers = {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": signature or verifier.generate_signature(timestamp=ts, body=body),
        }
        if retry_num is not None:
            headers["X-Slack-Retry-Num"] = str(retry_num)
            headers["X-Slack-Retry-Reason"] = "http_timeout"
        async with self._session.post(self.bot_url, data=body.encode(), headers=headers) as resp:
            return Response(resp.status, dict(resp.headers), await resp.text())

    def command_form(
        self, command: str, text: str, user: str = "UALICE", channel: str = "CGENERAL"
    ) -> dict[str, str]:
        """A slash command payload as Slack posts it."""
        n = next(self._ids)
        return {
            "token": "legacy",
            "team_id": TEAM,
            "team_domain": "muse-test",
            "channel_id": channel,
            "channel_name": "directmessage" if channel.startswith("D") else "general",
            "user_id": user,
            "user_name": user.lower(),
            "command": command,
            "text": text,
            "api_app_id": "AMUSE",
            "is_enterprise_install": "false",
            "response_url": self.response_url_for(f"command-{n}"),
            "trigger_id": f"{n}.1234.trigger",
        }

    async def command(self, command: str, text: str, **where: str) -> Response:
        """Type a slash command."""
        body = urlencode(self.command_form(command, text, **where))
        return await self.send(body, "application/x-www-form-urlencoded")

    def event_body(self, event: dict[str, Any], event_id: str | None = None) -> dict[str, Any]:
        """An Events API envelope around `event`."""
        return {
            "token": "legacy",
            "team_id": TEAM,
            "api_app_id": "AMUSE",
            "event": event,
            "type": "event_callback",
            "event_id": event_id or f"Ev{next(self._ids):08d}",
            "event_time": int(time.time()),
            "authorizations": [{"team_id": TEAM, "user_id": BOT_USER, "is_bot": True}],
        }

    async def event(
        self, event: dict[str, Any], event_id: str | None = None, retry_num: int | None = None
    ) -> Response:
        """Deliver one event (a DM, a mention, an edit…)."""
        body = json.dumps(self.event_body(event, event_id))
        return await self.send(body, "application/json", retry_num=retry_num)

    def next_ts(self) -> str:
        """A fresh message ts for a message a person writes."""
        return f"1700000001.{next(self._ts):06d}"

    async def dm(self, text: str, user: str = "UALICE", **extra: Any) -> Response:
        """A person writes to Muse in a direct message."""
        event = {
            "type": "message",
            "channel": "DALICE",
            "channel_type": "im",
            "user": user,
            "text": text,
            "ts": self.next_ts(),
            **extra,
        }
        return await self.event(event)

    async def mention(
        self, text: str, user: str = "UALICE", channel: str = "CGENERAL", **extra: Any
    ) -> tuple[Response, str]:
        """A person @mentions Muse in a channel; returns the response and the message ts."""
        ts = self.next_ts()
        event = {"type": "app_mention", "channel": channel, "user": user, "text": text, "ts": ts}
        return await self.event({**event, **extra}), ts

    async def press(
        self, message: Posted, action_id: str, user: str = "UBOB", nth: int = 0
    ) -> Response:
        """Press the `nth` button with `action_id` on a message the bot posted."""
        button = [e for e in message.buttons() if e["action_id"] == action_id][nth]
        n = next(self._ids)
        payload = {
            "type": "block_actions",
            "user": {"id": user, "username": user.lower(), "team_id": TEAM},
            "api_app_id": "AMUSE",
            "token": "legacy",
            "container": {
                "type": "message",
                "message_ts": message.ts,
                "channel_id": message.channel,
            },
            "trigger_id": f"{n}.5678.trigger",
            "team": {"id": TEAM, "domain": "muse-test"},
            "channel": {"id": message.channel, "name": "general"},
            "message": {
                "type": "message",
                "ts": message.ts,
                "text": message.text,
                "blocks": message.blocks,
                **({"thread_ts": message.thread_ts} if message.thread_ts else {}),
            },
            "response_url": self.response_url_for(f"action-{n}"),
            "actions": [
                {
                    "type": "button",
                    "action_id": action_id,
                    "block_id": "muse_actions",
                    "value": button["value"],
                    "action_ts": str(time.time()),
                }
            ],
        }
        body = urlencode({"payload": json.dumps(payload)})
        return await self.send(body, "application/x-www-form-urlencoded")

    @property
    def connected(self) -> bool:
        """True once the bot has opened the Socket Mode WebSocket."""
        return self._socket is not None

    async def envelope(self, envelope: dict[str, Any]) -> None:
        """Send a Socket Mode envelope over the open WebSocket."""
        assert self._socket is not None, "the bot has not connected"
        await self._socket.send_json(envelope)


def invalid_blocks(blocks: list[dict[str, Any]]) -> str | None:
    """Why Slack would refuse these blocks, or None: at most 50, sections of 1–3,000 chars."""
    if len(blocks) > 50:
        return "no more than 50 items allowed [json-pointer:/blocks]"
    for i, block in enumerate(blocks):
        if block["type"] == "section":
            text = block["text"]["text"]
            if not 0 < len(text) <= 3000:
                return f"must be between 1 and 3000 characters [json-pointer:/blocks/{i}/text]"
    return None


@asynccontextmanager
async def fake_slack() -> AsyncIterator[FakeSlack]:
    """Serve a FakeSlack on 127.0.0.1 at a free port."""
    fake = FakeSlack()
    app = web.Application()
    app.router.add_post("/api/{method}", fake.api)
    app.router.add_get("/api/{method}", fake.api)
    app.router.add_post("/response/{name}", fake.response_url)
    app.router.add_get("/socket", fake.socket)
    runner = web.AppRunner(app, shutdown_timeout=0.1)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    fake.url = f"http://127.0.0.1:{runner.addresses[0][1]}"
    fake._session = aiohttp.ClientSession()
    try:
        yield fake
    finally:
        await fake._session.close()
        if fake._socket is not None:
            await fake._socket.close()
        await runner.cleanup()
