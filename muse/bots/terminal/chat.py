"""`muse chat`: an interactive terminal conversation that streams replies as they are written."""

from __future__ import annotations

import asyncio

from rich.console import Console
from rich.live import Live
from rich.text import Text

from muse.core.messages import Done, Error, Started, TextDelta
from muse.core.service import MuseCore
from muse.core.texts import text

from .incoming import terminal_incoming

QUIT = {"/quit", "/exit", "/q"}
BANNER = (
    "缪斯 Muse · 终端对话 — 用户 {user}\n"
    "试试：/ad 新款秋季风衣，主打轻薄防风  ·  /help 查看全部命令  ·  /quit 退出\n"
    "Try: /ad a lightweight autumn trench coat  ·  /help for every command  ·  /quit to leave"
)


async def render_reply(console: Console, core: MuseCore, line: str, user: str) -> None:
    """Stream one reply into a live region; the final text replaces the streamed draft."""
    with Live(Text("…", style="dim"), console=console, refresh_per_second=10) as live:
        async for event in core.assistant.handle(terminal_incoming(line, user)):
            if isinstance(event, Started):
                live.update(Text("正在构思… / Working on it…", style="dim"))
            elif isinstance(event, TextDelta):
                live.update(Text(event.text))
            elif isinstance(event, Done):
                shown = Text(event.text)
                for notice in event.notices:
                    shown.append("\n" + notice, style="dim")
                live.update(shown)
            elif isinstance(event, Error):
                live.update(Text(event.message, style="bold red"))


async def run_chat(core: MuseCore, user: str, console: Console) -> None:
    """Read lines until /quit or end of input; history persists in the database."""
    console.print(BANNER.format(user=user), style="cyan")
    if core.model_problem is not None:
        console.print(text("model_not_installed", "zh"), style="yellow")
        console.print(text("model_not_installed", "en"), style="yellow")
    while True:
        try:
            line = await asyncio.to_thread(console.input, "[bold green]你 › [/]")
        except EOFError:
            break
        if line.strip() in QUIT:
            break
        if line.strip():
            await render_reply(console, core, line, user)
    console.print("再见 / Bye.", style="cyan")
