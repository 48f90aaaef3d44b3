"""The `muse` command: the front ends' commands plus `muse train`.

A composition root above the packages: bots and training never import each other
(bots → core ← training), so the one command that offers both is assembled here.
"""

from __future__ import annotations

from muse.bots.cli import app
from muse.training.cli import app as train_app

app.add_typer(train_app, name="train")

__all__ = ["app"]
