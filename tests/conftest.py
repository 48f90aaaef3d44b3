"""Fixtures shared by the whole suite."""

from __future__ import annotations

from pathlib import Path

import pytest


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip tests marked `gpu` when CUDA is not available."""
    gpu = [item for item in items if "gpu" in item.keywords]
    if not gpu:
        return
    import torch  # only when GPU tests were collected

    if torch.cuda.is_available():
        return
    for item in gpu:
        item.add_marker(pytest.mark.skip(reason="needs CUDA"))


@pytest.fixture(scope="session")
def tiny_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`muse train all --preset tiny` once per session: the exported model directory."""
    from tests.training.tiny_run import run_tiny

    return run_tiny(tmp_path_factory.mktemp("tiny_run"))


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny random Llama chat model + ChatML BPE tokenizer on disk, built once per session."""
    # Imported here: torch/transformers load only for sessions whose tests use the model.
    from tests.tiny_model import build_tiny_model

    return build_tiny_model(tmp_path_factory.mktemp("tiny_model"))
