"""Runs one scheduled step on the model: pack the batch, forward, sample (nano-vllm's
ModelRunner). Called only from the engine thread."""

from __future__ import annotations

import logging

import torch

from muse.core.llm.engine.attention import Decode, KVCache, Prefill
from muse.core.llm.engine.graphs import DecodeGraphs
from muse.core.llm.engine.loader import Loaded
from muse.core.llm.engine.processors import build_processors
from muse.core.llm.engine.sampler import Sampler
from muse.core.llm.engine.scheduler import Batch

logger = logging.getLogger(__name__)


class ModelRunner:
    """Owns the KV cache and the sampler of one loaded model."""

    def __init__(self, loaded: Loaded, slots: int, max_model_len: int, cuda_graphs: bool) -> None:
        self.model = loaded.model
        self.device = self.model.device
        config = self.model.config
        self.cache = KVCache(config, slots, max_model_len, self.model.dtype, self.device)
        processors = build_processors(loaded.tokenizer, config.vocab_size)
        self.sampler = Sampler(slots, config.vocab_size, self.device, processors)
        logger.info(
            "KV cache: %d slots × %d positions, %.1f MiB reserved",
            slots,
            max_model_len,
            self.cache.nbytes() / 2**20,
        )
        self.graphs: DecodeGraphs | None = None
        if cuda_graphs and self.device.type == "cuda":
            with torch.inference_mode():
                self.graphs = DecodeGraphs.capture(
                    self._forward, self.cache, slots, config.vocab_size, self.model.dtype
                )

    @torch.inference_mode()
    def run(self, batch: Batch) -> tuple[list[int], list[float]]:
        """One step; the token sampled for each of `batch.seqs`, in order, and its log-prob."""
        return self._prefill(batch) if batch.prefill else self._decode(batch)

    def _prefill(self, batch: Batch) -> tuple[list[int], list[float]]:
        """Every request's prompt into its first sequence's slot, in one packed forward."""
        prompts = [r.prompt_ids for r in batch.requests]
        lengths = [len(p) for p in prompts]
        starts = [sum(lengths[:i]) for i in range(len(lengths))]
        parents = [r.seqs[0].slot for r in batch.requests]
        ids = torch.tensor([t for p in prompts for t in p], device=self.device)
        positions = torch.cat([torch.arange(n, device=self.device) for n in lengths])
        last = torch.tensor([s + n - 1 for s, n in zip(starts, lengths, strict=True)])
        step = Prefill(self.cache, parents, starts, lengths)
        logits = self._forward(ids, positions, last.to(self.device), step)  # [requests, vocab]
        rows = []
        for i, request in enumerate(batch.requests):
            self.cache.mark_written(parents[i], lengths[i])
            # The n completions share the prompt's keys/values: one prefill, copied n - 1 times.
            self.cache.fork(parents[i], [s.slot for s in request.seqs[1:]], lengths[i])
            self.sampler.admit(request)
            rows += [i] * request.n
        return self.sampler.sample(logits[torch.tensor(rows, device=self.device)], batch.seqs)

    def _decode(self, batch: Batch) -> tuple[list[int], list[float]]:
        """The last token of every running sequence (ordered by slot), one position each."""
        seqs = batch.seqs
        slot_list = [s.slot for s in seqs]
        span_slots = slot_list[-1] + 1
        ids = torch.tensor([s.token_ids[-1] for s in seqs], device=self.device)
        positions = torch.tensor([len(s.token_ids) - 1 for s in seqs], device=self.device)
        span_len = int(positions.max()) + 1
        slots = torch.tensor(slot_list, device=self.device)
        bucket = self.graphs.fits(span_slots, span_len) if self.graphs else None
        if self.graphs and bucket:
            return self.sampler.sample(self.graphs.run(bucket, ids, slots, positions), seqs)
        self.cache.prepare(span_slots, span_len)
        # Each slot attends to its own positions; unused slots in the span to position 0 only,
        # so no row of the softmax is empty. An additive float mask: SDPA on CPU runs ~1.4× faster
        # with it than with a bool one.
        lengths = torch.ones(span_slots, dtype=torch.long, device=self.device)
        lengths[slots] = positions + 1
        keep = torch.arange(span_len, device=self.device) < lengths.unsqueeze(1)  # [S, L]
        mask = torch.zeros(keep.shape, dtype=self.model.dtype, device=self.device)
        mask.masked_fill_(~keep, float("-inf"))
        compact = span_slots == len(seqs)
        step = Decode(self.cache, slots, positions, mask.view(span_slots, 1, 1, span_len), compact)
        logits = self._forward(ids, positions, 0, step)  # [B, vocab]
        return self.sampler.sample(logits, seqs)

    def _forward(
        self,
        ids: torch.Tensor,
        positions: torch.Tensor,
        keep: torch.Tensor | int,
        step: Prefill | Decode,
    ) -> torch.Tensor:
        """ids, positions: [T]; keep: the positions whose logits are needed (0: all).
        Returns float32 logits [kept, vocab]."""
        out = self.model(
            input_ids=ids.unsqueeze(0),
            position_ids=positions.unsqueeze(0),
            use_cache=False,
            logits_to_keep=keep,
            muse_step=step,
        )
        return out.logits[0].float()
