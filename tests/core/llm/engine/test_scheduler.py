"""The scheduler alone (no torch, no model): slots, queueing, joining, endings."""

from __future__ import annotations

import pytest

from muse.core.llm.engine.detokenizer import Detokenizer
from muse.core.llm.engine.errors import QueueFull
from muse.core.llm.engine.scheduler import Scheduler
from muse.core.llm.engine.sequence import Request, SamplingOptions, SeqOutput, Sequence

EOS = 0


class Letters:
    """A tokenizer whose token i is the letter chr(ord('a') + i - 1); 0 is eos."""

    def decode(self, ids: list[int], **kwargs: object) -> str:
        return "".join(chr(ord("a") + i - 1) for i in ids if i != EOS)


def scheduler(slots: int = 4, queue: int = 8, budget: int = 100) -> Scheduler:
    return Scheduler(slots, queue, budget, max_model_len=64, eos_ids=frozenset({EOS}))


def request(n: int = 1, prompt: int = 3, deadline: float = 1e9, **options: object) -> Request:
    req = Request([1] * prompt, SamplingOptions(**options), n, 0.0, deadline, lambda _: None)  # type: ignore[arg-type]
    req.seqs = [
        Sequence(
            req, i, list(req.prompt_ids), Detokenizer(Letters(), req.prompt_ids, req.options.stop)
        )
        for i in range(n)
    ]
    return req


def step(s: Scheduler, *tokens: int) -> list[SeqOutput]:
    batch = s.schedule()
    assert batch is not None
    return [out for _, out in s.postprocess(batch, list(tokens), [-1.0] * len(tokens), now=1.0)]


def test_new_requests_join_between_decode_steps() -> None:
    s = scheduler()
    s.add(first := request())
    step(s, 2)  # the prefill
    decode = s.schedule()
    assert decode is not None and not decode.prefill and decode.seqs == first.seqs
    s.postprocess(decode, [2], [-1.0] * 1, 1.0)
    s.add(second := request())
    joined = s.schedule()
    assert joined is not None and joined.prefill and joined.requests == [second]
    s.postprocess(joined, [2], [-1.0] * 1, 1.0)
    both = s.schedule()
    assert both is not None and [q.request for q in both.seqs] == [first, second]


def test_slots_are_taken_lowest_first_and_n_needs_n_at_once() -> None:
    s = scheduler(slots=4)
    s.add(three := request(n=3))
    s.add(two := request(n=2))
    batch = s.schedule()
    assert batch is not None and batch.requests == [three]  # two must wait for 2 free slots
    assert [q.slot for q in three.seqs] == [0, 1, 2]
    s.postprocess(batch, [EOS, 2, 2], [-1.0] * 3, 1.0)  # completion 0 ends at once, freeing slot 0
    batch = s.schedule()
    assert batch is not None and batch.requests == [two]
    assert sorted(q.slot for q in two.seqs) == [0, 3]


def test_a_full_queue_refuses() -> None:
    s = scheduler(queue=2)
    s.add(request())
    s.add(request())
    with pytest.raises(QueueFull, match="busy"):
        s.add(request())


def test_prefill_budget_splits_long_prompts_but_never_starves_one() -> None:
    s = scheduler(budget=10)
    s.add(request(prompt=30))
    s.add(request(prompt=5))
    assert len(s.schedule().requests) == 1  # type: ignore[union-attr]
    assert len(s.schedule().requests) == 1  # type: ignore[union-attr]


def test_endings_eos_length_and_stop_string() -> None:
    s = scheduler()
    s.add(request())
    s.add(request(max_tokens=2))
    s.add(request(stop=("cd",)))
    outs = step(s, 2, 2, 2)  # prefill: "b" each
    assert [(o.text, o.finish_reason) for o in outs] == [("b", None)] * 3
    outs = step(s, EOS, 3, 3)  # eos ends the first; the second reaches max_tokens
    assert [(o.text, o.finish_reason) for o in outs] == [
        ("", "stop"),
        ("c", "length"),
        ("", None),  # "bc" may still become "bcd": the "c" is held back
    ]
    [out] = step(s, 4)
    assert (out.text, out.finish_reason) == ("", "stop")  # the stop string is never released
    assert not s.running and sorted(s.free_slots) == [0, 1, 2, 3]


def test_aborted_and_timed_out_requests_free_their_slots() -> None:
    s = scheduler(slots=1)
    s.add(running := request())
    s.add(waiting := request(deadline=5.0))
    step(s, 2)
    waiting.aborted = True
    running.deadline = 2.0
    ended = {(r.id, o.finish_reason) for r, o in s.reap(now=3.0)}
    assert ended == {(running.id, "timeout"), (waiting.id, "abort")}
    assert not s.has_work() and s.free_slots == [0]
