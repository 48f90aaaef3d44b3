"""Per-sequence sampling of a whole batch at once: every row has its own temperature, top-p,
top-k, penalties and random generator.

The repetition penalty (CTRL, as transformers and vLLM apply it) covers the prompt's tokens too;
OpenAI's frequency and presence penalties count only the tokens generated so far
(platform.openai.com/docs/advanced-usage, "Frequency and presence penalties"), so a reply can be
kept from repeating itself without being pushed off the words of its brief. The logits
processors (processors.py) then add their biases, each for the requests that ask for it.

Order as transformers' `generate`: penalties, then temperature, top-k, top-p, then a
draw (greedy rows take the argmax of the penalized logits, so temperature 0 matches
`generate(do_sample=False)` token for token). Drawing uses the exponential race (probs / Exp(1),
argmax; as vLLM and nano-vllm do), which lets each seeded request draw its own noise.

Each drawn token also gets its log-probability under the model's raw distribution (before
penalties, biases, temperature and top-p: vLLM's default `raw_logprobs`), which the server
returns as OpenAI's `logprobs` and the core's best-of-n reads as fluency.
"""

from __future__ import annotations

from collections.abc import Sequence as Seq
from typing import Any

import torch

from muse.core.llm.engine.processors import LogitsProcessor
from muse.core.llm.engine.sequence import Request, Sequence


class Sampler:
    """Keeps, per KV slot, which tokens its sequence has seen and how often it generated each."""

    def __init__(
        self, slots: int, vocab_size: int, device: Any, processors: Seq[LogitsProcessor] = ()
    ) -> None:
        self._device = device
        self._processors = tuple(processors)
        self._seen = torch.zeros(slots, vocab_size, dtype=torch.bool, device=device)
        self._generated = torch.zeros(slots, vocab_size, dtype=torch.int32, device=device)
        self._rng = torch.Generator(device=device)
        self._rng.seed()

    def admit(self, request: Request) -> None:
        """A request starts: its slots have seen its prompt; seeded requests get their own rng."""
        prompt = torch.tensor(request.prompt_ids, device=self._device)
        for seq in request.seqs:
            self._seen[seq.slot] = False
            self._seen[seq.slot, prompt] = True
            self._generated[seq.slot] = 0
        if request.options.seed is not None:
            request.rng = torch.Generator(device=self._device).manual_seed(request.options.seed)

    def sample(self, logits: torch.Tensor, seqs: list[Sequence]) -> tuple[list[int], list[float]]:
        """logits: [B, vocab] float32, row i for seqs[i]; returns one token id per row and its
        raw log-probability."""
        device = self._device
        raw = logits.log_softmax(dim=-1)  # [B, vocab]
        slots = torch.tensor([s.slot for s in seqs], device=device)
        penalty = [s.options.repetition_penalty for s in seqs]
        if any(p != 1.0 for p in penalty):
            p = torch.tensor(penalty, device=device).unsqueeze(1)  # [B, 1]
            penalized = torch.where(logits < 0, logits * p, logits / p)
            logits = torch.where(self._seen[slots], penalized, logits)
        frequency = [s.options.frequency_penalty for s in seqs]
        presence = [s.options.presence_penalty for s in seqs]
        if any(frequency) or any(presence):
            counts = self._generated[slots].float()  # [B, vocab]
            f = torch.tensor(frequency, device=device).unsqueeze(1)  # [B, 1]
            p = torch.tensor(presence, device=device).unsqueeze(1)
            logits = logits - f * counts - p * (counts > 0)
        logits = self._processor_bias(logits, seqs)
        tokens = logits.argmax(dim=-1)  # [B]
        sampled = [i for i, s in enumerate(seqs) if s.options.temperature > 0]
        if sampled:
            rows = torch.tensor(sampled, device=device)
            tokens[rows] = self._draw(logits[rows], [seqs[i] for i in sampled])
        self._seen[slots, tokens] = True
        self._generated[slots, tokens] += 1
        logprobs = raw.gather(1, tokens.unsqueeze(1)).squeeze(1)  # [B]
        return tokens.tolist(), logprobs.tolist()

    def _processor_bias(self, logits: torch.Tensor, seqs: list[Sequence]) -> torch.Tensor:
        """logits [B, vocab] plus each processor's bias for the rows whose request asks for it."""
        rows: list[int] = []
        tokens: list[int] = []
        biases: list[float] = []
        for i, seq in enumerate(seqs):
            args = seq.options.extra_args
            if not args:
                continue
            generated = seq.token_ids[len(seq.request.prompt_ids) :]
            for processor in self._processors:
                found = processor.bias(generated, args)
                rows += [i] * len(found)
                tokens += found.keys()
                biases += found.values()
        if not rows:
            return logits
        index = (torch.tensor(rows, device=self._device), torch.tensor(tokens, device=self._device))
        return logits.index_put(index, torch.tensor(biases, device=self._device), accumulate=True)

    def _draw(self, logits: torch.Tensor, seqs: list[Sequence]) -> torch.Tensor:
        """logits: [R, vocab] of the sampled rows; returns [R] token ids."""
        device = self._device
        temperature = torch.tensor([s.options.temperature for s in seqs], device=device)
        logits = logits / temperature.unsqueeze(1)
        top_k = [s.options.top_k for s in seqs]
        top_p = [s.options.top_p for s in seqs]
        if any(k > 0 for k in top_k) or any(p < 1.0 for p in top_p):
            logits = _top_k_top_p(logits, top_k, top_p)
        probs = logits.softmax(dim=-1)
        noise = torch.empty_like(probs).exponential_(generator=self._rng)
        for i, seq in enumerate(seqs):
            if seq.request.rng is not None:
                noise[i].exponential_(generator=seq.request.rng)
        return probs.div_(noise).argmax(dim=-1)


def _top_k_top_p(logits: torch.Tensor, top_k: list[int], top_p: list[float]) -> torch.Tensor:
    """Mask all but each row's k best tokens and its smallest set of mass ≥ p (nucleus,
    Holtzman et al. 2020); the best token always survives. logits: [R, vocab]."""
    vocab = logits.shape[-1]
    ordered, order = logits.sort(dim=-1, descending=True)  # [R, vocab]
    ranks = torch.arange(vocab, device=logits.device).unsqueeze(0)  # [1, vocab]
    k = torch.tensor([k if 0 < k < vocab else vocab for k in top_k], device=logits.device)
    drop = ranks >= k.unsqueeze(1)
    probs = ordered.softmax(dim=-1)
    mass_before = probs.cumsum(dim=-1) - probs  # mass of the better tokens
    p = torch.tensor(top_p, device=logits.device, dtype=probs.dtype).unsqueeze(1)
    drop |= (mass_before >= p) & (p < 1.0)  # p = 1 keeps all, whatever the float rounding
    drop[:, 0] = False
    ordered = ordered.masked_fill(drop, float("-inf"))
    return torch.empty_like(logits).scatter_(-1, order, ordered)
