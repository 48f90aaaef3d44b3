"""The engine: a thread that loops schedule → run → sample → postprocess, and the asyncio side
that submits requests to it and streams their outputs back.

The loop holds the lock only to schedule and to post-process, never during the forward pass, so
submitting and aborting never wait for the model. Outputs of a step reach the event loop in one
`call_soon_threadsafe`, however many requests they concern.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections import defaultdict
from dataclasses import replace
from pathlib import Path
from typing import Any

from muse.core.llm.engine.config import EngineConfig
from muse.core.llm.engine.detokenizer import Detokenizer
from muse.core.llm.engine.errors import (
    EmptyPrompt,
    EngineStopped,
    PromptTooLong,
    TooManyCompletions,
)
from muse.core.llm.engine.generation import Generation
from muse.core.llm.engine.loader import Loaded, limit_threads, load, pick_device, pick_dtype
from muse.core.llm.engine.metrics import EngineMetrics
from muse.core.llm.engine.runner import ModelRunner
from muse.core.llm.engine.scheduler import Batch, Outputs, Scheduler
from muse.core.llm.engine.sequence import (
    FINISH_ABORT,
    FINISH_ERROR,
    Request,
    SamplingOptions,
    SeqOutput,
    Sequence,
)

logger = logging.getLogger(__name__)


class Engine:
    """Continuous batching over one local model; `await start()` first, `await aclose()` after."""

    def __init__(self, path: Path, config: EngineConfig) -> None:
        self.path = Path(path)
        self.config = config
        self._loaded: Loaded | None = None
        self._runner: ModelRunner | None = None
        self._scheduler: Scheduler | None = None
        self._cond = threading.Condition()
        self._thread: threading.Thread | None = None
        self._stopping = False
        self._loop: asyncio.AbstractEventLoop | None = None

    async def start(self) -> None:
        """Start the engine thread, which loads weights and tokenizer and reserves the KV cache.

        All torch work happens on that one thread: each thread that runs torch ops gets its own
        OpenMP team, and two teams spinning on the same cores slow every step many times over.
        """
        self._loop = asyncio.get_running_loop()
        ready: asyncio.Future[None] = self._loop.create_future()
        self._stopping = False
        self._thread = threading.Thread(
            target=self._main, args=(ready,), name="muse-engine", daemon=True
        )
        self._thread.start()
        try:
            await ready
        except BaseException:
            await asyncio.to_thread(self._thread.join)
            self._thread = None
            raise

    async def aclose(self) -> None:
        """Stop the thread after its current step; every unfinished request ends as aborted."""
        if self._thread is None:
            return
        with self._cond:
            self._stopping = True
            self._cond.notify()
        await asyncio.to_thread(self._thread.join)
        self._thread = None
        with self._cond:
            outputs = self.scheduler.drain(FINISH_ABORT)
        self._dispatch(outputs)
        self._runner = None
        self._loaded = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    @property
    def tokenizer(self) -> Any:
        return self._ready().tokenizer

    @property
    def max_model_len(self) -> int:
        return self.scheduler.max_model_len

    @property
    def scheduler(self) -> Scheduler:
        if self._scheduler is None:
            raise EngineStopped("The engine has not been started.")
        return self._scheduler

    @property
    def metrics(self) -> EngineMetrics:
        return self.scheduler.metrics

    def encode_chat(self, messages: list[dict[str, str]]) -> list[int]:
        """The checkpoint's chat template applied to `messages`, ready for the reply."""
        tokenizer = self.tokenizer
        text = tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
        return tokenizer(text, add_special_tokens=False)["input_ids"]

    def encode_text(self, prompt: str) -> list[int]:
        return self.tokenizer(prompt)["input_ids"]

    def submit(self, prompt_ids: list[int], options: SamplingOptions, n: int = 1) -> Generation:
        """Queue a request of `n` completions of `prompt_ids`; its outputs come from the
        returned `Generation`. Raises PromptTooLong, TooManyCompletions, QueueFull or
        EngineStopped at once, before anything is queued."""
        queue: asyncio.Queue[list[SeqOutput]] = asyncio.Queue()
        request = self._submit(prompt_ids, options, n, queue.put_nowait)
        return Generation(self, request, queue)

    def abort(self, request: Request) -> None:
        """Ask the engine thread to end `request` at its next step."""
        with self._cond:
            request.aborted = True
            self._cond.notify()

    def _submit(
        self, prompt_ids: list[int], options: SamplingOptions, n: int, sink: Any
    ) -> Request:
        if not self.running or self._stopping:
            raise EngineStopped("The model engine is not running.")
        scheduler = self.scheduler
        if not prompt_ids:
            raise EmptyPrompt("The prompt is empty; there is nothing to continue.")
        room = scheduler.max_model_len - len(prompt_ids)
        if room <= 0:
            raise PromptTooLong(len(prompt_ids), scheduler.max_model_len)
        if n > self.config.max_num_seqs:
            raise TooManyCompletions(
                f"n={n} exceeds the {self.config.max_num_seqs} sequences this engine runs at once."
            )
        if options.max_tokens > room:
            options = replace(options, max_tokens=room)
        now = time.monotonic()
        request = Request(prompt_ids, options, n, now, now + self.config.request_timeout_s, sink)
        tokenizer = self.tokenizer
        request.seqs = [
            Sequence(request, i, list(prompt_ids), Detokenizer(tokenizer, prompt_ids, options.stop))
            for i in range(n)
        ]
        with self._cond:
            scheduler.add(request)
            self._cond.notify()
        return request

    def _ready(self) -> Loaded:
        if self._loaded is None:
            raise EngineStopped("The engine has not been started.")
        return self._loaded

    def _main(self, ready: asyncio.Future[None]) -> None:
        """Engine thread: load, report readiness (or the load error), then loop."""
        try:
            device = pick_device(self.config.device)
            limit_threads(device, self.config.cpu_threads)
            loaded = load(self.path, device, pick_dtype(self.config.dtype, device))
            max_len = min(self.config.max_model_len, loaded.context)
            self._runner = ModelRunner(
                loaded, self.config.max_num_seqs, max_len, self.config.cuda_graphs
            )
            self._scheduler = Scheduler(
                self.config.max_num_seqs,
                self.config.max_queue,
                self.config.max_batch_tokens,
                max_len,
                loaded.eos_ids,
            )
            self._loaded = loaded
        except Exception as exc:
            self._settle(ready, exc)
            return
        self._settle(ready, None)
        try:
            self._run_loop(self._scheduler, self._runner)
        except Exception:
            # A bug outside the model step: fail every request rather than leave them waiting.
            logger.exception("engine loop crashed; failing all requests")
            with self._cond:
                self._stopping = True
                self._dispatch(self._scheduler.drain(FINISH_ERROR))

    def _settle(self, ready: asyncio.Future[None], error: Exception | None) -> None:
        def settle() -> None:
            if ready.done():
                return
            if error is None:
                ready.set_result(None)
            else:
                ready.set_exception(error)

        assert self._loop is not None
        self._loop.call_soon_threadsafe(settle)

    def _run_loop(self, scheduler: Scheduler, runner: ModelRunner) -> None:
        """One step per iteration while there is work, asleep otherwise."""
        while True:
            with self._cond:
                while not self._stopping and not scheduler.has_work():
                    self._cond.wait()
                if self._stopping:
                    return
                self._dispatch(scheduler.reap(time.monotonic()))
                batch = scheduler.schedule()
            if batch is None:
                continue
            try:
                tokens, logprobs = runner.run(batch)
            except Exception:
                self._isolate(batch, scheduler, runner)
                continue
            with self._cond:
                self._dispatch(scheduler.postprocess(batch, tokens, logprobs, time.monotonic()))

    def _isolate(self, batch: Batch, scheduler: Scheduler, runner: ModelRunner) -> None:
        """A step failed: run it again one request at a time, so that only a request that also
        fails alone ends with an error and the others go on (a bad seed, a processor that
        raises on one request's arguments). Running a step again is safe: the forward pass
        rewrites the same keys and values, and the sampler updates nothing until it succeeds."""
        requests = batch.requests or list(dict.fromkeys(s.request for s in batch.seqs))
        if len(requests) > 1:
            logger.warning("model step failed for %d requests; running each alone", len(requests))
        for request in requests:
            seqs = [seq for seq in batch.seqs if seq.request is request]
            alone = Batch(batch.prefill, [request] if batch.prefill else [], seqs)
            try:
                tokens, logprobs = runner.run(alone)
            except Exception:
                logger.exception("model step failed; its request ends with an error")
                with self._cond:
                    self._dispatch(scheduler.fail([request]))
                continue
            with self._cond:
                self._dispatch(scheduler.postprocess(alone, tokens, logprobs, time.monotonic()))

    def _dispatch(self, outputs: Outputs) -> None:
        """Hand a step's outputs, grouped by request, to the event loop (one callback)."""
        if not outputs or self._loop is None:
            return
        grouped: dict[Request, list[SeqOutput]] = defaultdict(list)
        for request, output in outputs:
            grouped[request].append(output)
        if threading.current_thread() is not self._thread:
            _deliver(grouped)
            return
        try:
            self._loop.call_soon_threadsafe(_deliver, grouped)
        except RuntimeError:  # the event loop has closed: nobody is waiting any more
            logger.debug("event loop closed; %d outputs dropped", len(outputs))


def _deliver(grouped: dict[Request, list[SeqOutput]]) -> None:
    for request, outputs in grouped.items():
        request.sink(outputs)
