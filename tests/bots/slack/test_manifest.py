"""manifest.yml asks Slack for exactly what the adapter listens to and calls."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from muse.bots.slack import convert

MANIFEST = Path(convert.__file__).with_name("manifest.yml")


def manifest() -> dict[str, Any]:
    return yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))


def test_every_registered_slash_command_is_in_the_manifest_and_no_other() -> None:
    commands = [c["command"] for c in manifest()["features"]["slash_commands"]]
    assert sorted(commands) == sorted(convert.COMMANDS)
    # Muse decodes Slack's own escaping; should_escape would turn names into ids.
    assert all(c["should_escape"] is False for c in manifest()["features"]["slash_commands"])


def test_events_scopes_and_modes_match_what_the_adapter_uses() -> None:
    settings = manifest()["settings"]
    assert sorted(settings["event_subscriptions"]["bot_events"]) == ["app_mention", "message.im"]
    assert settings["interactivity"]["is_enabled"] is True  # the buttons
    assert settings["socket_mode_enabled"] is True
    scopes = set(manifest()["oauth_config"]["scopes"]["bot"])
    # message.im needs im:history, app_mention app_mentions:read, setStatus assistant:write
    # (which needs the assistant_view feature), posting and editing chat:write.
    expected = {"app_mentions:read", "assistant:write", "chat:write", "commands", "im:history"}
    assert scopes == expected
    assert "assistant_view" in manifest()["features"]
    assert manifest()["features"]["app_home"]["messages_tab_enabled"] is True
