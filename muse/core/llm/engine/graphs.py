"""CUDA graphs for decode steps (GPU only): a decode step of a small model is dozens of tiny
kernels whose launch overhead, not the GPU, sets the pace; replaying a captured graph launches
them all at once. Follows nano-vllm's `capture_cudagraph` and PyTorch's CUDA graphs notes
(https://pytorch.org/docs/stable/notes/cuda.html#cuda-graphs).

A graph needs static shapes and addresses, so decode steps are padded to buckets: B rows for
slots 0..B-1 (row i is slot i; free slots decode a dummy token at position 0, which no live
sequence reads) and an attention span of L positions. One graph per (B, L) bucket shares one
memory pool and one logits buffer. Every graph is checked against the eager step once at start;
any mismatch or capture error turns graphs off (logged) rather than risk wrong tokens.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import torch

from muse.core.llm.engine.attention import Decode, KVCache

logger = logging.getLogger(__name__)

Forward = Callable[[torch.Tensor, torch.Tensor, int, Decode], torch.Tensor]


def buckets(limit: int, first: int) -> list[int]:
    """Powers of two from `first` below `limit`, then `limit` itself."""
    sizes = [first]
    while sizes[-1] * 2 < limit:
        sizes.append(sizes[-1] * 2)
    return [s for s in sizes if s < limit] + [limit]


class DecodeGraphs:
    """Captured decode steps and their static input buffers."""

    def __init__(self, cache: KVCache, slots: int, vocab: int, dtype: torch.dtype) -> None:
        device = cache.tensor.device
        self.cache = cache
        self.batch_buckets = buckets(slots, 1)
        self.len_buckets = buckets(cache.max_len, min(256, cache.max_len))
        self.ids = torch.zeros(slots, dtype=torch.long, device=device)
        self.positions = torch.zeros(slots, dtype=torch.long, device=device)
        self.slots = torch.arange(slots, device=device)
        self.mask = torch.zeros(slots, 1, 1, cache.max_len, dtype=dtype, device=device)
        self.logits = torch.zeros(slots, vocab, dtype=torch.float32, device=device)
        self.graphs: dict[tuple[int, int], torch.cuda.CUDAGraph] = {}

    @classmethod
    def capture(
        cls, forward: Forward, cache: KVCache, slots: int, vocab: int, dtype: torch.dtype
    ) -> DecodeGraphs | None:
        """Capture every bucket (largest first, so later graphs fit in its pool) and check
        each against the eager step; None (eager decoding) if anything fails."""
        graphs = cls(cache, slots, vocab, dtype)
        try:
            pool = None
            for b in reversed(graphs.batch_buckets):
                for length in reversed(graphs.len_buckets):
                    step = graphs._step(b, length)
                    cache.prepare(b, length)
                    graphs.logits[:b] = forward(graphs.ids[:b], graphs.positions[:b], 0, step)
                    graph = torch.cuda.CUDAGraph()
                    with torch.cuda.graph(graph, pool):
                        graphs.logits[:b] = forward(graphs.ids[:b], graphs.positions[:b], 0, step)
                    pool = graph.pool()
                    graphs.graphs[(b, length)] = graph
            torch.cuda.synchronize()
            graphs._check(forward)
        except (RuntimeError, AssertionError) as exc:
            logger.warning("CUDA graphs off, decoding eagerly: %s", exc)
            return None
        logger.info("captured %d CUDA graphs for decode steps", len(graphs.graphs))
        return graphs

    def fits(self, span_slots: int, span_len: int) -> tuple[int, int] | None:
        """The smallest bucket holding slots [0, span_slots) and positions [0, span_len)."""
        b = next((b for b in self.batch_buckets if b >= span_slots), None)
        length = next((n for n in self.len_buckets if n >= span_len), None)
        return None if b is None or length is None else (b, length)

    def run(
        self,
        bucket: tuple[int, int],
        ids: torch.Tensor,
        slots: torch.Tensor,
        positions: torch.Tensor,
    ) -> torch.Tensor:
        """Replay `bucket` for tokens `ids` at `positions` of `slots` ([n] each); logits [n, V]."""
        b, length = bucket
        self.ids[:b].zero_()
        self.positions[:b].zero_()
        self.ids[slots] = ids
        self.positions[slots] = positions
        lengths = torch.ones(b, dtype=torch.long, device=ids.device)
        lengths[slots] = positions + 1
        keep = torch.arange(length, device=ids.device) < lengths.unsqueeze(1)  # [b, length]
        self.mask[:b, 0, 0, :length] = torch.where(keep, 0.0, float("-inf"))
        self.cache.prepare(b, length)
        self.graphs[bucket].replay()
        return self.logits[slots]

    def _step(self, b: int, length: int) -> Decode:
        mask = self.mask[:b, :, :, :length]
        return Decode(self.cache, self.slots[:b], self.positions[:b], mask, True)

    def _check(self, forward: Forward) -> None:
        """Each graph must give the eager step's logits on the same (dummy) inputs."""
        for (b, length), graph in self.graphs.items():
            self.ids[:b] = torch.arange(b, device=self.ids.device)
            graph.replay()
            eager = forward(self.ids[:b], self.positions[:b], 0, self._step(b, length))
            if not torch.allclose(self.logits[:b], eager, rtol=1e-3, atol=1e-3):
                raise AssertionError(f"graph ({b} slots, {length} positions) differs from eager")
        self.ids.zero_()
