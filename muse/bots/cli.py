"""The front ends' commands: `chat`, `ask`, `run`, `serve-model`, `db`, `export` and `import`.

`muse.cli` adds `train`.
"""

from __future__ import annotations

import asyncio
import functools
import io
import sys
from dataclasses import replace
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError
from rich.console import Console

from muse.core.config import Settings
from muse.core.history.db import downgrade, upgrade
from muse.core.llm.engine.config import DTYPES, SERVER_ENGINE
from muse.core.llm.missing import missing_model
from muse.core.log import configure_logging
from muse.core.service import MuseCore

from .archive_cli import register
from .errors import AdapterConfigError
from .runner import configured_adapters, run_adapters
from .terminal.ask import collect_reply, result_json
from .terminal.chat import run_chat
from .terminal.incoming import default_user, terminal_incoming

app = typer.Typer(
    help="Muse (缪斯): a creative-writing assistant for Slack, Telegram and the terminal.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
register(app, Settings)
db_app = typer.Typer(help="Database migrations (also applied automatically at start).")
app.add_typer(db_app, name="db")

UserOption = Annotated[
    str | None, typer.Option("--user", help="Whose history to use (default: your OS user).")
]


def load_settings(log_level: str = "WARNING") -> Settings:
    """Settings from the environment, or exit with a readable message on a bad value.

    `log_level` applies when MUSE_LOG_LEVEL is unset; the terminal passes ERROR because its
    own messages already tell the person what a warning would.
    """
    try:
        settings = Settings()
    except ValidationError as exc:
        typer.echo(f"Muse configuration error / 配置有误:\n{exc}", err=True)
        raise typer.Exit(2) from exc
    configure_logging(settings.log_level or log_level)
    return settings


@app.command()
def chat(user: UserOption = None) -> None:
    """Chat in the terminal; history survives restarts. /quit leaves."""
    settings = load_settings("ERROR")
    if isinstance(sys.stdin, io.TextIOWrapper):
        # A line with bytes that are not UTF-8 reads as U+FFFD instead of ending the session.
        sys.stdin.reconfigure(errors="replace")

    async def main() -> None:
        async with MuseCore(settings) as core:
            await run_chat(core, user or default_user(), Console())

    asyncio.run(main())


@app.command()
def ask(
    text: Annotated[str, typer.Argument(help="What to ask, e.g. '/ad 新款服装'; '-' reads stdin.")],
    user: UserOption = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print text, variants, lint flags and timings as JSON.")
    ] = False,
) -> None:
    """One turn, non-interactive, in the same history as `muse chat`."""
    settings = load_settings("ERROR")
    if text == "-":
        # Bytes, decoded here: a text stdin would raise on bytes that are not UTF-8.
        text = sys.stdin.buffer.read().decode("utf-8", "replace").strip()

    async def main() -> int:
        async with MuseCore(settings) as core:
            events = core.assistant.handle(terminal_incoming(text, user or default_user()))
            result = await collect_reply(events)
        if result.done is None:
            message = result.error.message if result.error else "No reply. / 没有回复。"
            typer.echo(message, err=True)
            return 1
        if as_json:
            typer.echo(result_json(result.done, result))
        else:
            typer.echo(result.done.text)
            for notice in result.done.notices:
                typer.echo(notice, err=True)
        return 0

    raise typer.Exit(asyncio.run(main()))


@app.command()
def run() -> None:
    """Run the Slack and/or Telegram bots, whichever has tokens set."""
    settings = load_settings()
    factories = configured_adapters(settings)
    if not factories:
        typer.echo(
            "Nothing to run: set SLACK_BOT_TOKEN and/or TELEGRAM_BOT_TOKEN (see the README's "
            "Slack and Telegram sections).\n没有可启动的机器人：请先设置 SLACK_BOT_TOKEN 和/或 "
            "TELEGRAM_BOT_TOKEN（见 README）。",
            err=True,
        )
        raise typer.Exit(2)
    try:
        asyncio.run(run_adapters(settings, factories))
    except AdapterConfigError as exc:
        typer.echo(f"Muse configuration error / 配置有误: {exc}", err=True)
        raise typer.Exit(2) from exc


@app.command("serve-model")
def serve_model(
    model: Annotated[
        Path | None, typer.Option(help="Hugging Face model directory (default: MUSE_MODEL_PATH).")
    ] = None,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    name: Annotated[
        str | None, typer.Option(help="Model id to report (default: the directory's name).")
    ] = None,
    max_num_seqs: Annotated[
        int, typer.Option(help="Sequences decoded together.")
    ] = SERVER_ENGINE.max_num_seqs,
    max_model_len: Annotated[
        int, typer.Option(help="Longest prompt + completion.")
    ] = SERVER_ENGINE.max_model_len,
    max_queue: Annotated[
        int, typer.Option(help="Waiting requests before 503.")
    ] = SERVER_ENGINE.max_queue,
    request_timeout: Annotated[
        float, typer.Option(help="Seconds per request.")
    ] = SERVER_ENGINE.request_timeout_s,
    device: Annotated[str | None, typer.Option(help="cuda, cpu, … (default: CUDA if any).")] = None,
    dtype: Annotated[str, typer.Option(help=f"Weights' dtype: {', '.join(DTYPES)}.")] = "auto",
    eager: Annotated[bool, typer.Option(help="No CUDA graphs for decode steps.")] = False,
) -> None:
    """Serve a model over an OpenAI-compatible API with continuous batching."""
    settings = load_settings("INFO")
    if dtype not in DTYPES:
        choices = ", ".join(DTYPES)
        typer.echo(f"--dtype must be one of: {choices}. / --dtype 只能是：{choices}。", err=True)
        raise typer.Exit(2)
    path = model or settings.model_path
    if problem := missing_model(path):
        typer.echo(str(problem), err=True)
        raise typer.Exit(2)
    # Imported here: only this command needs aiohttp's server and the engine's torch.
    from muse.core.llm.server.app import serve

    config = replace(
        SERVER_ENGINE,
        max_num_seqs=max_num_seqs,
        max_model_len=max_model_len,
        max_queue=max_queue,
        request_timeout_s=request_timeout,
        device=device,
        dtype=dtype,
        cuda_graphs=not eager,
    )
    announce = functools.partial(typer.echo, err=True)
    asyncio.run(serve(path, host, port, name or path.resolve().name, config, announce))


@db_app.command("upgrade")
def db_upgrade(
    revision: Annotated[str, typer.Argument(help="Target revision.")] = "head",
) -> None:
    """Apply migrations up to REVISION (default: the newest)."""
    settings = load_settings()
    asyncio.run(upgrade(settings.database_url, revision))
    typer.echo(f"Database is at {revision}.")


@db_app.command("downgrade")
def db_downgrade(
    revision: Annotated[str, typer.Argument(help="Target revision, e.g. -1.")],
) -> None:
    """Revert migrations down to REVISION."""
    settings = load_settings()
    asyncio.run(downgrade(settings.database_url, revision))
    typer.echo(f"Database is at {revision}.")
