"""Text from outside, made safe to store and to show: every adapter applies `clean_text` at the
edge, before a message reaches the core.

Python strings can hold what UTF-8 cannot: lone surrogates, which is what bytes that are not
UTF-8 become when read with `surrogateescape` (command-line arguments, a C-locale stdin) and what
a JSON body's `"\\ud800"` decodes to. SQLite's driver, the JSON encoder of the Slack SDK and
the terminal all fail on them with `UnicodeEncodeError`. Control characters (NUL, escape
sequences, C1 controls) mean nothing in copy and can break terminals and logs.
"""

from __future__ import annotations

import re

REPLACEMENT = "\ufffd"
_SURROGATE = re.compile("[\ud800-\udfff]")
# C0 controls except tab and newline, DEL, and the C1 controls.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean_text(text: str) -> str:
    """`text` with each lone surrogate replaced by U+FFFD, line breaks made "\\n", and every
    other control character except tab removed."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", _SURROGATE.sub(REPLACEMENT, text))
