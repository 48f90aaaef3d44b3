"""The engine's counters and histograms, rendered in Prometheus' text exposition format 0.0.4.

Written by the engine thread, read by the server's `/metrics`; a lock keeps each render
consistent. Format: https://prometheus.io/docs/instrumenting/exposition_formats/
"""

from __future__ import annotations

import threading
from bisect import bisect_left
from collections.abc import Callable

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"

# Seconds; from a few ms (a decode step of a small model on a GPU) to a long CPU prefill.
_LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
_BATCH_BUCKETS = (1, 2, 4, 8, 16, 32, 64, 128, 256)


class Histogram:
    """Cumulative-bucket histogram: counts of observations ≤ each bound, their sum and count."""

    def __init__(self, name: str, help_text: str, buckets: tuple[float, ...]) -> None:
        self.name = name
        self.help = help_text
        self.buckets = buckets
        self.counts = [0] * (len(buckets) + 1)  # the last one is +Inf
        self.sum = 0.0
        self.count = 0

    def observe(self, value: float) -> None:
        self.counts[bisect_left(self.buckets, value)] += 1
        self.sum += value
        self.count += 1

    def render(self) -> list[str]:
        lines = [f"# HELP {self.name} {self.help}", f"# TYPE {self.name} histogram"]
        running = 0
        for bound, count in zip((*self.buckets, float("inf")), self.counts, strict=True):
            running += count
            le = "+Inf" if bound == float("inf") else f"{bound:g}"
            lines.append(f'{self.name}_bucket{{le="{le}"}} {running}')
        lines += [f"{self.name}_sum {self.sum:.6f}", f"{self.name}_count {self.count}"]
        return lines


class EngineMetrics:
    """What `/metrics` shows: load, throughput and latency of the engine."""

    def __init__(self, queue_depth: Callable[[], int], running: Callable[[], int]) -> None:
        self._lock = threading.Lock()
        self._queue_depth = queue_depth
        self._running = running
        self.prompt_tokens = 0
        self.generated_tokens = 0
        self.finished: dict[str, int] = {}
        self.ttft = Histogram(
            "muse_time_to_first_token_seconds",
            "Seconds from a request's arrival to its first generated token.",
            _LATENCY_BUCKETS,
        )
        self.itl = Histogram(
            "muse_inter_token_latency_seconds",
            "Seconds between two consecutive tokens of one sequence.",
            _LATENCY_BUCKETS,
        )
        self.batch = Histogram(
            "muse_decode_batch_size",
            "Sequences decoded together in one step (continuous batching at work when > 1).",
            _BATCH_BUCKETS,
        )

    def record_prefill(self, prompt_tokens: int) -> None:
        with self._lock:
            self.prompt_tokens += prompt_tokens

    def record_decode_batch(self, size: int) -> None:
        with self._lock:
            self.batch.observe(size)

    def record_token(self, first: bool, seconds: float) -> None:
        """One generated token, `seconds` after the request's arrival (first) or the last token."""
        with self._lock:
            self.generated_tokens += 1
            (self.ttft if first else self.itl).observe(seconds)

    def record_finish(self, reason: str) -> None:
        with self._lock:
            self.finished[reason] = self.finished.get(reason, 0) + 1

    def render(self) -> str:
        """All metrics as Prometheus text."""
        with self._lock:
            lines = [
                "# HELP muse_queue_depth Requests waiting for a free slot.",
                "# TYPE muse_queue_depth gauge",
                f"muse_queue_depth {self._queue_depth()}",
                "# HELP muse_running_sequences Sequences holding a KV slot.",
                "# TYPE muse_running_sequences gauge",
                f"muse_running_sequences {self._running()}",
                "# HELP muse_prompt_tokens_total Prompt tokens prefilled.",
                "# TYPE muse_prompt_tokens_total counter",
                f"muse_prompt_tokens_total {self.prompt_tokens}",
                "# HELP muse_generated_tokens_total Tokens generated.",
                "# TYPE muse_generated_tokens_total counter",
                f"muse_generated_tokens_total {self.generated_tokens}",
                "# HELP muse_sequences_finished_total Sequences ended, by reason.",
                "# TYPE muse_sequences_finished_total counter",
                *(
                    f'muse_sequences_finished_total{{reason="{reason}"}} {count}'
                    for reason, count in sorted(self.finished.items())
                ),
                *self.ttft.render(),
                *self.itl.render(),
                *self.batch.render(),
            ]
        return "\n".join(lines) + "\n"
