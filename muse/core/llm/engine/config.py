"""The engine's limits and placement, with defaults for a shared server and for in-process use."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class EngineConfig:
    """Sizes that bound memory and latency; the KV cache holds `max_num_seqs` × `max_model_len`."""

    # Sequences decoded together (KV slots). A request with n completions takes n of them.
    max_num_seqs: int = 64
    # Longest prompt + completion; the checkpoint's max_position_embeddings if that is smaller.
    max_model_len: int = 4096
    # Requests waiting for slots beyond which new ones are refused (HTTP 503 + Retry-After).
    max_queue: int = 256
    # Prompt tokens prefilled in one step; a longer single prompt still runs alone.
    max_batch_tokens: int = 4096
    # Seconds from arrival until a request is cut off, waiting or generating.
    request_timeout_s: float = 600.0
    # "cuda", "cpu", …; None picks CUDA when available.
    device: str | None = None
    # "auto" (bfloat16 on CUDA where supported, float16 on older GPUs, float32 on CPU),
    # or "float32", "bfloat16", "float16".
    dtype: str = "auto"
    # Decode steps replayed as CUDA graphs (GPU only; each graph is checked against eager).
    cuda_graphs: bool = True
    # CPU matmul threads of the engine; None: one fewer than the cores (one is the event loop's).
    cpu_threads: int | None = None


DTYPES = ("auto", "float32", "bfloat16", "float16")

# `muse serve-model`: the defaults above, one engine for every bot replica.
SERVER_ENGINE = EngineConfig()
# `muse chat` / `muse ask`: one person, a request or two at once (an /ad draws 8 candidates).
IN_PROCESS = EngineConfig(max_num_seqs=16, max_queue=64)
