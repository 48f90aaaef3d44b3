"""Pick the model client the settings ask for: a server over HTTP, or the in-process engine."""

from __future__ import annotations

from muse.core.config import Settings
from muse.core.llm.client import ModelClient
from muse.core.llm.missing import MissingModel, missing_model
from muse.core.llm.openai_client import OpenAIClient


def make_model_client(settings: Settings) -> ModelClient:
    """OpenAIClient if MUSE_MODEL_URL is set, else LocalEngine on MUSE_MODEL_PATH; not started.

    With no model at MUSE_MODEL_PATH, a `MissingModel` whose `start()` raises the how-to.
    """
    if settings.model_url:
        api_key = settings.model_api_key
        return OpenAIClient(
            settings.model_url,
            model=settings.model_name,
            api_key=api_key.get_secret_value() if api_key is not None else None,
            timeout_s=settings.model_timeout_s,
            retries=settings.model_retries,
            max_retry_wait_s=settings.model_retry_wait_s,
        )
    if problem := missing_model(settings.model_path):
        return MissingModel(problem)  # no torch import just to learn there is nothing to load
    # Imported here so that choosing a remote server never loads torch/transformers.
    from muse.core.llm.engine import LocalEngine

    return LocalEngine(settings.model_path)
