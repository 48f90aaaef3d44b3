"""Iteration-level scheduling (Orca, Yu et al. OSDI'22; nano-vllm's scheduler): which sequences
run in the next model step, and what each sampled token does to them. No torch here.

Each step is either a prefill (new requests, FIFO, while slots and the token budget allow) or
one decode token for every running sequence, so a request that arrives mid-generation joins the
batch at the next step instead of waiting for the batch to drain. Every sequence owns one KV
slot of `max_model_len` positions for its whole life, so a step can never run out of cache and
nothing is ever preempted; a full set of slots makes requests wait, a full queue refuses them.
"""

from __future__ import annotations

import heapq
import logging
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, replace

from muse.core.llm.engine.errors import QueueFull
from muse.core.llm.engine.metrics import EngineMetrics
from muse.core.llm.engine.sequence import (
    FINISH_ABORT,
    FINISH_ERROR,
    FINISH_LENGTH,
    FINISH_STOP,
    FINISH_TIMEOUT,
    Request,
    SeqOutput,
    Sequence,
)

logger = logging.getLogger(__name__)

Outputs = list[tuple[Request, SeqOutput]]


@dataclass(frozen=True, slots=True)
class Batch:
    """One model step. Prefill: `requests` are new, `seqs` all their sequences (request-major);
    decode: `requests` is empty and `seqs` are the running sequences, ordered by slot."""

    prefill: bool
    requests: list[Request]
    seqs: list[Sequence]


class Scheduler:
    """Waiting requests, running sequences and free KV slots; callers hold the engine's lock."""

    def __init__(
        self,
        max_num_seqs: int,
        max_queue: int,
        max_batch_tokens: int,
        max_model_len: int,
        eos_ids: frozenset[int],
    ) -> None:
        self.max_queue = max_queue
        self.max_batch_tokens = max_batch_tokens
        self.max_model_len = max_model_len
        self.eos_ids = eos_ids
        self.free_slots = list(range(max_num_seqs))  # a heap: lowest first keeps slots compact
        self.waiting: deque[Request] = deque()
        self.running: list[Sequence] = []
        self.metrics = EngineMetrics(lambda: len(self.waiting), lambda: len(self.running))

    def has_work(self) -> bool:
        return bool(self.waiting or self.running)

    def add(self, request: Request) -> None:
        """Queue `request`; QueueFull when `max_queue` requests already wait."""
        if len(self.waiting) >= self.max_queue:
            raise QueueFull(
                f"The model server is busy ({len(self.waiting)} requests waiting); retry shortly."
            )
        self.waiting.append(request)

    def reap(self, now: float) -> Outputs:
        """End aborted and timed-out requests, waiting or running, and free their slots."""
        outputs: Outputs = []
        for request in [r for r in self.waiting if r.aborted or now >= r.deadline]:
            self.waiting.remove(request)
            reason = FINISH_ABORT if request.aborted else FINISH_TIMEOUT
            outputs += self._end_all(request, reason)
        for seq in list(self.running):
            request = seq.request
            if request.aborted or now >= request.deadline:
                reason = FINISH_ABORT if request.aborted else FINISH_TIMEOUT
                outputs.append((request, self._finish(seq, reason, "")))
        return outputs

    def schedule(self) -> Batch | None:
        """The next step: new requests that fit if any wait, else a decode of all running."""
        admitted: list[Request] = []
        budget = self.max_batch_tokens
        while self.waiting and len(self.free_slots) >= self.waiting[0].n:
            prompt = len(self.waiting[0].prompt_ids)
            if admitted and prompt > budget:
                break
            request = self.waiting.popleft()
            for seq in request.seqs:
                seq.slot = heapq.heappop(self.free_slots)
                self.running.append(seq)
            admitted.append(request)
            budget -= prompt
        if admitted:
            return Batch(True, admitted, [seq for r in admitted for seq in r.seqs])
        if not self.running:
            return None
        self.running.sort(key=lambda seq: seq.slot)
        return Batch(False, [], list(self.running))

    def postprocess(
        self, batch: Batch, tokens: list[int], logprobs: list[float], now: float
    ) -> Outputs:
        """Append each sampled token to its sequence; finish those that stop, free their slots.
        `logprobs[i]` is the raw log-probability of `tokens[i]`, passed on in its output."""
        if batch.prefill:
            self.metrics.record_prefill(sum(len(r.prompt_ids) for r in batch.requests))
        else:
            self.metrics.record_decode_batch(len(batch.seqs))
        outputs: Outputs = []
        for seq, token, logprob in zip(batch.seqs, tokens, logprobs, strict=True):
            if seq.finish_reason is not None:
                continue  # reaped while the step ran
            first = seq.generated == 0
            self.metrics.record_token(
                first, now - (seq.request.arrival if first else seq.last_token_at)
            )
            seq.token_ids.append(token)
            seq.generated += 1
            seq.last_token_at = now
            try:
                output = replace(self._advance(seq, token), token_id=token, logprob=logprob)
            except Exception:
                # A failure in one sequence's decoding (its detokenizer, its stop strings)
                # ends that sequence alone; the batch goes on.
                logger.exception("decoding a sequence failed; it ends with an error")
                output = self._finish(seq, FINISH_ERROR, "", tokens=1)
            outputs.append((seq.request, output))
        return outputs

    def fail(self, requests: list[Request]) -> Outputs:
        """End every sequence of `requests` with an error (the step that ran them raised)."""
        for request in requests:
            if request in self.waiting:
                self.waiting.remove(request)
        return [out for request in requests for out in self._end_all(request, FINISH_ERROR)]

    def drain(self, reason: str) -> Outputs:
        """End everything with `reason` (the engine is stopping, or its loop failed)."""
        requests = list(self.waiting) + list(dict.fromkeys(s.request for s in self.running))
        self.waiting.clear()
        return [out for request in requests for out in self._end_all(request, reason)]

    def _advance(self, seq: Sequence, token: int) -> SeqOutput:
        """The output of one new token: its text, and whether the sequence ends here."""
        options = seq.options
        if token in self.eos_ids:
            return self._finish(seq, FINISH_STOP, seq.detokenizer.flush(), tokens=1)
        text = seq.detokenizer.step(token)
        if seq.detokenizer.stopped:
            return self._finish(seq, FINISH_STOP, text, tokens=1)
        if seq.generated >= options.max_tokens or len(seq.token_ids) >= self.max_model_len:
            return self._finish(seq, FINISH_LENGTH, text + seq.detokenizer.flush(), tokens=1)
        return SeqOutput(seq.index, text, 1)

    def _finish(self, seq: Sequence, reason: str, text: str, tokens: int = 0) -> SeqOutput:
        seq.finish_reason = reason
        if seq.slot >= 0:
            heapq.heappush(self.free_slots, seq.slot)
            seq.slot = -1
            self.running.remove(seq)
        self.metrics.record_finish(reason)
        return SeqOutput(seq.index, text, tokens, reason)

    def _end_all(self, request: Request, reason: str) -> Iterator[tuple[Request, SeqOutput]]:
        for seq in request.seqs:
            if seq.finish_reason is None:
                yield request, self._finish(seq, reason, "")
