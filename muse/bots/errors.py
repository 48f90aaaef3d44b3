"""Errors the adapters raise and the runner and CLI report; a module of its own so that the
runner, which imports the adapters, and the adapters import it from one place without a loop."""

from __future__ import annotations


class AdapterConfigError(Exception):
    """An adapter's settings cannot work; the message says what to set."""


class NothingToRun(Exception):
    """No platform has credentials."""
