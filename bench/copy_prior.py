"""What the copy prior costs: decoding with and without it, side by side in one run.

The engine (in-process, the default model or `--model`) generates the ad skill's request — three
completions of one brief — and a load of `--clients` such requests at once, alternately with
the brief's product names as `copy_phrases` (bias 12, as Muse sends them) and without, for
`--repeat` rounds. Reports generated tokens/s and ms per decode step for each, their ratio, and
the time of one `CopyPrior.bonuses` call. Prints a table and writes JSON (default
bench/results/copy_prior.json).

    .venv/bin/python bench/copy_prior.py [--model models/default] [--clients 8] [--repeat 3]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time
import timeit
from dataclasses import replace
from pathlib import Path

from muse.core.brief import product_terms, spellings
from muse.core.llm.engine.config import EngineConfig
from muse.core.llm.engine.copying import CopyPrior
from muse.core.llm.engine.core import Engine
from muse.core.llm.engine.sequence import SamplingOptions
from muse.core.skills.base import COPY_PRIOR
from muse.core.skills.registry import get_skill

BRIEF = "氨基酸洗面奶，温和清洁"
REPLY = "氨基酸洗面奶，洗完不紧绷\n选氨基酸洗面奶，泡沫细软，早晚都用得上。"  # a typical variant
MAX_TOKENS = 64


async def generate(engine: Engine, prompt: list[int], options: SamplingOptions, n: int) -> int:
    """Run one request to the end; the tokens it generated."""
    tokens = 0
    async with engine.submit(prompt, options, n) as generation:
        async for outputs in generation:
            tokens += sum(o.tokens for o in outputs)
    return tokens


async def timed(engine: Engine, prompt: list[int], options: SamplingOptions, clients: int) -> dict:
    """`clients` concurrent ad requests (n = 3 each); tokens/s and ms per decode step."""
    steps_before = engine.metrics.batch.count
    started = time.perf_counter()
    seeds = range(clients)
    counts = await asyncio.gather(
        *(generate(engine, prompt, replace(options, seed=s), 3) for s in seeds)
    )
    seconds = time.perf_counter() - started
    steps = engine.metrics.batch.count - steps_before
    return {"tokens_per_s": sum(counts) / seconds, "ms_per_step": 1000 * seconds / max(steps, 1)}


async def run(model: Path, clients: int, repeat: int) -> dict:
    skill = get_skill("ad")
    params = skill.params("zh")
    plain = SamplingOptions(
        temperature=params.temperature, top_p=params.top_p, max_tokens=MAX_TOKENS
    )
    names = list(spellings(product_terms(BRIEF, "zh"), "zh"))
    copying = replace(plain, extra_args={**COPY_PRIOR, "copy_phrases": names})
    engine = Engine(model, EngineConfig(max_num_seqs=max(3 * clients, 3)))
    await engine.start()
    try:
        messages = [
            {"role": "system", "content": skill.system_prompt("zh")},
            {"role": "user", "content": skill.user_prompt(BRIEF, "zh")},
        ]
        prompt = engine.encode_chat(messages)
        await timed(engine, prompt, plain, 1)  # warm-up
        rows = {}
        for load in sorted({1, clients}):
            runs: dict[str, list[dict]] = {"without": [], "with": []}
            for _ in range(repeat):  # alternate, so drift on a shared machine hits both alike
                runs["without"].append(await timed(engine, prompt, plain, load))
                runs["with"].append(await timed(engine, prompt, copying, load))
            rows[load] = {
                name: {k: statistics.median(r[k] for r in rs) for k in rs[0]}
                for name, rs in runs.items()
            }
        prior = CopyPrior.build(engine.tokenizer, 0)
        reply = engine.tokenizer(REPLY, add_special_tokens=False)
        calls = 2000
        per_call = timeit.timeit(
            lambda: prior.bias(reply["input_ids"], copying.extra_args), number=calls
        )
    finally:
        await engine.aclose()
    return {"model": str(model), "brief": BRIEF, "rows": rows, "bonuses_us": 1e6 * per_call / calls}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=Path("models/default"))
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path, default=Path("bench/results/copy_prior.json"))
    args = parser.parse_args()
    result = asyncio.run(run(args.model, args.clients, args.repeat))
    print(f"{'requests (n=3 each)':<20} {'prior':<8} {'tokens/s':>9} {'ms/step':>8}")
    for load, row in result["rows"].items():
        for name in ("without", "with"):
            r = row[name]
            print(f"{load:<20} {name:<8} {r['tokens_per_s']:>9.1f} {r['ms_per_step']:>8.2f}")
        ratio = row["with"]["tokens_per_s"] / row["without"]["tokens_per_s"]
        print(f"{'':<20} {'ratio':<8} {ratio:>9.2f}")
    print(
        f"one CopyPrior.bonuses call after a {len(REPLY)}-character variant: "
        f"{result['bonuses_us']:.0f} µs"
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False), "utf-8")


if __name__ == "__main__":
    main()
