"""`muse export` and `muse import`: a team's library and feedback out, its past copy in
(core/history/archive.py). A scope is `platform:workspace` (`slack:T0123`), and for import a
channel too (`slack:T0123:C0456`, `telegram:<bot id>:<chat id>`, `terminal:local:terminal`)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import typer

from muse.core.config import Settings
from muse.core.history.archive import Team, import_copy, read_copy, render, team_rows
from muse.core.history.db import Database
from muse.core.history.store import Place

ScopeOption = Annotated[str, typer.Option("--scope", help="platform:workspace[:channel]")]


def _parts(scope: str, count: int) -> list[str]:
    parts = scope.split(":")
    if len(parts) != count or not all(parts):
        shape = "platform:workspace" + (":channel" if count == 3 else "")
        typer.echo(f"--scope must be {shape}, e.g. slack:T0123{':C0456' * (count == 3)}", err=True)
        raise typer.Exit(2)
    return parts


def register(app: typer.Typer, settings: type[Settings]) -> None:
    """Add the two commands to `app`."""

    @app.command("export")
    def export(
        scope: ScopeOption,
        out: Annotated[Path, typer.Option(help="File to write.")],
        format: Annotated[str, typer.Option(help="jsonl or csv.")] = "jsonl",
    ) -> None:
        """Write one team's kept copy, votes and button presses (no other team's data)."""
        if format not in ("jsonl", "csv"):
            typer.echo("--format must be jsonl or csv", err=True)
            raise typer.Exit(2)
        platform, workspace = _parts(scope, 2)

        async def rows() -> list[dict]:
            async with Database(settings().database_url) as db:
                return await team_rows(db, Team(platform, workspace))

        found = asyncio.run(rows())
        out.write_text(render(found, format), encoding="utf-8")
        typer.echo(f"{len(found)} rows of {scope} written to {out}")

    @app.command("import")
    def import_(
        scope: ScopeOption,
        file: Annotated[Path, typer.Argument(help="JSON Lines or CSV with text (and brief).")],
    ) -> None:
        """Read a team's past copy into the library of one channel."""
        platform, workspace, channel = _parts(scope, 3)
        try:
            records = list(read_copy(file))
        except (OSError, ValueError) as exc:
            typer.echo(f"muse import: {exc}", err=True)
            raise typer.Exit(2) from exc

        async def add() -> int:
            async with Database(settings().database_url) as db:
                return await import_copy(db, Place(platform, workspace, channel), records)

        typer.echo(f"{asyncio.run(add())} pieces of copy added to the library of {scope}")
