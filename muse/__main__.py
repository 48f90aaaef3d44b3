"""`python -m muse` runs the `muse` command."""

from muse.cli import app

app(prog_name="muse")
