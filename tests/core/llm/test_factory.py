"""make_model_client: a server URL means OpenAIClient, otherwise the in-process engine."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from muse.core.config import Settings
from muse.core.llm import factory
from muse.core.llm.client import ChatMessage, ChatRequest, ModelNotInstalled, SamplingParams
from muse.core.llm.openai_client import OpenAIClient


def settings(**values: Any) -> Settings:
    defaults: dict[str, Any] = {"model_url": None, "model_name": None, "model_api_key": None}
    return Settings(_env_file=None, **(defaults | values))


def test_model_url_gives_an_openai_client(monkeypatch: pytest.MonkeyPatch) -> None:
    made: list[tuple[tuple[Any, ...], dict[str, Any]]] = []

    def record(*args: Any, **kwargs: Any) -> str:
        made.append((args, kwargs))
        return "client"

    monkeypatch.setattr(factory, "OpenAIClient", record)
    chosen = factory.make_model_client(
        settings(
            model_url="http://gpu:8000/v1",
            model_name="muse-1",
            model_api_key="sk-secret",
            model_timeout_s=12.5,
            model_retries=3,
            model_retry_wait_s=1.5,
        )
    )
    assert chosen == "client"
    assert made == [
        (
            ("http://gpu:8000/v1",),
            {
                "model": "muse-1",
                "api_key": "sk-secret",
                "timeout_s": 12.5,
                "retries": 3,
                "max_retry_wait_s": 1.5,
            },
        )
    ]


def test_model_url_without_key_or_name() -> None:
    client = factory.make_model_client(settings(model_url="http://127.0.0.1:8000/v1"))
    assert isinstance(client, OpenAIClient)


async def test_no_url_runs_the_local_model(tiny_model_dir: Path) -> None:
    from muse.core.llm.engine import LocalEngine

    client = factory.make_model_client(settings(model_path=tiny_model_dir))
    assert isinstance(client, LocalEngine)
    request = ChatRequest((ChatMessage("user", "你好"),), SamplingParams(max_tokens=4))
    async with client:
        [text] = await client.complete(request)
    assert text


def test_importing_the_factory_does_not_import_torch() -> None:
    code = "import sys, muse.core.llm.factory; print('torch' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_no_model_on_disk_is_found_without_importing_torch(tmp_path: Path) -> None:
    code = (
        "import sys; from pathlib import Path; from muse.core.config import Settings; "
        "from muse.core.llm.factory import make_model_client; "
        "c = make_model_client(Settings(_env_file=None, MUSE_MODEL_PATH=Path(sys.argv[1]))); "
        "print(type(c).__name__, 'torch' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True
    )
    assert result.stdout.split() == ["MissingModel", "False"], result.stderr


async def test_no_model_on_disk_answers_with_the_how_to(tmp_path: Path) -> None:
    client = factory.make_model_client(settings(model_path=tmp_path))
    with pytest.raises(ModelNotInstalled, match="muse train all"):
        await client.start()
    with pytest.raises(ModelNotInstalled):
        await client.complete(ChatRequest((ChatMessage("user", "你好"),)))
