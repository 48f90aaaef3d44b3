"""How one slash command is described to people: the declaration every text about it derives from.

A skill declares its own (`Skill.command`); the core's local commands declare theirs in
commands.py. Usage lines, /help, Telegram's command menu (setMyCommands) and the Slack app
manifest are all built from these, so a new command is described in exactly one place.
"""

from __future__ import annotations

from dataclasses import dataclass

from muse.core.messages import Lang


@dataclass(frozen=True, slots=True)
class CommandSpec:
    """The texts of one command in both languages."""

    placeholder: dict[Lang, str]  # the argument in usage lines; empty for no argument
    example: dict[Lang, str]  # an argument in usage lines and Slack's usage hint
    summary: dict[Lang, str]  # one line of /help
    menu: dict[Lang, str]  # a command menu's entry: short, capitalised, no final stop
    optional: bool = False  # the argument may be left out (bare /voice shows the voice)

    @property
    def takes_argument(self) -> bool:
        """True when the command needs an argument; sent bare it gets its usage line."""
        return bool(self.placeholder) and not self.optional
