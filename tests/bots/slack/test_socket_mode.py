"""Socket Mode: the same app behind slack_sdk's WebSocket client, driven by envelopes from the
fake Slack's WebSocket (apps.connections.open → wss URL → hello → envelopes → acks)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from muse.bots.slack.adapter import SlackAdapter
from muse.bots.slack.render import WORKING
from muse.core.service import MuseCore
from tests.bots.slack.conftest import Harness, slack_settings
from tests.bots.slack.fake_slack import fake_slack
from tests.fake_model import FakeModel


@pytest.fixture
async def socket(tmp_path: Path, model: FakeModel) -> AsyncIterator[Harness]:
    async with fake_slack() as fake:
        settings = slack_settings(tmp_path, fake.api_url, SLACK_APP_TOKEN="xapp-test-token")
        async with MuseCore(settings, model=model) as core:
            adapter = SlackAdapter(settings, core, edit_interval_s=0.05)
            await adapter.start()
            try:
                async with asyncio.timeout(10):
                    await fake.wait_until(lambda: fake.connected)
                yield Harness(fake, adapter, model, core, tmp_path / "muse.db")
            finally:
                await adapter.stop()


async def deliver(socket: Harness, envelope: dict[str, Any]) -> dict[str, Any]:
    """Send one envelope and return the bot's acknowledgement of it."""
    fake = socket.slack
    await fake.envelope(envelope)

    def acked() -> dict[str, Any] | None:
        return next(
            (a for a in fake.socket_acks if a["envelope_id"] == envelope["envelope_id"]), None
        )

    async with asyncio.timeout(10):
        await fake.wait_until(lambda: acked() is not None)
    ack = acked()
    assert ack is not None
    return ack


def dm_envelope(socket: Harness, envelope_id: str, event_id: str, retry: int = 0) -> dict[str, Any]:
    event = {"type": "message", "channel": "DALICE", "channel_type": "im", "user": "UALICE"}
    event |= {"text": "插座模式你好", "ts": "1700000002.000001"}
    return {
        "envelope_id": envelope_id,
        "type": "events_api",
        "payload": socket.slack.event_body(event, event_id),
        "accepts_response_payload": False,
        "retry_attempt": retry,
        "retry_reason": "timeout" if retry else "",
    }


async def test_connecting_uses_the_app_token_and_no_http_endpoint(socket: Harness) -> None:
    (opened,) = socket.slack.called("apps.connections.open")
    assert opened.method == "apps.connections.open"
    with pytest.raises(RuntimeError):
        _ = socket.adapter.port


async def test_an_event_envelope_is_acked_then_answered_once_despite_a_retry(
    socket: Harness,
) -> None:
    ack = await deliver(socket, dm_envelope(socket, "env-1", "EvSOCK"))
    assert ack == {"envelope_id": "env-1"}
    retry = await deliver(socket, dm_envelope(socket, "env-2", "EvSOCK", retry=1))
    assert retry == {"envelope_id": "env-2"}
    await socket.settle()
    (posted,) = socket.slack.messages("DALICE")
    assert "插座模式你好" in posted.body() and len(socket.model.requests) == 1


async def test_a_slash_command_envelope_is_acked_with_the_working_message(
    socket: Harness,
) -> None:
    form = socket.slack.command_form("/brainstorm", "中秋活动")
    envelope = {
        "envelope_id": "env-cmd",
        "type": "slash_commands",
        "payload": form,
        "accepts_response_payload": True,
    }
    ack = await deliver(socket, envelope)
    assert ack == {"envelope_id": "env-cmd", "payload": {"text": WORKING}}
    await socket.settle()
    (posted,) = socket.slack.messages("CGENERAL")
    assert posted.context_texts()[0] == "<@UALICE> 请求：/brainstorm 中秋活动"


async def test_a_button_envelope_is_acked_and_answered_in_the_thread(socket: Harness) -> None:
    await deliver(socket, dm_envelope(socket, "env-3", "EvFIRST"))
    await socket.settle()
    (original,) = socket.slack.messages("DALICE")
    value = original.button_value()
    payload = {
        "type": "block_actions",
        "user": {"id": "UALICE", "team_id": "T0TEAM"},
        "team": {"id": "T0TEAM"},
        "channel": {"id": "DALICE"},
        "trigger_id": "77.88.socket",
        "message": {"ts": original.ts, "text": original.text},
        "response_url": socket.slack.response_url_for("socket-action"),
        "actions": [{"action_id": "muse_longer", "value": value, "block_id": "muse_actions"}],
    }
    envelope = {"envelope_id": "env-btn", "type": "interactive", "payload": payload}
    assert await deliver(socket, envelope) == {"envelope_id": "env-btn"}
    await socket.settle()
    assert len(socket.slack.messages("DALICE")) == 2
    assert "写得更长" in socket.model.requests[-1].messages[-1].content
