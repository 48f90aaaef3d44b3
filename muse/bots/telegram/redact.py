"""Keep the bot token out of the logs.

The token is part of every Bot API URL (`https://api.telegram.org/bot<token>/<method>`), and
httpx logs each request URL at INFO; python-telegram-bot logs the API URL at DEBUG when a bot is
created. A logging filter on exactly those loggers rewrites such records before any handler sees
them, so the rest of the request log stays useful.
"""

from __future__ import annotations

import logging

# Loggers whose records can carry the URL: httpx's request log, PTB's Bot and ExtBot.
LOGGERS = ("httpx", "telegram.Bot", "telegram.ext.ExtBot")
MASK = "<redacted>"


class RedactToken(logging.Filter):
    """Replaces the token in a record's message with a mask."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self._token = token

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if self._token in message:
            record.msg, record.args = message.replace(self._token, MASK), None
        return True

    def install(self) -> None:
        """Start filtering the loggers in `LOGGERS`."""
        for name in LOGGERS:
            logging.getLogger(name).addFilter(self)

    def uninstall(self) -> None:
        """Stop filtering."""
        for name in LOGGERS:
            logging.getLogger(name).removeFilter(self)
