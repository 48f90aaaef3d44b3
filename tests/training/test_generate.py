"""The requests eval sends are the core's, with the copy prior only when asked for."""

from __future__ import annotations

from muse.training.generate import request_for

BRIEF = {"task": "ad", "lang": "zh", "category": "咖啡", "brief": "挂耳咖啡，办公室三分钟"}


def test_eval_asks_for_the_copy_prior_as_the_ad_skill_does() -> None:
    request = request_for(BRIEF, seed=7, max_tokens=40)
    assert request.params.extra_args["copy_bias"] > 0
    assert request.params.seed == 7 and request.params.max_tokens <= 40


def test_without_the_prior_the_request_is_otherwise_the_same() -> None:
    on, off = request_for(BRIEF, 7, None), request_for(BRIEF, 7, None, copy_prior=False)
    assert "copy_bias" not in off.params.extra_args
    assert off.messages == on.messages and off.n == on.n
    assert off.params.temperature == on.params.temperature
