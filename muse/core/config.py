"""Muse's settings: every default in one place, read from the environment and `.env`.

Names follow the configuration contract in docs/architecture.md. Secrets are only ever
read from the environment; nothing here is created at import time except the class.
"""

from __future__ import annotations

from pathlib import Path

from platformdirs import user_data_dir
from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

# The repository checkout that holds the shipped default model (models/default).
REPO_ROOT = Path(__file__).resolve().parents[2]


def default_database_url() -> str:
    """SQLite file under the user's data dir (e.g. ~/.local/share/muse/muse.db)."""
    return f"sqlite+aiosqlite:///{Path(user_data_dir('muse')) / 'muse.db'}"


class Settings(BaseSettings):
    """Typed configuration. Environment variables win over `.env`; defaults live here only."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    # SQLAlchemy async URL; SQLite file under the user data dir unless set.
    database_url: str = Field(default_factory=default_database_url, alias="MUSE_DATABASE_URL")
    # Base URL of an OpenAI-compatible server (".../v1"); unset means the in-process model.
    model_url: str | None = Field(default=None, alias="MUSE_MODEL_URL")
    # Model name sent to the OpenAI-compatible server; unset asks the server's /models.
    model_name: str | None = Field(default=None, alias="MUSE_MODEL_NAME")
    # API key sent as a Bearer token to the model server (vLLM --api-key, hosted gateways).
    model_api_key: SecretStr | None = Field(default=None, alias="MUSE_MODEL_API_KEY")
    # Local Hugging Face model directory for in-process use and for `serve-model`.
    model_path: Path = Field(default=REPO_ROOT / "models" / "default", alias="MUSE_MODEL_PATH")
    # Seconds to wait for the model server to connect / between streamed chunks.
    model_timeout_s: float = Field(default=60.0, alias="MUSE_MODEL_TIMEOUT_S")
    # Times a busy model server (429/503) is asked again before the user hears it is busy.
    model_retries: int = Field(default=2, ge=0, alias="MUSE_MODEL_RETRIES")
    # Longest Retry-After wait honoured, in seconds; a longer one is reported to the user at once.
    model_retry_wait_s: float = Field(default=5.0, ge=0, alias="MUSE_MODEL_RETRY_WAIT_S")
    # Completions drawn for an /ad reply's three variants, the best shown (scoring.py); a skill
    # showing one completion draws a third as many, rounded up. 3 or fewer turns best-of-n off.
    # At most 16: the in-process engine decodes 16 sequences at once.
    candidates: int = Field(default=8, ge=1, le=16, alias="MUSE_CANDIDATES")
    # Longest user text accepted, in characters; longer gets a clear refusal.
    max_input_chars: int = Field(default=4000, alias="MUSE_MAX_INPUT_CHARS")
    # Token budget for the history carried in a prompt (the system prompt is never cut).
    history_tokens: int = Field(default=1024, alias="MUSE_HISTORY_TOKENS")
    # Minutes of silence after which a conversation starts fresh.
    idle_minutes: float = Field(default=180.0, alias="MUSE_IDLE_MINUTES")
    # Hours a platform event id is kept to drop redeliveries (Telegram's last up to 24 h).
    event_retention_hours: float = Field(default=48.0, gt=0, alias="MUSE_EVENT_RETENTION_HOURS")
    # People who may change any channel's or workspace's brand voice: platform-qualified user
    # ids, comma separated ("slack:U123ABC,telegram:987654").
    admins: str = Field(default="", alias="MUSE_ADMINS")
    # Slack workspaces (team ids, comma separated) Muse answers in; unset: every workspace.
    slack_teams: str = Field(default="", alias="MUSE_SLACK_TEAMS")
    # Slack channels (ids) Muse answers in, private chats aside; unset: every channel.
    slack_channels: str = Field(default="", alias="MUSE_SLACK_CHANNELS")
    # Telegram groups (chat ids) Muse stays in; unset: every group.
    telegram_chats: str = Field(default="", alias="MUSE_TELEGRAM_CHATS")
    # Telegram users (ids) Muse answers; unset: everyone.
    telegram_users: str = Field(default="", alias="MUSE_TELEGRAM_USERS")
    # Model requests a person may make per minute (buttons included); 0: no limit.
    user_rpm: int = Field(default=20, ge=0, alias="MUSE_USER_RPM")
    # Reply tokens (estimated) a person may receive per UTC day; 0: no limit.
    user_daily_tokens: int = Field(default=0, ge=0, alias="MUSE_USER_DAILY_TOKENS")
    # Reply tokens (estimated) a whole workspace may receive per UTC day; 0: no limit.
    scope_daily_tokens: int = Field(default=0, ge=0, alias="MUSE_SCOPE_DAILY_TOKENS")
    # Generations in flight at once in this process; more wait for a slot.
    max_concurrent: int = Field(default=16, ge=1, alias="MUSE_MAX_CONCURRENT")
    # Seconds a request waits for a generation slot before it is told Muse is busy.
    queue_wait_s: float = Field(default=20.0, gt=0, alias="MUSE_QUEUE_WAIT_S")
    # Extra ad-law terms, comma separated, added to the shipped list.
    adlaw_extra_terms: str = Field(default="", alias="MUSE_ADLAW_EXTRA_TERMS")
    # A UTF-8 file of extra ad-law terms, one per line (# comments allowed).
    adlaw_terms_file: Path | None = Field(default=None, alias="MUSE_ADLAW_TERMS_FILE")
    # Level of the JSON-lines log on stderr; unset: WARNING, or ERROR in the terminal front end.
    log_level: str | None = Field(default=None, alias="MUSE_LOG_LEVEL")
    # Slack bot token (xoxb-…); unset turns Slack off.
    slack_bot_token: SecretStr | None = Field(default=None, alias="SLACK_BOT_TOKEN")
    # Slack signing secret for HTTP mode.
    slack_signing_secret: SecretStr | None = Field(default=None, alias="SLACK_SIGNING_SECRET")
    # Slack app-level token (xapp-…); set means Socket Mode.
    slack_app_token: SecretStr | None = Field(default=None, alias="SLACK_APP_TOKEN")
    # Port of the Slack HTTP endpoint /slack/events.
    slack_port: int = Field(default=3000, alias="MUSE_SLACK_PORT")
    # Address the Slack HTTP endpoint listens on; 127.0.0.1 keeps it behind a local proxy.
    slack_host: str = Field(default="0.0.0.0", alias="MUSE_SLACK_HOST")
    # Base URL of the Slack Web API (on-prem proxies, tests); unset means Slack's.
    slack_api_url: str | None = Field(default=None, alias="MUSE_SLACK_API_URL")
    # Telegram bot token; unset turns Telegram off.
    telegram_bot_token: SecretStr | None = Field(default=None, alias="TELEGRAM_BOT_TOKEN")
    # Telegram Bot API base URL (local Bot API server, tests); unset means Telegram's.
    telegram_api_url: str | None = Field(default=None, alias="MUSE_TELEGRAM_API_URL")
    # Public webhook URL; set together with the secret for webhook mode instead of polling.
    telegram_webhook_url: str | None = Field(default=None, alias="MUSE_TELEGRAM_WEBHOOK_URL")
    # Secret token Telegram echoes in X-Telegram-Bot-Api-Secret-Token.
    telegram_webhook_secret: SecretStr | None = Field(
        default=None, alias="MUSE_TELEGRAM_WEBHOOK_SECRET"
    )
    # Address and port the webhook server listens on (behind the HTTPS proxy the URL points to).
    telegram_webhook_listen: str = Field(default="0.0.0.0", alias="MUSE_TELEGRAM_WEBHOOK_LISTEN")
    telegram_webhook_port: int = Field(default=8443, alias="MUSE_TELEGRAM_WEBHOOK_PORT")

    def is_admin(self, platform: str, user_id: str) -> bool:
        """Whether `MUSE_ADMINS` names this person (as "platform:user_id")."""
        return f"{platform}:{user_id}" in {a.strip() for a in self.admins.split(",")}
