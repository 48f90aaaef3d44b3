"""Slack ack latency: how fast Muse answers 200 concurrent slash commands in HTTP mode.

Slack drops a slash command that is not acknowledged within 3 seconds. This runs the real
SlackAdapter (AsyncApp, signature checks, the core on a SQLite file) with a model that answers
at once, in its own process, and fires N signed `/ad` commands at it at the same moment from
this process, which also plays Slack's Web API and response_url (the tests' fake Slack). Each
ack's latency is measured from sending the request to reading the whole response; the reply
work (core turn, chat.postMessage) runs in the bot's background at the same time, as it would.

    .venv/bin/python bench/slack_ack.py [--commands 200] [--rounds 3] [--out FILE.json]

Results go to bench/results/slack_ack.json by default.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

import aiohttp
from slack_sdk.signature import SignatureVerifier

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # bench.core's instant model and the tests' fake Slack

from bench.core import InstantModel, percentile  # noqa: E402
from muse.bots.slack.adapter import SlackAdapter  # noqa: E402
from muse.bots.slack.render import WORKING  # noqa: E402
from muse.core.config import Settings  # noqa: E402
from muse.core.service import MuseCore  # noqa: E402
from tests.bots.slack.fake_slack import SIGNING_SECRET, FakeSlack, fake_slack  # noqa: E402


async def serve(api_url: str, db: Path) -> None:
    """The bot process: HTTP mode on a free port (printed), until stdin closes."""
    settings = Settings(
        _env_file=None,
        MUSE_DATABASE_URL=f"sqlite+aiosqlite:///{db}",
        SLACK_BOT_TOKEN="xoxb-bench",
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        MUSE_SLACK_API_URL=api_url,
        MUSE_SLACK_PORT=0,
    )
    async with MuseCore(settings, model=InstantModel()) as core:
        adapter = SlackAdapter(settings, core, host="127.0.0.1")
        await adapter.start()
        print(adapter.port, flush=True)
        await asyncio.to_thread(sys.stdin.read)  # the parent closes stdin to stop us
        await adapter.stop()


async def one_command(session: aiohttp.ClientSession, fake: FakeSlack, n: int) -> float:
    """Send one signed /ad and return its ack latency in seconds."""
    form = fake.command_form("/ad", f"新款秋季风衣 {n}", user=f"U{n:05d}")
    body = urlencode(form)
    ts = str(int(time.time()))
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": SignatureVerifier(SIGNING_SECRET).generate_signature(
            timestamp=ts, body=body
        )
        or "",
    }
    started = time.perf_counter()
    async with session.post(fake.bot_url, data=body.encode(), headers=headers) as response:
        text = await response.text()
    latency = time.perf_counter() - started
    if response.status != 200 or text != WORKING:
        raise RuntimeError(f"command {n} answered {response.status}: {text!r}")
    return latency


async def measure(commands: int, rounds: int) -> dict[str, object]:
    """Start the bot, warm it up, then fire `commands` at once, `rounds` times."""
    async with fake_slack() as fake:
        with tempfile.TemporaryDirectory() as tmp:
            bot = await asyncio.create_subprocess_exec(
                sys.executable,
                __file__,
                "--serve",
                fake.api_url,
                str(Path(tmp) / "bench.db"),
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
            )
            assert bot.stdout is not None and bot.stdin is not None
            port = int(await asyncio.wait_for(bot.stdout.readline(), timeout=120))
            fake.bot_url = f"http://127.0.0.1:{port}/slack/events"
            latencies: list[float] = []
            delivery: list[float] = []
            connector = aiohttp.TCPConnector(limit=0)  # no client-side queue
            async with aiohttp.ClientSession(connector=connector) as session:
                for n in range(10):  # warm-up: first auth.test, connections, code paths
                    await one_command(session, fake, n)
                warm = 10
                async with asyncio.timeout(60):
                    await fake.wait_until(lambda: len(fake.called("chat.postMessage")) >= warm)
                for r in range(rounds):
                    base = warm + r * commands
                    started = time.perf_counter()
                    round_latencies = await asyncio.gather(
                        *(one_command(session, fake, base + i) for i in range(commands))
                    )
                    latencies.extend(round_latencies)
                    target = base + commands
                    async with asyncio.timeout(300):
                        await fake.wait_until(
                            lambda t=target: len(fake.called("chat.postMessage")) >= t
                        )
                    delivery.append(time.perf_counter() - started)
            bot.stdin.close()
            await asyncio.wait_for(bot.wait(), timeout=60)
    return {
        "commands": commands,
        "rounds": rounds,
        "acks": len(latencies),
        "p50_ms": percentile(latencies, 50) * 1000,
        "p99_ms": percentile(latencies, 99) * 1000,
        "max_ms": max(latencies) * 1000,
        "mean_ms": statistics.fmean(latencies) * 1000,
        "all_replies_s": statistics.fmean(delivery),
        "replies_per_s": commands / statistics.fmean(delivery),
    }


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--commands", type=int, default=200, help="concurrent slash commands")
    parser.add_argument("--rounds", type=int, default=3, help="bursts of --commands each")
    parser.add_argument("--out", type=Path, default=Path("bench/results/slack_ack.json"))
    parser.add_argument("--serve", nargs=2, metavar=("API_URL", "DB"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        await serve(args.serve[0], Path(args.serve[1]))
        return
    row = await measure(args.commands, args.rounds)
    print(
        f"{'commands':>8} {'acks':>5} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}"
        f" {'replies done s':>14} {'replies/s':>9}"
    )
    print(
        f"{row['commands']:>8} {row['acks']:>5} {row['p50_ms']:>8.1f} {row['p99_ms']:>8.1f}"
        f" {row['max_ms']:>8.1f} {row['all_replies_s']:>14.2f} {row['replies_per_s']:>9.1f}"
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"python": sys.version, "rows": [row]}, indent=2))


if __name__ == "__main__":
    asyncio.run(main())
