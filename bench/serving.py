"""Serving throughput and latency, one run, same checkpoint and prompts for every system:

  (a) sequential `model.generate`, one request at a time (FIFO, as one worker would serve them)
  (b) one static batch: `model.generate` on `clients` left-padded prompts at a time
  (c) `transformers serve --continuous-batching` over HTTP (SSE)
  (d) `muse serve-model` over HTTP (SSE)

at 1, 16 and 64 concurrent closed-loop clients (each sends its next request when the last one
ends). Reports tokens/s and time-to-first-token / inter-token latency p50 and p95, prints a
table and writes JSON under bench/results/. With --device cuda the model runs in bf16 and (d)'s
fraction of the GPU's memory-bandwidth roofline at the most clients is reported too.
Every system gets the same CPU thread budget (all cores but one). The CPU run is sized to a few
minutes on 2 cores: 48 tokens per request, max(6, 2 × clients) requests per level.

    .venv/bin/python bench/serving.py                      # CPU: "small" model, float32
    .venv/bin/python bench/serving.py --device cuda        # GPU: "large" model, bf16
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import sys
import tempfile
from dataclasses import asdict
from pathlib import Path

import aiohttp
import torch
from transformers import AutoModelForCausalLM, AutoTokenizer

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_model import build_bench_model
from serving_load import Row, chat_text, over_http, sequential, static_batches, summarize

ROOT = Path(__file__).resolve().parents[1]


def make_prompts(tokenizer: object, count: int) -> list[list[dict[str, str]]]:
    """Chat prompts from ~20 to ~200 tokens: a system line and a brief of random length."""
    rng = random.Random(1)
    prompts = []
    for _ in range(count):
        brief = "".join(chr(rng.randint(0x4E00, 0x4E00 + 1500)) for _ in range(rng.randint(5, 120)))
        prompts.append(
            [
                {"role": "system", "content": "你是缪斯，写广告文案。"},
                {"role": "user", "content": f"/ad {brief} autumn launch"},
            ]
        )
    return prompts


async def wait_healthy(url: str, proc: asyncio.subprocess.Process) -> None:
    async with aiohttp.ClientSession() as http:
        for _ in range(1200):
            if proc.returncode is not None:
                raise RuntimeError(f"the server exited with {proc.returncode}")
            try:
                async with http.get(url) as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.25)
    raise RuntimeError(f"{url} never became healthy")


async def scrape(root: str) -> dict[str, float]:
    async with aiohttp.ClientSession() as http, http.get(root + "/metrics") as response:
        lines = (await response.text()).splitlines()
    return {k: float(v) for k, v in (ln.rsplit(" ", 1) for ln in lines if ln.startswith("muse_"))}


def server_command(system: str, model_dir: Path, port: int, args: argparse.Namespace) -> list[str]:
    bin_dir = Path(sys.executable).parent
    if system == "c":
        return [
            str(bin_dir / "transformers"),
            "serve",
            str(model_dir),
            "--continuous-batching",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--device",
            args.device,
            "--dtype",
            args.dtype,
            "--log-level",
            "error",
        ]
    return [
        str(bin_dir / "muse"),
        "serve-model",
        "--model",
        str(model_dir),
        "--port",
        str(port),
        "--max-num-seqs",
        str(max(args.clients)),
        "--max-model-len",
        "1024",
        "--device",
        args.device,
        "--dtype",
        args.dtype,
    ]


async def run_server(system, model_dir, prompts, args) -> list[Row]:
    """Start server (c) or (d), measure every client level, stop it."""
    port = 8700 + ord(system)
    # Both servers get the same CPU thread budget: all cores but one, which their event loop
    # needs (an OpenMP team sharing cores with a busy event loop stalls at every barrier).
    env = os.environ | {"OMP_NUM_THREADS": str(cpu_threads()), "MUSE_LOG_LEVEL": "WARNING"}
    with tempfile.TemporaryFile() as log:
        proc = await asyncio.create_subprocess_exec(
            *server_command(system, model_dir, port, args), env=env, stdout=log, stderr=log
        )
        try:
            return await measure_server(system, port, model_dir, prompts, proc, args)
        finally:
            proc.terminate()
            await proc.wait()
            if proc.returncode not in (0, -15):
                log.seek(0)
                print(log.read().decode()[-3000:], file=sys.stderr)


async def measure_server(system, port, model_dir, prompts, proc, args) -> list[Row]:
    root, model = f"http://127.0.0.1:{port}", str(model_dir) if system == "c" else model_dir.name
    await wait_healthy(root + "/health", proc)
    await over_http(root + "/v1", model, prompts, 2, 4, 8)  # warm-up
    rows = []
    for clients in args.clients:
        before = await scrape(root) if system == "d" else {}
        n = requests_for(clients, args)
        samples = await over_http(root + "/v1", model, prompts, clients, n, args.max_tokens)
        rows.append(summarize(system, clients, samples))
        if system == "d":
            after = await scrape(root)
            steps = after["muse_decode_batch_size_count"] - before["muse_decode_batch_size_count"]
            seqs = after["muse_decode_batch_size_sum"] - before["muse_decode_batch_size_sum"]
            rows[-1].extra = {"decode_steps": steps, "mean_decode_batch": seqs / max(steps, 1)}
        print_row(rows[-1])
    return rows


def cpu_threads() -> int:
    return max(1, (os.cpu_count() or 2) - 1)


def requests_for(clients: int, args: argparse.Namespace) -> int:
    return max(args.min_requests, 2 * clients)


def roofline(row: Row, model_dir: Path, prompts_tokens: float, args: argparse.Namespace) -> dict:
    """(d)'s bytes moved per second over the GPU's peak: every decode step reads all weights
    once and each sequence's KV cache (prompt + half the completion on average)."""
    model = AutoModelForCausalLM.from_pretrained(model_dir, dtype=torch.bfloat16)
    c = model.config
    weight_bytes = sum(p.numel() for p in model.parameters()) * 2
    kv_per_token = 2 * c.num_hidden_layers * c.num_key_value_heads * c.head_dim * 2
    steps_per_s = row.extra["decode_steps"] / row.seconds
    context = prompts_tokens + args.max_tokens / 2
    bytes_per_step = weight_bytes + row.extra["mean_decode_batch"] * context * kv_per_token
    achieved = bytes_per_step * steps_per_s
    return {
        "weight_bytes": weight_bytes,
        "steps_per_s": steps_per_s,
        "achieved_GBps": achieved / 1e9,
        "peak_GBps": args.peak_gbps,
        "fraction_of_roofline": achieved / (args.peak_gbps * 1e9),
    }


