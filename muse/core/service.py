"""The running core: database, history store, model client and assistant, started together.

`async with MuseCore(settings) as core:` applies migrations, closes turns a crash left pending,
starts the model client and exposes `core.assistant`. Every front end (terminal, Slack,
Telegram) runs the core this way; nothing is created before `start()`.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from types import TracebackType

from muse.core.adlaw import AdLawLinter
from muse.core.assistant import Assistant
from muse.core.brief import warm_up
from muse.core.config import Settings
from muse.core.history.db import Database
from muse.core.history.feedback_log import SqlFeedbackLog
from muse.core.history.library import SqlLibrary
from muse.core.history.repository import SqlHistoryStore
from muse.core.history.store import ThreadLinks
from muse.core.history.threads import SqlThreadLinks
from muse.core.history.usage import SqlUsage
from muse.core.history.voices import SqlVoiceStore
from muse.core.llm.client import ModelClient, ModelNotInstalled
from muse.core.llm.factory import make_model_client
from muse.core.llm.missing import MissingModel

log = logging.getLogger(__name__)


class MuseCore:
    """Owns the core's resources for the lifetime of a front end."""

    def __init__(self, settings: Settings, model: ModelClient | None = None) -> None:
        self.settings = settings
        self._given_model = model
        self._db: Database | None = None
        self._model: ModelClient | None = None
        self._assistant: Assistant | None = None
        self._threads: ThreadLinks | None = None
        self.model_problem: ModelNotInstalled | None = None  # set when no model could load

    @property
    def assistant(self) -> Assistant:
        """The started assistant."""
        if self._assistant is None:
            raise RuntimeError("MuseCore is not started")
        return self._assistant

    @property
    def threads(self) -> ThreadLinks:
        """The started store of reply-chain links (Telegram groups)."""
        if self._threads is None:
            raise RuntimeError("MuseCore is not started")
        return self._threads

    async def start(self) -> None:
        """Migrate the database, close interrupted turns, start the model client (and load
        jieba, which the product check needs, so the first turn does not wait for it)."""
        self._db = Database(self.settings.database_url)
        await self._db.start()
        store = SqlHistoryStore(self._db, timedelta(hours=self.settings.event_retention_hours))
        # A link outlives its use once the conversation it leads to has idled out.
        self._threads = SqlThreadLinks(self._db, timedelta(minutes=self.settings.idle_minutes))
        if interrupted := await store.close_pending():
            log.warning("closed interrupted turns", extra={"count": interrupted})
        self._model = self._given_model or make_model_client(self.settings)
        try:
            await self._model.start()
        except ModelNotInstalled as exc:
            # Keep serving: commands that need no model still work, and every model turn
            # answers with the how-to-get-a-model message instead of a reply.
            log.warning("no model installed", extra={"path": str(self.settings.model_path)})
            self.model_problem = exc
            self._model = MissingModel(exc)
        else:
            # Ad copy and taglines are checked for the product with jieba (brief.py).
            await asyncio.to_thread(warm_up)
        linter = AdLawLinter.from_settings(self.settings)
        voices, feedback = SqlVoiceStore(self._db), SqlFeedbackLog(self._db)
        library, usage = SqlLibrary(self._db), SqlUsage(self._db)
        self._assistant = Assistant(
            store, voices, feedback, library, usage, self._model, linter, self.settings
        )

    async def stop(self) -> None:
        """Release the model and the database."""
        if self._model is not None:
            await self._model.aclose()
            self._model = None
        if self._db is not None:
            await self._db.stop()
            self._db = None
        self._assistant = None
        self._threads = None

    async def __aenter__(self) -> MuseCore:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()
