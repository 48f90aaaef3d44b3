"""Settings → Application: API URL, webhook configuration, the command menu, token redaction."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from muse.bots.errors import AdapterConfigError
from muse.bots.telegram.application import api_base_url, menu, webhook_settings
from muse.bots.telegram.redact import MASK, RedactToken
from muse.bots.telegram.texts import MENU_NAMES
from muse.core.commands import COMMAND_NAMES
from muse.core.config import Settings


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (None, "https://api.telegram.org/bot"),
        ("http://127.0.0.1:8081", "http://127.0.0.1:8081/bot"),
        ("http://127.0.0.1:8081/", "http://127.0.0.1:8081/bot"),
        ("http://127.0.0.1:8081/bot", "http://127.0.0.1:8081/bot"),
        ("https://proxy.example/tg/bot{token}", "https://proxy.example/tg/bot{token}"),
    ],
)
def test_api_base_url(given: str | None, expected: str) -> None:
    assert api_base_url(given) == expected


def webhook_env(tmp_path: Path, **env: str) -> Settings:
    return Settings(_env_file=None, MUSE_DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path}/x.db", **env)


def test_polling_without_webhook_settings(tmp_path: Path) -> None:
    assert webhook_settings(webhook_env(tmp_path)) is None


def test_webhook_mode_serves_the_public_path_locally(tmp_path: Path) -> None:
    hook = webhook_settings(
        webhook_env(
            tmp_path,
            MUSE_TELEGRAM_WEBHOOK_URL="https://bots.example.com/muse/telegram",
            MUSE_TELEGRAM_WEBHOOK_SECRET="s3cret_T-1",
            MUSE_TELEGRAM_WEBHOOK_PORT="9000",
        )
    )
    assert hook is not None
    assert (hook.path, hook.secret, hook.listen, hook.port) == (
        "muse/telegram",
        "s3cret_T-1",
        "0.0.0.0",
        9000,
    )


@pytest.mark.parametrize(
    ("env", "says"),
    [
        ({"MUSE_TELEGRAM_WEBHOOK_URL": "https://x.example/hook"}, "Set both"),
        ({"MUSE_TELEGRAM_WEBHOOK_SECRET": "abc"}, "Set both"),
        (
            {
                "MUSE_TELEGRAM_WEBHOOK_URL": "https://x.example/h",
                "MUSE_TELEGRAM_WEBHOOK_SECRET": "a b",
            },
            "A-Z, a-z, 0-9",
        ),
        (
            {
                "MUSE_TELEGRAM_WEBHOOK_URL": "http://x.example/h",
                "MUSE_TELEGRAM_WEBHOOK_SECRET": "ab",
            },
            "https://",
        ),
    ],
)
def test_webhook_settings_that_cannot_work_are_refused_with_a_reason(
    tmp_path: Path, env: dict[str, str], says: str
) -> None:
    with pytest.raises(AdapterConfigError, match=says):
        webhook_settings(webhook_env(tmp_path, **env))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_menu_lists_every_command_with_a_valid_description(lang: str) -> None:
    commands = menu(lang)  # type: ignore[arg-type]
    assert [c.command for c in commands] == [*COMMAND_NAMES, "start"] == list(MENU_NAMES)
    assert all(1 <= len(c.description) <= 256 for c in commands)
    assert menu("zh")[0].description != menu("en")[0].description


def test_redaction_masks_the_token_in_messages_and_arguments(
    caplog: pytest.LogCaptureFixture,
) -> None:
    token = "42:SECRET"
    redact = RedactToken(token)
    redact.install()
    try:
        with caplog.at_level(logging.DEBUG):
            logging.getLogger("httpx").info(
                'HTTP Request: POST %s "200"', f"https://t/bot{token}/x"
            )
            logging.getLogger("telegram.Bot").debug(f"Set Bot API URL: https://t/bot{token}")
    finally:
        redact.uninstall()
    messages = [r.getMessage() for r in caplog.records]
    assert messages == [
        f'HTTP Request: POST https://t/bot{MASK}/x "200"',
        f"Set Bot API URL: https://t/bot{MASK}",
    ]
    assert not logging.getLogger("httpx").filters