def print_row(row: Row) -> None:
    print(
        f"{row.system:>3} {row.clients:>7} {row.requests:>8} {row.tokens:>7} {row.seconds:>8.1f} "
        f"{row.tokens_per_s:>8.1f} {row.ttft_p50_ms:>9.0f} {row.ttft_p95_ms:>9.0f} "
        f"{row.itl_p50_ms:>8.1f} {row.itl_p95_ms:>8.1f}",
        flush=True,
    )


async def main(args: argparse.Namespace) -> None:
    size = args.size or ("large" if args.device == "cuda" else "small")
    workdir = Path(tempfile.mkdtemp(prefix="muse-bench-"))
    model_dir = build_bench_model(workdir / f"bench-{size}", size)
    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    prompts = make_prompts(tokenizer, 64)
    lengths = [len(tokenizer(chat_text(tokenizer, p))["input_ids"]) for p in prompts]
    print(
        f"model: {size} random Llama, {args.device}/{args.dtype}; "
        f"prompts {min(lengths)}–{max(lengths)} tokens; max_tokens {args.max_tokens}"
    )
    print(
        f"{'sys':>3} {'clients':>7} {'requests':>8} {'tokens':>7} {'wall s':>8} {'tok/s':>8} "
        f"{'TTFT p50':>9} {'TTFT p95':>9} {'ITL p50':>8} {'ITL p95':>8}   (ms)"
    )
    rows: list[Row] = []
    # Every system gets the same CPU thread budget: all cores but one (see `run_server`).
    torch.set_num_threads(cpu_threads())
    if {"a", "b"} & set(args.systems):
        dtype = {"auto": None, "bfloat16": torch.bfloat16, "float32": torch.float32}[args.dtype]
        model = AutoModelForCausalLM.from_pretrained(model_dir, dtype=dtype).to(args.device).eval()
        for system in "ab":
            if system not in args.systems:
                continue
            for clients in args.clients:
                n = requests_for(clients, args)
                if system == "a":
                    samples = await sequential(
                        model, tokenizer, prompts, clients, n, args.max_tokens
                    )
                else:
                    samples = static_batches(model, tokenizer, prompts, clients, n, args.max_tokens)
                rows.append(summarize(system, clients, samples))
                print_row(rows[-1])
        del model
    for system in "cd":
        if system in args.systems:
            rows += await run_server(system, model_dir, prompts, args)
    result = {
        "device": args.device,
        "dtype": args.dtype,
        "size": size,
        "max_tokens": args.max_tokens,
        "rows": [asdict(r) for r in rows],
    }
    d_top = [r for r in rows if r.system == "d" and r.clients == max(args.clients)]
    if args.device == "cuda" and d_top:
        result["roofline"] = roofline(d_top[0], model_dir, statistics.mean(lengths), args)
        print(f"(d) at {max(args.clients)} clients: {result['roofline']}")
    by = {(r.system, r.clients): r.tokens_per_s for r in rows}
    for c in args.clients:
        if ("d", c) in by:
            ratios = ", ".join(
                f"{by[('d', c)] / by[(s, c)]:.2f}× ({s})" for s in "abc" if (s, c) in by
            )
            print(f"(d) at {c} clients: {ratios}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2))
    print(f"wrote {args.out}")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--device", choices=["cpu", "cuda"], default="cpu")
    parser.add_argument(
        "--size", choices=["small", "large"], help="default: small on CPU, large on CUDA"
    )
    parser.add_argument("--systems", default="abcd", help="which of a, b, c, d to run")
    parser.add_argument(
        "--clients", type=lambda s: [int(x) for x in s.split(",")], default=[1, 16, 64]
    )
    parser.add_argument(
        "--max-tokens", type=int, default=None, help="default: 48 on CPU, 128 on CUDA"
    )
    parser.add_argument(
        "--min-requests",
        type=int,
        default=None,
        help="requests per level: this or 2 × clients, the larger (default 6 CPU, 8 CUDA)",
    )
    parser.add_argument(
        "--peak-gbps", type=float, default=4800.0, help="GPU memory bandwidth (H200: 4800)"
    )
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    cuda = args.device == "cuda"
    args.dtype = "bfloat16" if cuda else "float32"
    args.max_tokens = args.max_tokens or (128 if cuda else 48)
    args.min_requests = args.min_requests or (8 if cuda else 6)
    args.out = args.out or ROOT / "bench" / "results" / f"serving-{args.device}.json"
    return args


if __name__ == "__main__":
    asyncio.run(main(parse_args()))
