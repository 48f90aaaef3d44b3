"""What every handler of the model server shares, stored on the aiohttp application."""

from __future__ import annotations

from dataclasses import dataclass

from aiohttp import web

from muse.core.llm.engine.core import Engine


@dataclass(frozen=True, slots=True)
class ServerState:
    """The engine, the model id it is served as, and when the server started."""

    engine: Engine
    name: str
    created: int

    @property
    def max_n(self) -> int:
        """Most completions one request may ask for: they must fit the batch together."""
        return self.engine.config.max_num_seqs


STATE = web.AppKey("state", ServerState)
