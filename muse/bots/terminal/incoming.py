"""Terminal input as the core's `Incoming`: one private conversation per OS (or --user) user."""

from __future__ import annotations

import getpass

from muse.core.messages import Incoming, Kind
from muse.core.sanitize import clean_text

PLATFORM = "terminal"


def default_user() -> str:
    """The OS user name, so history follows the person at this terminal across restarts."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (some containers)
        return "local"


def terminal_incoming(text: str, user: str) -> Incoming:
    """A terminal line: a direct message, so `muse chat` and `muse ask` share one history.
    Bytes that were not UTF-8 (arguments arrive surrogate-escaped) and control characters are
    cleaned (core/sanitize.py)."""
    user = clean_text(user)
    return Incoming(
        platform=PLATFORM,
        workspace_id="local",
        channel_id="terminal",
        user_id=user,
        text=clean_text(text),
        kind=Kind.DIRECT,
        user_name=user,
    )
