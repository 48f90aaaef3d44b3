"""manifest.yml asks Slack for exactly what the adapter listens to and calls."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from muse.bots.slack import convert
from muse.bots.slack import manifest as derived
from muse.core.commands import COMMANDS

MANIFEST = Path(convert.__file__).with_name("manifest.yml")


def manifest() -> dict[str, Any]:
    return yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))


def test_every_registered_slash_command_is_in_the_manifest_and_no_other() -> None:
    commands = [c["command"] for c in manifest()["features"]["slash_commands"]]
    assert sorted(commands) == sorted(convert.COMMANDS)
    # Muse decodes Slack's own escaping; should_escape would turn names into ids.
    assert all(c["should_escape"] is False for c in manifest()["features"]["slash_commands"])


def test_the_slash_commands_are_derived_from_the_cores_command_table() -> None:
    text = MANIFEST.read_text(encoding="utf-8")
    assert derived.render(text) == text, "run: python -m muse.bots.slack.manifest"
    by_command = {c["command"]: c for c in manifest()["features"]["slash_commands"]}
    assert by_command["/ad"]["usage_hint"] == COMMANDS["ad"].example["zh"]
    assert COMMANDS["script"].menu["en"] in by_command["/script"]["description"]
    assert all(len(c["description"]) <= 100 for c in by_command.values())


def test_a_manifest_without_the_block_is_refused_clearly() -> None:
    with pytest.raises(ValueError, match="slash_commands"):
        derived.render("features:\n  bot_user:\n    display_name: Muse\n")


def test_events_scopes_and_modes_match_what_the_adapter_uses() -> None:
    settings = manifest()["settings"]
    assert sorted(settings["event_subscriptions"]["bot_events"]) == ["app_mention", "message.im"]
    assert settings["interactivity"]["is_enabled"] is True  # the buttons
    assert settings["socket_mode_enabled"] is True
    scopes = set(manifest()["oauth_config"]["scopes"]["bot"])
    # message.im needs im:history, app_mention app_mentions:read, setStatus assistant:write
    # (which needs the assistant_view feature), posting and editing chat:write; /muse voice
    # asks users.info (users:read) and conversations.info (channels:read, groups:read).
    expected = {"app_mentions:read", "assistant:write", "chat:write", "commands", "im:history"}
    expected |= {"users:read", "channels:read", "groups:read"}
    assert scopes == expected
    assert "assistant_view" in manifest()["features"]
    assert manifest()["features"]["app_home"]["messages_tab_enabled"] is True
