"""`muse run` with Slack credentials: the adapter is chosen, configured and served end to end."""

from __future__ import annotations

import asyncio
import signal
import socket
from pathlib import Path

import pytest

from muse.bots.errors import AdapterConfigError
from muse.bots.runner import configured_adapters
from muse.bots.slack.adapter import SlackAdapter
from muse.core.config import Settings
from muse.core.service import MuseCore
from tests.bots.slack.fake_slack import SIGNING_SECRET, fake_slack
from tests.muse_process import MUSE, environment, muse


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_a_bot_token_selects_the_slack_adapter() -> None:
    settings = Settings(_env_file=None, SLACK_BOT_TOKEN="xoxb-1", SLACK_SIGNING_SECRET="s")
    assert configured_adapters(settings) == [SlackAdapter]


def test_http_mode_without_a_signing_secret_is_refused_with_what_to_set(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, SLACK_BOT_TOKEN="xoxb-1")
    with pytest.raises(AdapterConfigError, match="SLACK_SIGNING_SECRET"):
        SlackAdapter(settings, MuseCore(settings))


async def test_a_refused_token_is_a_readable_error_and_nothing_is_left_open(
    tmp_path: Path,
) -> None:
    async with fake_slack() as fake:
        fake.scripted["auth.test"] = [(200, {"ok": False, "error": "invalid_auth"}, {})]
        env = environment(
            tmp_path,
            SLACK_BOT_TOKEN="xoxb-revoked",
            SLACK_SIGNING_SECRET=SIGNING_SECRET,
            MUSE_SLACK_API_URL=fake.api_url,
            MUSE_SLACK_PORT=str(free_port()),
        )
        code, _, err = await muse(env, "run", cwd=tmp_path)
    assert code == 2 and "invalid_auth" in err and "Traceback" not in err


async def wait_for_port(port: int, proc: asyncio.subprocess.Process) -> None:
    """Until the child listens on `port` (it imports, migrates and calls auth.test first)."""
    async with asyncio.timeout(60):
        while True:
            assert proc.returncode is None, "muse run exited early"
            try:
                _, writer = await asyncio.open_connection("127.0.0.1", port)
            except OSError:
                await asyncio.sleep(0.1)
                continue
            writer.close()
            await writer.wait_closed()
            return


@pytest.mark.slow
async def test_muse_run_serves_slack_over_http_and_stops_on_sigterm(tmp_path: Path) -> None:
    async with fake_slack() as fake:
        port = free_port()
        env = environment(
            tmp_path,
            SLACK_BOT_TOKEN="xoxb-test",
            SLACK_SIGNING_SECRET=SIGNING_SECRET,
            MUSE_SLACK_API_URL=fake.api_url,
            MUSE_SLACK_PORT=str(port),
        )
        proc = await asyncio.create_subprocess_exec(
            *MUSE,
            "run",
            env=env,
            cwd=tmp_path,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        try:
            await wait_for_port(port, proc)
            fake.bot_url = f"http://127.0.0.1:{port}/slack/events"
            assert (await fake.command("/muse", "help")).status == 200
            async with asyncio.timeout(10):
                await fake.wait_until(lambda: bool(fake.responses))
            assert "/tagline" in fake.responses[0]["text"]
            # No model is installed: a skill command says so, privately, and names the fix.
            await fake.command("/ad", "风衣")
            async with asyncio.timeout(10):
                await fake.wait_until(lambda: len(fake.responses) == 2)
            assert "MUSE_MODEL_URL" in fake.responses[1]["text"]
        finally:
            if proc.returncode is None:
                proc.send_signal(signal.SIGTERM)
            _, err = await asyncio.wait_for(proc.communicate(), timeout=30)
        assert proc.returncode == 0, err.decode()
